import { describe, expect, it } from "vitest";
import {
  collection,
  desiredObject,
  desiredState,
  liveObject,
  snapshot,
} from "../../test/helpers/plan-builders.ts";
import type { AcceptedDeviation } from "../config/model.ts";
import type { JsonValue } from "../json.ts";
import type { Plan } from "./model.ts";
import { createPlan } from "./planner.ts";

/**
 * Acceptances through `createPlan`: which differences they take out of a plan, and what the plan
 * reports about them (the ledger's own rules are in acceptance-ledger.test.ts). `now` is far from
 * the system clock on purpose: a plan that read the clock instead would judge expiry otherwise.
 */
const NOW = new Date("2030-01-10T12:00:00Z");
const ADDRESS = "deviceManagementPartner[contoso].jamf";
const DECLARED_APP = "AAAAAAAA-1111-4222-8333-444444444444";
const LIVE_APP = "bbbbbbbb-1111-4222-8333-444444444444";
const SOURCE = { file: "partners.yaml", line: 12, column: 5 };

function accept(overrides: Partial<AcceptedDeviation> = {}): AcceptedDeviation {
  return {
    property: "singleTenantAppId",
    value: LIVE_APP.toUpperCase(),
    reason: "vendor migration",
    owner: "alex",
    expires: "2030-01-20",
    source: SOURCE,
    ...overrides,
  };
}

/** One declared jamf whose partnerAppType and singleTenantAppId both differ from the live one. */
function planWith(acceptances: AcceptedDeviation[], live: Record<string, JsonValue> = {}): Plan {
  const jamf = {
    ...desiredObject({
      kind: "DeviceManagementPartner",
      name: "jamf",
      match: { by: "displayName", displayName: "Jamf" },
      spec: { partnerAppType: "singleTenantApp", singleTenantAppId: DECLARED_APP },
    }),
    acceptances,
  };
  const liveJamf = liveObject("dmp-1", {
    displayName: "Jamf",
    partnerAppType: "multiTenantApp",
    singleTenantAppId: LIVE_APP,
    partnerState: "enabled",
    isConfigured: false,
    ...live,
  });
  return createPlan({
    desired: desiredState([jamf]),
    live: snapshot([collection([liveJamf], { kind: "DeviceManagementPartner" })]),
    toolVersion: "0.1.0",
    now: NOW,
  });
}

const changedProperties = (plan: Plan) =>
  plan.changes.flatMap((change) => change.changes.map((entry) => entry.property));

describe("createPlan with acceptances", () => {
  it("leaves out a difference whose live value is accepted (compared as its type compares), and reports it", () => {
    const plan = planWith([accept()]);
    expect(changedProperties(plan)).toEqual(["partnerAppType"]);
    expect(plan.changes[0]?.patch).toEqual({ partnerAppType: "singleTenantApp" });
    expect(plan.accepted).toStrictEqual([
      {
        address: ADDRESS,
        tenant: "contoso",
        property: "singleTenantAppId",
        live: LIVE_APP,
        desired: DECLARED_APP.toLowerCase(),
        expires: "2030-01-20",
        owner: "alex",
        reason: "vendor migration",
      },
    ]);
    expect(plan.warnings).toBeUndefined();
    // Ten days after the plan's own today: within the fortnight the plan lists.
    expect(plan.expiringAcceptances).toStrictEqual([
      {
        address: ADDRESS,
        tenant: "contoso",
        property: "singleTenantAppId",
        expires: "2030-01-20",
        owner: "alex",
        reason: "vendor migration",
      },
    ]);
  });

  it("leaves the object unchanged when every difference is accepted", () => {
    const plan = planWith([accept(), accept({ property: "partnerAppType", value: undefined })]);
    expect(plan.changes).toEqual([]);
    expect(plan.unchangedCount).toBe(1);
    expect(plan.accepted?.map((entry) => [entry.property, entry.live, entry.desired])).toEqual([
      ["partnerAppType", "multiTenantApp", "singleTenantApp"],
      ["singleTenantAppId", LIVE_APP, DECLARED_APP.toLowerCase()],
    ]);
  });

  it("plans a difference again once its acceptance has expired, on the plan's today, and warns", () => {
    const plan = planWith([accept({ expires: "2030-01-09" })]);
    expect(changedProperties(plan)).toEqual(["partnerAppType", "singleTenantAppId"]);
    expect(plan.changes[0]?.patch).toEqual({
      partnerAppType: "singleTenantApp",
      singleTenantAppId: DECLARED_APP.toLowerCase(),
    });
    expect(plan.accepted).toBeUndefined();
    expect(plan.expiringAcceptances).toBeUndefined();
    expect(plan.warnings).toStrictEqual([
      {
        code: "acceptance-expired",
        tenant: "contoso",
        address: ADDRESS,
        summary:
          "the acceptance of singleTenantAppId expired on 2030-01-09 (owner: alex, reason: vendor migration): the difference is drift again",
        source: SOURCE,
      },
    ]);
  });

  it("plans a difference again when the live value moved away from the accepted one", () => {
    const moved = "cccccccc-1111-4222-8333-444444444444";
    const plan = planWith([accept()], { singleTenantAppId: moved });
    expect(changedProperties(plan)).toEqual(["partnerAppType", "singleTenantAppId"]);
    expect(plan.changes[0]?.changes[1]).toEqual({
      property: "singleTenantAppId",
      before: moved,
      after: DECLARED_APP.toLowerCase(),
    });
    expect(plan.warnings?.map((warning) => warning.code)).toEqual(["acceptance-value-moved"]);
  });

  it("lists an acceptance ending soon even where nothing differs", () => {
    const plan = planWith([accept({ expires: "2030-01-10" })], {
      partnerAppType: "singleTenantApp",
      singleTenantAppId: DECLARED_APP.toLowerCase(),
    });
    expect(plan.changes).toEqual([]);
    expect(plan.accepted).toBeUndefined();
    expect(plan.expiringAcceptances?.map((entry) => [entry.address, entry.expires])).toEqual([
      [ADDRESS, "2030-01-10"],
    ]);
  });
});
