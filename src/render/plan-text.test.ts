import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  anyPlanArbitrary,
  withFailures,
  worldArbitrary,
} from "../../test/helpers/plan-arbitraries.ts";
import { change, plan, problem } from "../../test/helpers/plan-builders.ts";
import { createPlan } from "../plan/planner.ts";
import { renderPlanText } from "./plan-text.ts";

const group = (groupId: string) => ({
  target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId },
});
const allUsers = { target: { "@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget" } };

const jamf = change({
  address: "deviceManagementPartner[contoso].jamf",
  kind: "DeviceManagementPartner",
  graphType: "deviceManagementPartner",
  name: "jamf",
  collectionPath: "/deviceManagement/deviceManagementPartners",
  liveId: "d21e377a-377a-d21e-7a37-1ed27a371ed2",
  changes: [
    {
      property: "groupsRequiringPartnerEnrollment",
      before: [allUsers, group("old")],
      after: [group("new"), allUsers],
    },
  ],
  patch: { groupsRequiringPartnerEnrollment: [group("new"), allUsers] },
});

describe("renderPlanText", () => {
  it("shows each change terraform-style and a summary", () => {
    const text = renderPlanText(plan({ changes: [jamf, change()], unchangedCount: 5 }), {
      color: false,
    });
    expect(text).toContain(
      "~ remoteAssistancePartner.teamviewer (tenant contoso, id 7443c8b9…, beta)\n" +
        '    ~ onboardingStatus: "notOnboarded" → "onboarded"\n',
    );
    expect(text).toContain(
      "~ deviceManagementPartner.jamf (tenant contoso, id d21e377a…, beta)\n" +
        "    ~ groupsRequiringPartnerEnrollment:\n" +
        "        + target groupAssignmentTarget groupId=new\n" +
        "        - target groupAssignmentTarget groupId=old\n" +
        "          (1 target unchanged)\n",
    );
    expect(text.indexOf("deviceManagementPartner.jamf")).toBeLessThan(
      text.indexOf("remoteAssistancePartner.teamviewer"),
    );
    expect(text.endsWith("Plan: 2 to change, 5 unchanged.\n")).toBe(true);
  });

  it("says when there is nothing to do", () => {
    expect(renderPlanText(plan({ unchangedCount: 3 }), { color: false })).toBe(
      "No changes. The tenants match the configuration.\n",
    );
  });

  it("lists problems with their candidates and what to do, and counts them", () => {
    const text = renderPlanText(
      plan({
        unchangedCount: 2,
        problems: [
          problem({
            code: "ambiguous",
            summary:
              '2 live remoteAssistancePartner objects in tenant contoso have displayName "TeamViewer"',
            detail: "Match by id instead.",
            source: { file: "remote.yaml", line: 4, column: 1 },
            candidates: [
              { id: "1", displayName: "TeamViewer" },
              { id: "2", displayName: null },
            ],
          }),
          problem({
            code: "read-failed",
            tenant: "fabrikam",
            address: undefined,
            summary: "could not read tenant fabrikam: down",
            detail: "Run plan again later.",
            candidates: undefined,
          }),
        ],
      }),
      { color: false },
    );
    expect(text).toContain(
      '✗ remoteAssistancePartner[contoso].teamviewer: 2 live remoteAssistancePartner objects in tenant contoso have displayName "TeamViewer"\n' +
        "    at remote.yaml:4:1\n" +
        "    live objects:\n" +
        '      - "TeamViewer" id 1\n' +
        "      - (no displayName) id 2\n" +
        "    → Match by id instead.",
    );
    expect(text).toContain("✗ could not read tenant fabrikam: down\n    → Run plan again later.");
    expect(text.endsWith("Plan: 0 to change, 2 unchanged, 2 errors.\n")).toBe(true);
  });

  it("reports an object missing from every tenant once, with the tenants, not once per tenant", () => {
    const tenants = ["alpha", "bravo", "charlie"];
    const text = renderPlanText(
      plan({
        tenants,
        problems: tenants.map((tenant) =>
          problem({
            tenant,
            code: "not-found",
            address: `remoteAssistancePartner[${tenant}].teamviewer`,
            summary: `remoteAssistancePartner[${tenant}].teamviewer: no live object has displayName "TeamViewer"`,
            detail: "Create it in Intune first.",
            source: { file: "remote-assistance.yaml", line: 1, column: 1 },
            candidates: [],
          }),
        ),
      }),
      { color: false },
    );
    expect(text.match(/no live object has displayName/g)).toHaveLength(1);
    expect(text).toContain("3 tenants, one cause (shown for the first): ");
    expect(text).toContain("tenants: alpha, bravo, charlie");
    expect(text).toContain("Plan: 0 to change, 0 unchanged, 3 errors.");
  });

  it("lists at most ten candidates", () => {
    const candidates = Array.from({ length: 25 }, (_, index) => ({
      id: `id-${index}`,
      displayName: `n${index}`,
    }));
    const text = renderPlanText(plan({ problems: [problem({ candidates })] }), { color: false });
    expect(text).toContain("id id-9\n");
    expect(text).not.toContain("id id-10\n");
    expect(text).toContain("… and 15 more");
  });

  it("uses colour only when asked", () => {
    const withChanges = plan({ changes: [change()], problems: [problem()] });
    expect(renderPlanText(withChanges, { color: false })).not.toContain("\u001b");
    const coloured = renderPlanText(withChanges, { color: true });
    expect(coloured).toContain("\u001b[33m~\u001b[39m");
    expect(coloured).toContain("\u001b[31m");
  });

  it("cuts long values and says so", () => {
    const long = "x".repeat(1_000);
    const text = renderPlanText(
      plan({
        changes: [
          change({
            changes: [{ property: "displayName", before: "a", after: long }],
            patch: { displayName: long },
          }),
        ],
      }),
      { color: false, maxValueLength: 60 },
    );
    const line = text.split("\n").find((candidate) => candidate.includes("displayName"))!;
    expect(line).toContain("… (1002 chars)");
    expect(line.length).toBeLessThan(100);
  });

  it("neutralises terminal escapes and bidi tricks from live data", () => {
    const text = renderPlanText(
      plan({
        changes: [
          change({
            changes: [{ property: "displayName", before: "\u001b[2J", after: "ok" }],
            patch: { displayName: "ok" },
          }),
        ],
        problems: [
          problem({ candidates: [{ id: "\u202eevil", displayName: "\u001b]0;title\u0007" }] }),
        ],
      }),
      { color: false },
    );
    // eslint-disable-next-line no-control-regex -- looking for exactly those characters
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u202e]/);
    expect(text).toContain("\\u001b[2J");
    expect(text).toContain("\\u202eevil");
  });

  it("never throws, on any plan", () => {
    fc.assert(
      fc.property(anyPlanArbitrary(), fc.boolean(), (anyPlan, color) => {
        const text = renderPlanText(anyPlan, { color });
        expect(text.endsWith("\n")).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("shows every change and problem of a real plan", () => {
    fc.assert(
      fc.property(
        worldArbitrary({ drift: true }),
        fc.array(fc.nat(), { maxLength: 2 }),
        (world, picks) => {
          const failing = withFailures(world, picks);
          const real = createPlan({
            desired: failing.desired,
            live: failing.live,
            toolVersion: "0.1.0",
          });
          const text = renderPlanText(real, { color: false });
          expect(text.split("\n").filter((line) => line.startsWith("~ ")).length).toBe(
            real.changes.length,
          );
          expect(text.split("\n").filter((line) => line.startsWith("✗ ")).length).toBe(
            real.problems.length,
          );
        },
      ),
      { numRuns: 100 },
    );
  });
});
