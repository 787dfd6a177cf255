import { describe, expect, it } from "vitest";
import {
  collection,
  desiredObject,
  desiredState,
  liveObject,
  snapshot,
} from "../../test/helpers/plan-builders.ts";
import type { DesiredState } from "../config/model.ts";
import type { JsonValue } from "../json.ts";
import { planDisagreement } from "./config-agreement.ts";
import type { Plan, ResourceChange } from "./model.ts";
import { createPlan } from "./planner.ts";

/**
 * `apply PLANFILE` trusts a saved plan only as far as the configuration agrees with it: each
 * check below is what stands between an edited plan file (checksum recomputed) and a write the
 * configuration never asked for.
 */

const ID = "7443c8b9-c8b9-7443-b9c8-4374b9c84374";
const SPEC = { onboardingUrl: "https://example.com/new/", onboardingStatus: "onboarded" };

function stateWith(options: Parameters<typeof desiredObject>[0] = {}): DesiredState {
  return desiredState([desiredObject({ spec: SPEC, ...options })]);
}

/** The plan the configuration really gives against one live TeamViewer. */
function planFor(state: DesiredState, live: Record<string, JsonValue> = {}): Plan {
  const plan = createPlan({
    desired: state,
    live: snapshot([
      collection([
        liveObject(ID, {
          displayName: "TeamViewer",
          onboardingUrl: "https://example.com/old/",
          onboardingStatus: "notOnboarded",
          ...live,
        }),
      ]),
    ]),
    toolVersion: "0.1.0",
  });
  expect(plan.problems).toEqual([]);
  expect(plan.changes).toHaveLength(1);
  return plan;
}

/** The plan with its one change edited. */
function edited(plan: Plan, edit: (change: ResourceChange) => ResourceChange): Plan {
  return { ...plan, changes: plan.changes.map(edit) };
}

