import { describe, expect, it } from "vitest";
import {
  applySucceeded,
  summarise,
  type ApplyResult,
  type ApplyStatus,
  type ObjectResult,
} from "./model.ts";

function result(status: ApplyStatus, extra: Partial<ObjectResult> = {}): ObjectResult {
  return {
    address: `remoteAssistancePartner[contoso].${status}`,
    tenant: "contoso",
    kind: "RemoteAssistancePartner",
    graphVersion: "beta",
    liveId: "id",
    status,
    properties: ["onboardingStatus"],
    ...extra,
  };
}

function applied(results: ObjectResult[]): ApplyResult {
  const summary = summarise(results);
  return { results, summary, refusedAsStale: summary.stale > 0, interrupted: false };
}

describe("summarise", () => {
  it("counts each status, the unverified among the written, and the total", () => {
    const results = [
      result("changed"),
      result("changed", { verifyError: { message: "read-back failed" } }),
      result("already-applied"),
      result("failed", { failedIn: "write", error: { message: "boom" } }),
      result("failed", { failedIn: "check", error: { message: "boom" } }),
      result("failed", { failedIn: "check", error: { message: "boom" } }),
      result("skipped", { skipReason: "fail-fast" }),
      result("stale", { staleReason: "moved" }),
      result("stale", { staleReason: "moved" }),
      result("not-converged", {
        notConverged: [{ property: "onboardingStatus", desired: "onboarded", live: "onboarding" }],
      }),
    ];
    expect(summarise(results)).toStrictEqual({
      changed: 2,
      alreadyApplied: 1,
      failed: 3,
      skipped: 1,
      stale: 2,
      notConverged: 1,
      unverified: 1,
      total: 10,
    });
  });

  it("counts nothing in an empty run", () => {
    expect(summarise([])).toStrictEqual({
      changed: 0,
      alreadyApplied: 0,
      failed: 0,
      skipped: 0,
      stale: 0,
      notConverged: 0,
      unverified: 0,
      total: 0,
    });
  });
});

describe("applySucceeded", () => {
  it("holds when everything was written and confirmed, or was already there", () => {
    expect(applySucceeded(applied([result("changed"), result("already-applied")]))).toBe(true);
    expect(applySucceeded(applied([]))).toBe(true);
  });

  it.each([
    ["a failure", result("failed", { failedIn: "write", error: { message: "boom" } })],
    ["a skipped object", result("skipped", { skipReason: "interrupted" })],
    ["a stale object", result("stale", { staleReason: "moved" })],
    [
      "an object not converged",
      result("not-converged", {
        notConverged: [{ property: "onboardingStatus", desired: "onboarded", live: null }],
      }),
    ],
    ["a write not verified", result("changed", { verifyError: { message: "read-back failed" } })],
  ])("fails with %s", (_what, bad) => {
    expect(applySucceeded(applied([result("changed"), bad]))).toBe(false);
  });
});
