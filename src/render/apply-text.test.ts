import { describe, expect, it } from "vitest";
import {
  summarise,
  type ApplyEvent,
  type ApplyResult,
  type ObjectRef,
  type ObjectResult,
} from "../apply/model.ts";
import { errorText, renderApplyEvent, renderApplySummary } from "./apply-text.ts";

const plain = { color: false };
const ESC = "\u001b[";

function ref(name: string, tenant = "contoso"): ObjectRef {
  return {
    address: `remoteAssistancePartner[${tenant}].${name}`,
    tenant,
    kind: "RemoteAssistancePartner",
    graphVersion: "beta",
    liveId: `${name}-id`,
  };
}

function result(objects: ObjectResult[], extra: Partial<ApplyResult> = {}): ApplyResult {
  const summary = summarise(objects);
  return {
    results: objects,
    summary,
    refusedAsStale: summary.stale > 0,
    interrupted: false,
    ...extra,
  };
}

const changed = (name: string): ObjectResult => ({
  ...ref(name),
  status: "changed",
  properties: ["onboardingStatus"],
  httpStatus: 204,
  durationMs: 120,
});

describe("renderApplyEvent", () => {
  it("prints a line per written object with the properties, status and time", () => {
    const line = renderApplyEvent(
      {
        type: "object-written",
        object: ref("teamviewer"),
        properties: ["onboardingStatus"],
        httpStatus: 204,
        durationMs: 180,
      },
      plain,
    );
    expect(line).toBe(
      "✓ remoteAssistancePartner[contoso].teamviewer: updated onboardingStatus (PATCH 204, 180 ms)",
    );
  });

  it("prints a failure in Graph's words with the status and request-id", () => {
    const line = renderApplyEvent(
      {
        type: "object-failed",
        object: ref("teamviewer"),
        phase: "write",
        error: {
          message: "onboardingUrl is not a valid URL",
          code: "BadRequest",
          status: 400,
          requestId: "abc",
        },
        durationMs: 90,
      },
      plain,
    );
    expect(line).toBe(
      "✗ remoteAssistancePartner[contoso].teamviewer: failed: BadRequest: onboardingUrl is not a valid URL (HTTP 400, request-id abc)",
    );
  });

  it("does not repeat a code the message already starts with", () => {
    const line = renderApplyEvent(
      {
        type: "object-failed",
        object: ref("a"),
        phase: "write",
        error: { message: "Forbidden: no", code: "Forbidden", status: 403 },
      },
      plain,
    );
    expect(line).toBe("✗ remoteAssistancePartner[contoso].a: failed: Forbidden: no (HTTP 403)");
  });

  it("colours only when asked", () => {
    const event: ApplyEvent = {
      type: "object-written",
      object: ref("a"),
      properties: ["onboardingStatus"],
      httpStatus: 200,
      durationMs: 5,
    };
    expect(renderApplyEvent(event, { color: true })).toContain(ESC);
    expect(renderApplyEvent(event, plain)).not.toContain(ESC);
  });

  it("renders every event type, and stays quiet for the ones with no news", () => {
    const events: ApplyEvent[] = [
      { type: "check-started", tenants: 2, collections: 3, objects: 4 },
      {
        type: "object-stale",
        object: ref("a"),
        reason: 'onboardingStatus is now "onboarded" (the plan saw "notOnboarded")',
      },
      { type: "refused", staleObjects: 1 },
      { type: "write-started", objects: 4 },
      { type: "object-started", object: ref("a"), properties: ["onboardingStatus"] },
      {
        type: "budget-wait",
        tenant: "contoso",
        budget: "tenant",
        waitMs: 3_200,
        writes: 80,
        perMs: 20_000,
      },
      {
        type: "budget-wait",
        tenant: "fabrikam",
        budget: "app",
        waitMs: 19_300,
        writes: 2_000,
        perMs: 20_000,
      },
      { type: "object-skipped", object: ref("a"), reason: "interrupted" },
      { type: "object-skipped", object: ref("a"), reason: "plan-stale" },
      { type: "verify-started", collections: 1, objects: 1 },
      { type: "object-verified", object: ref("a") },
      {
        type: "object-not-converged",
        object: ref("a"),
        notConverged: [{ property: "onboardingStatus", desired: "onboarded", live: "onboarding" }],
      },
      {
        type: "verify-failed",
        tenant: "contoso",
        kind: "RemoteAssistancePartner",
        graphVersion: "beta",
        error: { message: "ServiceUnavailable", status: 503 },
        objects: [ref("a")],
      },
    ];
    expect(events.map((event) => renderApplyEvent(event, plain))).toEqual([
      "Checking the plan is still current: reading 3 collections in 2 tenants...",
      '! remoteAssistancePartner[contoso].a: changed since the plan was made: onboardingStatus is now "onboarded" (the plan saw "notOnboarded")',
      "Nothing will be written: 1 object changed since the plan was made.",
      "Applying 4 changes...",
      undefined,
      "  contoso: waiting 3.2 s to stay within its 80 writes per 20 s",
      // Not "within 80": the tenant had room; its app's writes across all tenants had none.
      "  fabrikam: waiting 19.3 s to stay within its app's 2000 writes per 20 s (across all tenants signing in with it)",
      "- remoteAssistancePartner[contoso].a: not written (interrupted before it started)",
      undefined,
      "Verifying: reading back 1 collection...",
      undefined,
      '! remoteAssistancePartner[contoso].a: written, but Graph holds onboardingStatus = "onboarding" (wanted "onboarded")',
      "! could not read back RemoteAssistancePartner (beta) in contoso to verify 1 object: ServiceUnavailable (HTTP 503)",
    ]);
  });
});

