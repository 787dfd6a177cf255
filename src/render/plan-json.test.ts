import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { anyPlanArbitrary } from "../../test/helpers/plan-arbitraries.ts";
import { change, plan, problem } from "../../test/helpers/plan-builders.ts";
import type { DriftAttribution } from "../plan/attribution.ts";
import { planJsonPieces, renderPlanJson } from "./plan-json.ts";

describe("renderPlanJson", () => {
  it("writes the documented machine format", () => {
    const json = JSON.parse(
      renderPlanJson(
        plan({
          changes: [change({ declaredProperties: ["onboardingStatus", "onboardingUrl"] })],
          unchangedCount: 5,
          problems: [
            problem({
              source: { file: "a.yaml", line: 3, column: 1 },
              candidates: [{ id: "1", displayName: null }],
            }),
          ],
        }),
      ),
    );
    expect(json).toEqual({
      format_version: 1,
      tool_version: "0.1.0",
      config_digest: "c0ffee",
      tenants: ["contoso"],
      shard: null,
      summary: {
        to_change: 1,
        observed: 0,
        accepted: 0,
        unchanged: 5,
        errors: 1,
        health: 0,
        tenants: [{ tenant: "contoso", to_change: 1, observed: 0, unchanged: null, errors: 1 }],
      },
      changes: [
        {
          address: "remoteAssistancePartner[contoso].teamviewer",
          kind: "RemoteAssistancePartner",
          graph_type: "remoteAssistancePartner",
          name: "teamviewer",
          tenant: "contoso",
          graph_version: "beta",
          collection_path: "/deviceManagement/remoteAssistancePartners",
          live_id: "7443c8b9-c8b9-7443-b9c8-4374b9c84374",
          live_display_name: "TeamViewer",
          property_changes: [
            {
              property: "onboardingStatus",
              before: "notOnboarded",
              after: "onboarded",
              element_changes: null,
            },
          ],
          patch: { onboardingStatus: "onboarded" },
          declared_properties: ["onboardingStatus", "onboardingUrl"],
          fingerprint: "0".repeat(64),
          mode: "manage",
        },
      ],
      problems: [
        {
          code: "not-found",
          tenant: "contoso",
          address: "remoteAssistancePartner[contoso].teamviewer",
          summary: 'no live remoteAssistancePartner in tenant contoso has displayName "TeamViewer"',
          detail: "Create it in Intune first.",
          source: { file: "a.yaml", line: 3, column: 1 },
          candidates: [{ id: "1", display_name: null }],
          cause: null,
        },
      ],
      accepted: [],
      warnings: [],
      expiring_acceptances: [],
      attribution: null,
      compared_by_object: null,
      health: [],
    });
  });

  it("keeps every key, with null for what is absent", () => {
    const json = JSON.parse(
      renderPlanJson(
        plan({
          changes: [
            change({
              changes: [{ property: "onboardingUrl", before: undefined, after: "https://x/" }],
              patch: { onboardingUrl: "https://x/" },
            }),
          ],
          problems: [problem({ address: undefined, candidates: undefined })],
        }),
      ),
    );
    expect(json.changes[0].property_changes[0]).toEqual({
      property: "onboardingUrl",
      before: null,
      after: "https://x/",
      element_changes: null,
    });
    expect(json.problems[0]).toMatchObject({ address: null, source: null, candidates: [] });
    expect(json.changes[0].declared_properties).toBeNull();
  });

  it("never throws and always writes JSON, on any plan", () => {
    fc.assert(
      fc.property(anyPlanArbitrary(), (anyPlan) => {
        const text = renderPlanJson(anyPlan);
        expect(text.endsWith("\n")).toBe(true);
        const json = JSON.parse(text);
        expect(json.format_version).toBe(1);
        expect(json.changes).toHaveLength(anyPlan.changes.length);
        const observed = anyPlan.changes.filter((change) => change.mode === "observe").length;
        expect(json.summary).toMatchObject({
          to_change: anyPlan.changes.length - observed,
          observed,
          accepted: 0,
          unchanged: anyPlan.unchangedCount,
          errors: anyPlan.problems.length,
        });
      }),
      { numRuns: 300 },
    );
  });

  it("in pieces, is exactly the same text, on any plan", () => {
    const attribution: DriftAttribution = {
      windowDays: 30,
      since: "2026-11-07T12:00:00Z",
      missingPermission: null,
      properties: [
        {
          address: "remoteAssistancePartner[contoso].teamviewer",
          tenant: "contoso",
          property: "onboardingStatus",
          lastChange: null,
        },
      ],
      gaps: [{ tenant: "fabrikam", reason: "permission", message: "no permission" }],
    };
    fc.assert(
      fc.property(anyPlanArbitrary(), fc.integer({ min: 1, max: 4096 }), (anyPlan, size) => {
        for (const options of [{}, { shard: { index: 2, count: 4 }, attribution }]) {
          const pieces = [...planJsonPieces(anyPlan, options, size)];
          expect(pieces.join("")).toBe(renderPlanJson(anyPlan, options));
        }
      }),
      { numRuns: 200 },
    );
  });
});
