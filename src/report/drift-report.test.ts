import { describe, expect, it } from "vitest";
import { change, plan, problem } from "../../test/helpers/plan-builders.ts";
import { renderPlanJson } from "../render/plan-json.ts";
import { buildDriftReport } from "./drift-report.ts";

const shardJson = (index: number, content: Parameters<typeof plan>[0]) =>
  renderPlanJson(plan(content), { shard: { index, count: 2 } });

describe("buildDriftReport", () => {
  it("lists 400 tenants that could not be checked for one cause as one item", () => {
    const tenants = Array.from(
      { length: 400 },
      (_, index) => `customer-${String(index).padStart(3, "0")}`,
    );
    const report = buildDriftReport(
      [
        {
          name: "1",
          text: shardJson(1, {
            tenants,
            problems: tenants.map((tenant) =>
              problem({
                tenant,
                address: undefined,
                code: "read-failed",
                summary: `could not sign in to tenant ${tenant}: AADSTS7000215 invalid client secret`,
                candidates: undefined,
              }),
            ),
          }),
        },
        { name: "2", text: shardJson(2, { tenants: ["other"] }) },
      ],
      { shards: 2 },
    );
    expect(report.status).toBe("incomplete");
    // Machines still get one entry per tenant; people get one item.
    expect(report.unchecked).toHaveLength(400);
    expect(report.markdown.match(/AADSTS7000215/g)).toHaveLength(1);
    expect(report.markdown).toContain("**400 tenants**, one cause (shown for the first): ");
    expect(report.markdown).toContain("Tenants: customer-000, customer-001,");
    expect(report.markdown).not.toMatch(/… \d+ more: see the JSON/);
  });

  it("is clean (close the issue) only when every shard reported and nothing drifted", () => {
    const report = buildDriftReport(
      [
        {
          name: "1",
          text: shardJson(1, { tenants: ["a"], unchangedCount: 1, unchangedByTenant: { a: 1 } }),
        },
        {
          name: "2",
          text: shardJson(2, { tenants: ["b"], unchangedCount: 1, unchangedByTenant: { b: 1 } }),
        },
      ],
      { shards: 2 },
    );
    expect(report).toMatchObject({ status: "clean", issueAction: "close", checkedTenants: 2 });
    expect(report.markdown).toContain("All 2 tenants were checked");
  });

  it("never closes when a shard's output is missing, empty or not a plan", () => {
    for (const text of [undefined, "", "{oops", '{"format_version": 99}']) {
      const report = buildDriftReport(
        [
          { name: "drift-1/plan.json", text: shardJson(1, { tenants: ["a"] }) },
          { name: "drift-2/plan.json", text },
        ],
        { shards: 2 },
      );
      expect(report.status, String(text)).toBe("incomplete");
      expect(report.issueAction).toBe("update-if-open");
      expect(report.unchecked).toEqual([expect.objectContaining({ shard: "drift-2/plan.json" })]);
    }
    // A shard whose artifact never arrived at all.
    const absent = buildDriftReport([{ name: "1", text: shardJson(1, { tenants: ["a"] }) }], {
      shards: 2,
    });
    expect(absent.status).toBe("incomplete");
    expect(absent.unchecked[0]!.shard).toBe("1 shard of 2");
  });

  it("lists the drift and, in its own section, the tenant that could not be checked", () => {
    const report = buildDriftReport([
      {
        name: "1",
        text: shardJson(1, {
          tenants: ["broken", "contoso"],
          changes: [change()],
          problems: [
            problem({
              tenant: "broken",
              code: "read-failed",
              address: undefined,
              candidates: undefined,
              summary: "could not sign in to tenant broken: the app is not consented",
            }),
          ],
        }),
      },
    ]);
    expect(report).toMatchObject({
      status: "incomplete",
      issueAction: "open-or-update",
      driftedTenants: ["contoso"],
      unchecked: [{ tenant: "broken", reasons: [expect.stringContaining("not consented")] }],
    });
    const unchecked = report.markdown.indexOf("#### Could not be checked");
    const drifted = report.markdown.indexOf("#### Drifted: 1 tenant");
    expect(unchecked).toBeGreaterThan(0);
    expect(drifted).toBeGreaterThan(unchecked);
    expect(report.markdown).toContain("onboardingStatus");
  });

  it("names who last changed each drifted property, from every shard's attribution", () => {
    const attribution = (tenant: string, upn: string) => ({
      windowDays: 30,
      since: "2026-11-07T12:00:00Z",
      missingPermission: null,
      gaps: [],
      properties: [
        {
          address: `remoteAssistancePartner[${tenant}].teamviewer`,
          tenant,
          property: "onboardingStatus",
          lastChange: {
            at: "2026-12-01T09:00:00Z",
            actor: {
              type: "user" as const,
              name: upn,
              userPrincipalName: upn,
              applicationName: "Microsoft Intune portal extension",
              applicationId: null,
              remoteTenantId: null,
            },
            oldValue: "onboarded",
            newValue: "notOnboarded",
            propertyListed: true,
            eventId: "e",
            correlationId: null,
            byThisTool: null,
          },
        },
      ],
    });
    const shard = (index: number, tenant: string, upn: string) =>
      renderPlanJson(
        plan({
          tenants: [tenant],
          changes: [change({ tenant, address: `remoteAssistancePartner[${tenant}].teamviewer` })],
        }),
        { shard: { index, count: 2 }, attribution: attribution(tenant, upn) },
      );
    const report = buildDriftReport(
      [
        { name: "1", text: shard(1, "a", "alex@a.example") },
        { name: "2", text: shard(2, "b", "sam@b.example") },
      ],
      { shards: 2 },
    );
    expect(report.status).toBe("drift");
    expect(report.markdown).toContain("#### Last change of each drifted property");
    expect(report.markdown).toMatch(
      /teamviewer<\/code> <code>onboardingStatus<\/code>: changed 2026-12-01 09&#58;00&#58;00 UTC by alex&#64;a\.example \(a person/,
    );
    expect(report.markdown).toContain("sam&#64;b.example");
  });
});
