import { describe, expect, it } from "vitest";
import type { AcceptedDeviation, DesiredObject } from "../config/model.ts";
import type { JsonValue } from "../json.ts";
import { AcceptanceLedger, EXPIRING_SOON_DAYS } from "./acceptance-ledger.ts";

/** 2026-12-07, midday UTC: "today" for every test. */
const NOW = new Date("2026-12-07T12:00:00Z");

function acceptance(fields: Partial<AcceptedDeviation> = {}): AcceptedDeviation {
  return {
    property: "onboardingStatus",
    reason: "licence not bought yet",
    owner: "it-ops@contoso.com",
    expires: "2027-01-31",
    source: { file: "partners.yaml", line: 9, column: 5 },
    ...fields,
  };
}

function object(tenant: string, acceptances?: readonly AcceptedDeviation[]): DesiredObject {
  return {
    kind: "RemoteAssistancePartner",
    name: "teamviewer",
    tenant,
    match: { by: "displayName", displayName: "TeamViewer" },
    graphVersion: "beta",
    spec: { onboardingStatus: "onboarded" },
    ...(acceptances === undefined ? {} : { acceptances }),
    source: { file: "partners.yaml", line: 1, column: 1 },
    propertySources: {},
  };
}

const difference = (live: JsonValue, desired: JsonValue = "onboarded") => ({
  live,
  desired,
  sameAsLive: (accepted: JsonValue) => accepted === live,
});

describe("AcceptanceLedger.covers", () => {
  it("covers nothing for an object without acceptances, and reports nothing", () => {
    const ledger = new AcceptanceLedger(NOW);
    expect(ledger.covers(object("contoso"), "a", "onboardingStatus", difference("x"))).toBe(false);
    expect(ledger.report([object("contoso")], () => "a")).toEqual({});
  });

  it("covers only the accepted property", () => {
    const ledger = new AcceptanceLedger(NOW);
    const accepting = object("contoso", [acceptance()]);
    expect(ledger.covers(accepting, "a", "onboardingUrl", difference("x"))).toBe(false);
    expect(ledger.report([], () => "a")).toEqual({});
  });

  it("covers any live value when no value is accepted, and records who and until when", () => {
    const ledger = new AcceptanceLedger(NOW);
    const accepting = object("contoso", [acceptance()]);
    expect(
      ledger.covers(accepting, "ra[contoso].tv", "onboardingStatus", difference("notOnboarded")),
    ).toBe(true);
    expect(ledger.report([], () => "unused").accepted).toEqual([
      {
        address: "ra[contoso].tv",
        tenant: "contoso",
        property: "onboardingStatus",
        live: "notOnboarded",
        desired: "onboarded",
        expires: "2027-01-31",
        owner: "it-ops@contoso.com",
        reason: "licence not bought yet",
      },
    ]);
  });

  it("holds through its expires day (UTC) and not a day later", () => {
    const today = new AcceptanceLedger(NOW);
    const lastDay = object("contoso", [acceptance({ expires: "2026-12-07" })]);
    expect(today.covers(lastDay, "a", "onboardingStatus", difference("notOnboarded"))).toBe(true);
    const ended = object("contoso", [acceptance({ expires: "2026-12-06" })]);
    const after = new AcceptanceLedger(NOW);
    expect(after.covers(ended, "a", "onboardingStatus", difference("notOnboarded"))).toBe(false);
    expect(after.report([], () => "a").warnings).toEqual([
      {
        code: "acceptance-expired",
        tenant: "contoso",
        address: "a",
        summary:
          "the acceptance of onboardingStatus expired on 2026-12-06 (owner: it-ops@contoso.com, reason: licence not bought yet): the difference is drift again",
        source: { file: "partners.yaml", line: 9, column: 5 },
      },
    ]);
  });

  it("covers an accepted value only while the live value is that value", () => {
    const ledger = new AcceptanceLedger(NOW);
    const accepting = object("contoso", [acceptance({ value: "notOnboarded" })]);
    expect(ledger.covers(accepting, "a", "onboardingStatus", difference("notOnboarded"))).toBe(
      true,
    );
    expect(ledger.covers(accepting, "b", "onboardingStatus", difference("onboarding"))).toBe(false);
    const report = ledger.report([], () => "a");
    expect(report.accepted?.map((entry) => entry.address)).toEqual(["a"]);
    expect(report.warnings).toEqual([
      {
        code: "acceptance-value-moved",
        tenant: "contoso",
        address: "b",
        summary:
          'the live onboardingStatus is no longer the accepted "notOnboarded" (owner: it-ops@contoso.com, reason: licence not bought yet, until 2027-01-31): the difference is drift again',
        source: { file: "partners.yaml", line: 9, column: 5 },
      },
    ]);
  });

  it("is covered by any one holding acceptance; warns about each when none holds", () => {
    const expired = acceptance({ expires: "2026-01-01" });
    const other = acceptance({ value: "onboarding" });
    const holding = new AcceptanceLedger(NOW);
    expect(
      holding.covers(
        object("contoso", [expired, other, acceptance({ value: "notOnboarded" })]),
        "a",
        "onboardingStatus",
        difference("notOnboarded"),
      ),
    ).toBe(true);
    expect(holding.report([], () => "a").warnings).toBeUndefined();
    const none = new AcceptanceLedger(NOW);
    expect(
      none.covers(
        object("contoso", [expired, other]),
        "a",
        "onboardingStatus",
        difference("notOnboarded"),
      ),
    ).toBe(false);
    expect(none.report([], () => "a").warnings?.map((warning) => warning.code)).toEqual([
      "acceptance-expired",
      "acceptance-value-moved",
    ]);
  });
});