describe("planDisagreement", () => {
  const state = stateWith();
  const plan = planFor(state);

  it("accepts the plan the configuration gives", () => {
    expect(planDisagreement(plan, state)).toBeUndefined();
    const byId = planFor(stateWith({ match: { by: "id", id: ID } }));
    // Graph ids are GUIDs: their case is not part of their value.
    const upper = stateWith({ match: { by: "id", id: ID.toUpperCase() } });
    expect(planDisagreement(byId, upper)).toBeUndefined();
  });

  it("refuses a change for an object the configuration does not declare", () => {
    const other = edited(plan, (change) => ({ ...change, name: "anydesk" }));
    expect(planDisagreement(other, state)).toBe(
      "remoteAssistancePartner[contoso].teamviewer: the configuration declares no such object",
    );
    const otherTenant = edited(plan, (change) => ({ ...change, tenant: "fabrikam" }));
    expect(planDisagreement(otherTenant, state)).toMatch(/declares no such object/);
    const otherKind = edited(plan, (change) => ({ ...change, kind: "DeviceManagementPartner" }));
    expect(planDisagreement(otherKind, state)).toMatch(/declares no such object/);
  });

  it("refuses another Graph version", () => {
    const v1 = edited(plan, (change) => ({ ...change, graphVersion: "v1.0" }));
    expect(planDisagreement(v1, state)).toMatch(/configuration uses Graph beta, the plan v1\.0$/);
  });

  it("refuses a plan aimed at another id than the declared one", () => {
    const byId = stateWith({ match: { by: "id", id: ID } });
    const aimed = edited(planFor(byId), (change) => ({
      ...change,
      liveId: "11111111-2222-3333-4444-555555555555",
    }));
    expect(planDisagreement(aimed, byId)).toMatch(
      /the configuration matches id 7443c8b9-.*, the plan writes 11111111-/,
    );
  });

  it("refuses a plan whose object does not have the declared displayName", () => {
    const twin = edited(plan, (change) => ({ ...change, liveDisplayName: "TeamViewer (old)" }));
    expect(planDisagreement(twin, state)).toBe(
      'remoteAssistancePartner[contoso].teamviewer: the configuration matches displayName "TeamViewer", the plan\'s object is "TeamViewer (old)"',
    );
  });

  it("refuses a plan whose declared properties are not the configuration's", () => {
    // Fewer properties under the fingerprint means a change elsewhere would go unnoticed.
    const narrowed = edited(plan, (change) => ({
      ...change,
      declaredProperties: ["onboardingStatus"],
    }));
    expect(planDisagreement(narrowed, state)).toMatch(
      /the plan's declared properties \(onboardingStatus\) are not the configuration's \(onboardingUrl, onboardingStatus\)$/,
    );
  });

  it("accepts a plan saved without its declared properties (they are optional in the file)", () => {
    const unlisted = edited(plan, ({ declaredProperties: _declared, ...change }) => change);
    expect(unlisted.changes[0]).not.toHaveProperty("declaredProperties");
    expect(planDisagreement(unlisted, state)).toBeUndefined();
  });

  it("names each side's declared properties, in order, when they differ only in order", () => {
    const reordered = edited(plan, (change) => ({
      ...change,
      declaredProperties: ["onboardingStatus", "onboardingUrl"],
    }));
    expect(planDisagreement(reordered, state)).toBe(
      "remoteAssistancePartner[contoso].teamviewer: the plan's declared properties (onboardingStatus, onboardingUrl) are not the configuration's (onboardingUrl, onboardingStatus)",
    );
  });

  it("refuses a write of a property the configuration does not declare", () => {
    const only = stateWith({ spec: { onboardingStatus: "onboarded" } });
    const extra = edited(planFor(only), (change) => ({
      ...change,
      changes: [
        ...change.changes,
        { property: "onboardingUrl", before: null, after: "https://evil.example.com/" },
      ],
    }));
    expect(planDisagreement(extra, only)).toMatch(
      /the configuration does not declare onboardingUrl$/,
    );
  });

  it("refuses a value other than the declared one", () => {
    const evil = edited(plan, (change) => ({
      ...change,
      changes: change.changes.map((property) =>
        property.property === "onboardingUrl"
          ? { ...property, after: "https://evil.example.com/" }
          : property,
      ),
    }));
    expect(planDisagreement(evil, state)).toMatch(
      /onboardingUrl would be set to "https:\/\/evil\.example\.com\/", the configuration says "https:\/\/example\.com\/new\/"$/,
    );
  });

  describe("an object the configuration observes (metadata.mode: observe)", () => {
    const observed: DesiredState = {
      ...state,
      objects: state.objects.map((object) => ({ ...object, mode: "observe" as const })),
    };
    const observedPlan = planFor(observed);

    it("accepts the plan that observes it", () => {
      expect(observedPlan.changes[0]!.mode).toBe("observe");
      expect(planDisagreement(observedPlan, observed)).toBeUndefined();
    });

    it("refuses a plan edited to write it", () => {
      // Without `mode`, apply would send the PATCH of a change it should only report.
      const written = edited(observedPlan, ({ mode: _mode, ...change }) => change);
      expect(planDisagreement(written, observed)).toBe(
        "remoteAssistancePartner[contoso].teamviewer: the configuration observes this object (metadata.mode: observe), the plan would write it",
      );
    });
  });

  it("refuses a kind this version does not know, rather than failing on it", () => {
    // Only a configuration built in code can declare one (the loader refuses unknown kinds).
    const mystery = desiredState([desiredObject({ kind: "MysteryPartner", spec: SPEC })]);
    const unknown = edited(plan, (change) => ({ ...change, kind: "MysteryPartner" }));
    expect(planDisagreement(unknown, mystery)).toBe(
      "remoteAssistancePartner[contoso].teamviewer: unknown kind MysteryPartner",
    );
  });

  it("names the first change that disagrees", () => {
    const two = desiredState([
      desiredObject({ spec: SPEC }),
      desiredObject({ name: "anydesk", match: { by: "id", id: ID }, spec: SPEC }),
    ]);
    const bad: Plan = {
      ...plan,
      changes: [
        ...plan.changes,
        ...plan.changes.map((change) => ({
          ...change,
          address: "x",
          name: "anydesk",
          liveId: "other",
        })),
      ],
    };
    expect(planDisagreement(bad, two)).toMatch(/^x: the configuration matches id/);
  });
});
