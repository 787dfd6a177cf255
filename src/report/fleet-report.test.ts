import { describe, expect, it } from "vitest";
import { change, plan, problem } from "../../test/helpers/plan-builders.ts";
import type { HealthFinding, ResourceChange } from "../plan/model.ts";
import { buildFleetReport } from "./fleet-report.ts";

const tenantName = (index: number) => `t${String(index).padStart(3, "0")}`;
const TENANTS = Array.from({ length: 500 }, (_, index) => tenantName(index));

function drifted(index: number, before: string): ResourceChange {
  const tenant = tenantName(index);
  return change({
    tenant,
    address: `remoteAssistancePartner[${tenant}].teamviewer`,
    changes: [{ property: "onboardingStatus", before, after: "onboarded" }],
  });
}

describe("buildFleetReport", () => {
  it("groups each property's deviations by live value, with counts over the tenants compared", () => {
    const changes = [
      ...Array.from({ length: 40 }, (_, index) => drifted(index * 10 + 3, "notOnboarded")),
      ...[7, 8].map((index) => drifted(index, "onboarding")),
    ];
    const report = buildFleetReport(
      plan({
        tenants: TENANTS,
        changes: changes.sort((a, b) => (a.address < b.address ? -1 : 1)),
        unchangedCount: 455,
        // Three tenants could not be read: the object was compared in 497.
        comparedByObject: { "remoteAssistancePartner.teamviewer": 497 },
        problems: [497, 498, 499].map((index) =>
          problem({ code: "read-failed", tenant: tenantName(index), address: undefined }),
        ),
      }),
      { maxTenantsListed: 3 },
    );
    expect(report.tenants).toBe(500);
    expect(report.uncheckedTenants).toEqual(["t497", "t498", "t499"]);
    expect(report.objects).toHaveLength(1);
    const [object] = report.objects;
    expect(object).toMatchObject({
      object: "remoteAssistancePartner.teamviewer",
      compared: 497,
      deviating: 42,
    });
    expect(object?.properties).toEqual([
      {
        property: "onboardingStatus",
        desired: ["onboarded"],
        deviating: 42,
        values: [
          { value: "notOnboarded", count: 40, tenants: ["t003", "t013", "t023"] },
          { value: "onboarding", count: 2, tenants: ["t007", "t008"] },
        ],
      },
    ]);
  });

  it("counts health findings by object, property and code, with their tenants", () => {
    const finding = (tenant: string, code: HealthFinding["code"]): HealthFinding => ({
      address: `deviceManagementPartner[${tenant}].jamf`,
      tenant,
      code,
      property: code === "stale" ? "lastHeartbeatDateTime" : "partnerState",
      value: code === "stale" ? null : "terminated",
      summary: "…",
    });
    const report = buildFleetReport(
      plan({
        tenants: TENANTS.slice(0, 10),
        health: [
          finding("t000", "stale"),
          finding("t001", "unhealthy-state"),
          finding("t001", "stale"),
          finding("t002", "unhealthy-state"),
        ],
      }),
    );
    expect(report.health).toEqual({
      findings: 4,
      tenants: 3,
      groups: [
        {
          object: "deviceManagementPartner.jamf",
          property: "lastHeartbeatDateTime",
          code: "stale",
          count: 2,
          tenants: ["t000", "t001"],
        },
        {
          object: "deviceManagementPartner.jamf",
          property: "partnerState",
          code: "unhealthy-state",
          count: 2,
          tenants: ["t001", "t002"],
        },
      ],
    });
    expect(report.objects).toEqual([]);
  });
});