describe("renderApplySummary", () => {
  it("counts the outcomes and lists each failure with what to do", () => {
    const failed: ObjectResult = {
      ...ref("broken"),
      status: "failed",
      failedIn: "write",
      properties: ["onboardingUrl"],
      error: {
        message: "onboardingUrl is not a valid URL",
        code: "BadRequest",
        status: 400,
        requestId: "r-1",
      },
      durationMs: 40,
    };
    const text = renderApplySummary(
      result([changed("a"), changed("b"), changed("c"), failed]),
      plain,
    );
    expect(text).toBe(
      [
        "Apply complete: 3 changed, 1 failed, 0 skipped.",
        "",
        "Failed:",
        "  remoteAssistancePartner[contoso].broken: BadRequest: onboardingUrl is not a valid URL (HTTP 400, request-id r-1)",
        "    Graph rejected the value: fix it in the configuration, then plan and apply again.",
        "",
      ].join("\n"),
    );
  });

  it("says a write with no answer may have landed", () => {
    const failed: ObjectResult = {
      ...ref("x"),
      status: "failed",
      failedIn: "write",
      properties: ["onboardingStatus"],
      error: { message: "request timed out after 3 attempts" },
      durationMs: 30_000,
    };
    expect(renderApplySummary(result([failed]), plain)).toContain(
      "may or may not have been applied: run plan to see",
    );
  });

  it("says a pre-write read failure wrote nothing, and gives permission advice for 403", () => {
    const failed: ObjectResult = {
      ...ref("x", "fabrikam"),
      status: "failed",
      failedIn: "check",
      properties: ["onboardingStatus"],
      error: { message: "Forbidden", code: "Forbidden", status: 403 },
    };
    expect(renderApplySummary(result([failed]), plain)).toContain(
      "The app lacks permission in tenant fabrikam: grant the Microsoft Graph application permission DeviceManagementServiceConfig.ReadWrite.All",
    );
  });

  it("explains a refusal: what moved, that nothing was written, and to plan again", () => {
    const stale: ObjectResult = {
      ...ref("a"),
      status: "stale",
      properties: ["onboardingStatus"],
      staleReason: 'onboardingStatus is now "onboarded" (the plan saw "notOnboarded")',
    };
    const skipped: ObjectResult = {
      ...ref("b"),
      status: "skipped",
      properties: ["onboardingStatus"],
      skipReason: "plan-stale",
    };
    const text = renderApplySummary(result([stale, skipped]), plain);
    expect(text).toBe(
      [
        "Apply refused: 1 object changed since the plan was made, so nothing was written.",
        '  remoteAssistancePartner[contoso].a: onboardingStatus is now "onboarded" (the plan saw "notOnboarded")',
        "Run plan again to see the tenant as it is now, review the new plan, and apply that one.",
        "",
      ].join("\n"),
    );
  });

  it("reports an interruption: what was and was not written", () => {
    const skipped: ObjectResult = {
      ...ref("b"),
      status: "skipped",
      properties: ["onboardingStatus"],
      skipReason: "interrupted",
    };
    const text = renderApplySummary(result([changed("a"), skipped], { interrupted: true }), plain);
    expect(text).toContain("Apply interrupted: 1 changed, 0 failed, 1 skipped.");
    expect(text).toContain(
      "Not written (interrupted before it started):\n  remoteAssistancePartner[contoso].b\n",
    );
  });

  it("reports a tenant whose circuit opened: one line when it happens, its unwritten objects in the summary", () => {
    expect(renderApplyEvent({ type: "circuit-open", tenant: "contoso", failures: 10 }, plain)).toBe(
      "! contoso: 10 PATCH attempts in a row got 429, 5xx or no answer: no more writes to this tenant in this run",
    );
    const skipped: ObjectResult = {
      ...ref("b"),
      status: "skipped",
      properties: ["onboardingStatus"],
      skipReason: "circuit-open",
    };
    const text = renderApplySummary(result([changed("a"), skipped]), plain);
    expect(text).toContain(
      "Not written (not attempted: the tenant kept answering 429, 5xx or nothing):\n  remoteAssistancePartner[contoso].b\n  Graph kept refusing this tenant: run apply again later",
    );
  });

  it("lists values that did not converge with both values, and unverified writes", () => {
    const notConverged: ObjectResult = {
      ...changed("a"),
      status: "not-converged",
      notConverged: [{ property: "onboardingStatus", desired: "onboarded", live: "onboarding" }],
    };
    const unverified: ObjectResult = {
      ...changed("b"),
      verifyError: { message: "ServiceUnavailable", status: 503 },
    };
    const text = renderApplySummary(result([notConverged, unverified]), plain);
    expect(text).toContain("Apply complete: 1 changed, 0 failed, 0 skipped, 1 not converged.");
    expect(text).toContain(
      '  remoteAssistancePartner[contoso].a: onboardingStatus = "onboarding" (wanted "onboarded")',
    );
    expect(text).toContain(
      "Written, but not verified (the read-back failed):\n  remoteAssistancePartner[contoso].b: ServiceUnavailable (HTTP 503)",
    );
  });

  it("is green only when everything went as planned", () => {
    expect(renderApplySummary(result([changed("a")]), { color: true })).toContain(`${ESC}32m`);
    const failed: ObjectResult = {
      ...ref("b"),
      status: "failed",
      failedIn: "write",
      properties: [],
      error: { message: "x" },
    };
    expect(renderApplySummary(result([failed]), { color: true })).not.toContain(`${ESC}32m`);
  });
});

describe("errorText", () => {
  it("says nothing twice when the Graph client's message already has the status, code and request-id", () => {
    const message =
      "PATCH /beta/deviceManagement/remoteAssistancePartners/x: HTTP 400 BadRequest: bad URL (request-id r-9, client-request-id c-1; 1 attempt)";
    expect(errorText({ message, code: "BadRequest", status: 400, requestId: "r-9" })).toBe(message);
  });
});