describe("AcceptanceLedger.report", () => {
  it("sorts what it covered by address, then property; warnings by address", () => {
    const ledger = new AcceptanceLedger(NOW);
    const both = object("contoso", [
      acceptance(),
      acceptance({ property: "onboardingUrl" }),
      acceptance({ property: "displayName", expires: "2020-01-01" }),
    ]);
    ledger.covers(both, "z", "onboardingUrl", difference("u"));
    ledger.covers(both, "z", "onboardingStatus", difference("s"));
    ledger.covers(both, "m", "onboardingStatus", difference("s"));
    ledger.covers(both, "y", "displayName", difference("d"));
    ledger.covers(both, "b", "displayName", difference("d"));
    const report = ledger.report([], () => "unused");
    expect(report.accepted?.map((entry) => `${entry.address} ${entry.property}`)).toEqual([
      "m onboardingStatus",
      "z onboardingStatus",
      "z onboardingUrl",
    ]);
    expect(report.warnings?.map((warning) => warning.address)).toEqual(["b", "y"]);
  });

  it(`lists the acceptances ending within ${EXPIRING_SOON_DAYS} days, soonest first, not those ended or later`, () => {
    expect(EXPIRING_SOON_DAYS).toBe(14);
    const ledger = new AcceptanceLedger(NOW);
    const objects = [
      object("fabrikam", [
        acceptance({ expires: "2026-12-21" }), // today + 14: listed
        acceptance({ expires: "2026-12-22", property: "onboardingUrl" }), // + 15: not yet
      ]),
      object("contoso", [
        acceptance({ expires: "2026-12-07", reason: "last day" }), // today: listed
        acceptance({ expires: "2026-12-06", property: "displayName" }), // ended: not listed
        acceptance({ expires: "2026-12-21", property: "onboardingUrl" }),
      ]),
    ];
    const report = ledger.report(objects, (desired) => `ra[${desired.tenant}].teamviewer`);
    expect(report.expiringAcceptances).toEqual([
      {
        address: "ra[contoso].teamviewer",
        tenant: "contoso",
        property: "onboardingStatus",
        expires: "2026-12-07",
        owner: "it-ops@contoso.com",
        reason: "last day",
      },
      {
        address: "ra[contoso].teamviewer",
        tenant: "contoso",
        property: "onboardingUrl",
        expires: "2026-12-21",
        owner: "it-ops@contoso.com",
        reason: "licence not bought yet",
      },
      {
        address: "ra[fabrikam].teamviewer",
        tenant: "fabrikam",
        property: "onboardingStatus",
        expires: "2026-12-21",
        owner: "it-ops@contoso.com",
        reason: "licence not bought yet",
      },
    ]);
  });
});
