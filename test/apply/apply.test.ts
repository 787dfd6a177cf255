import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DesiredObject } from "../../src/config/model.ts";
import type { Plan } from "../../src/plan/model.ts";
import { renderApplyEvent, renderApplySummary } from "../../src/render/apply-text.ts";
import { declare, startHarness, type Harness } from "./harness.ts";

/**
 * The applier end to end against the emulator over HTTPS, with the real credential, Graph client
 * and planner. The default seed (config-examples/.emulator/seed.yaml) differs from the
 * declarations below in two objects of contoso; fabrikam's two are already as declared.
 */
const DECLARED: DesiredObject[] = [
  declare("RemoteAssistancePartner", "teamviewer", "contoso", "TeamViewer", {
    onboardingUrl: "https://start.teamviewer.com/intune/",
    onboardingStatus: "onboarded",
  }),
  declare("DeviceManagementPartner", "jamf", "contoso", "Jamf Pro", {
    partnerAppType: "multiTenantApp",
    groupsRequiringPartnerEnrollment: [
      {
        target: {
          "@odata.type": "#microsoft.graph.groupAssignmentTarget",
          groupId: "4f1c2d3e-8a9b-4c7d-9e0f-1a2b3c4d5e6f",
        },
      },
      {
        target: {
          "@odata.type": "#microsoft.graph.groupAssignmentTarget",
          groupId: "7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e",
        },
      },
    ],
  }),
  declare("RemoteAssistancePartner", "teamviewer", "fabrikam", "TeamViewer", {
    onboardingStatus: "onboarded",
  }),
  declare("DeviceManagementPartner", "workspace-one", "fabrikam", "VMware Workspace ONE", {
    partnerAppType: "singleTenantApp",
  }),
];

const CONTOSO_TEAMVIEWER = "2d4b6f81-93a5-4c7e-b1d3-5f7a9c1e3b5d";
const CONTOSO_JAMF = "8e1f3a5c-7b9d-4f2e-a4c6-1d3f5b7e9a2c";

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.close();
});
beforeEach(() => {
  harness.emulator.reset();
  harness.emulator.setFaults([]);
});

/** Every PATCH after `since`, as `{ id, body }`, in arrival order. */
function patchesSince(since: number) {
  return harness
    .patches(since)
    .map((entry) => ({ id: entry.path.split("/").pop(), body: entry.body, status: entry.status }));
}

function expectPatchesExactlyThePlan(plan: Plan, since: number) {
  const succeeded = harness
    .patches(since)
    .filter((entry) => entry.status >= 200 && entry.status < 300);
  expect(succeeded.map((entry) => entry.path).sort()).toEqual(
    plan.changes
      .map((change) => `/${change.graphVersion}${change.collectionPath}/${change.liveId}`)
      .sort(),
  );
  for (const change of plan.changes) {
    const sent = succeeded.filter((entry) => entry.path.endsWith(`/${change.liveId}`));
    expect(sent, change.address).toHaveLength(1);
    expect(sent[0]!.body, change.address).toStrictEqual(change.patch);
  }
}

describe("apply against the emulator", () => {
  it("plan → apply → plan shows no changes; each PATCH body is exactly the plan's, once; unchanged objects get none", async () => {
    const plan = await harness.plan(DECLARED);
    expect(plan.problems).toEqual([]);
    expect(plan.changes.map((change) => change.liveId).sort()).toEqual(
      [CONTOSO_JAMF, CONTOSO_TEAMVIEWER].sort(),
    );
    expect(plan.unchangedCount).toBe(2);

    const since = harness.mark();
    const { result, events } = await harness.apply(plan);
    expect(result.summary).toMatchObject({
      changed: 2,
      failed: 0,
      skipped: 0,
      stale: 0,
      notConverged: 0,
      unverified: 0,
    });
    expect(result.results.every((r) => r.httpStatus === 204)).toBe(true);

    expect(patchesSince(since)).toHaveLength(2);
    expectPatchesExactlyThePlan(plan, since);
    // Never id, never an annotation other than the target types.
    for (const entry of harness.patches(since)) {
      expect(JSON.stringify(entry.body)).not.toMatch(/"id"|@odata\.(context|etag|id)/);
    }
    // One read per tenant × kind × version to check, one to verify: contoso only has changes.
    const reads = harness.lists(since).map((entry) => entry.path);
    expect(reads.sort()).toEqual(
      [
        "/beta/deviceManagement/deviceManagementPartners",
        "/beta/deviceManagement/deviceManagementPartners",
        "/beta/deviceManagement/remoteAssistancePartners",
        "/beta/deviceManagement/remoteAssistancePartners",
      ].sort(),
    );
    expect(events.filter((event) => event.type === "object-written")).toHaveLength(2);

    const again = await harness.plan(DECLARED);
    expect(again.changes).toEqual([]);
    expect(again.unchangedCount).toBe(4);
  });

  it("works when Graph answers PATCH with 200 and the object", async () => {
    const other = await startHarness({ patchStatus: 200 });
    try {
      const plan = await other.plan(DECLARED);
      const { result } = await other.apply(plan);
      expect(result.summary.changed).toBe(2);
      expect(result.results.map((r) => r.httpStatus)).toEqual([200, 200]);
      expect((await other.plan(DECLARED)).changes).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it("refuses a saved plan when the object changed after planning, and writes nothing", async () => {
    const plan = await harness.plan(DECLARED);
    // Someone else changes a declared property of one planned object directly.
    const client = await harness.clientFor("contoso");
    await client.patch({
      graphVersion: "beta",
      collectionPath: "/deviceManagement/deviceManagementPartners",
      id: CONTOSO_JAMF,
      body: { partnerAppType: "singleTenantApp" },
    });
    const since = harness.mark();
    const { result } = await harness.apply(plan);
    expect(harness.patches(since)).toEqual([]);
    expect(result.refusedAsStale).toBe(true);
    expect(result.summary).toMatchObject({ stale: 1, skipped: 1, changed: 0 });
    const stale = result.results.find((r) => r.status === "stale")!;
    expect(stale.address).toBe("deviceManagementPartner[contoso].jamf");
    expect(stale.staleReason).toBe(
      'partnerAppType is now "singleTenantApp" (the plan saw the configuration\'s value)',
    );
    // The untouched object was not written either.
    expect(
      harness.emulator.objects("contoso", "remoteAssistancePartners")[0]!["onboardingStatus"],
    ).toBe("notOnboarded");
  });

  it("refuses when a changed property moved, saying from what to what", async () => {
    const plan = await harness.plan(DECLARED);
    const client = await harness.clientFor("contoso");
    await client.patch({
      graphVersion: "beta",
      collectionPath: "/deviceManagement/remoteAssistancePartners",
      id: CONTOSO_TEAMVIEWER,
      body: { onboardingStatus: "onboarding" },
    });
    const since = harness.mark();
    const { result } = await harness.apply(plan);
    expect(harness.patches(since)).toEqual([]);
    expect(result.results.find((r) => r.status === "stale")!.staleReason).toBe(
      'onboardingStatus is now "onboarding" (the plan saw "notOnboarded")',
    );
  });

  it("survives 429 and 503 storms and connection resets on PATCH, writing each object exactly once", async () => {
    const plan = await harness.plan(DECLARED);
    harness.emulator.setFaults([
      {
        method: "PATCH",
        path: "remoteAssistancePartners",
        times: 3,
        fault: { kind: "status", status: 429, retryAfter: "0.05" },
      },
      { method: "PATCH", path: "deviceManagementPartners", times: 1, fault: { kind: "reset" } },
      {
        method: "PATCH",
        path: "deviceManagementPartners",
        times: 2,
        fault: { kind: "status", status: 503 },
      },
      {
        method: "GET",
        path: "Partners$",
        times: 1,
        fault: { kind: "status", status: 429, retryAfter: "0" },
      },
    ]);
    const since = harness.mark();
    const { result, events } = await harness.apply(plan);
    expect(result.summary).toMatchObject({ changed: 2, failed: 0, notConverged: 0, unverified: 0 });
    // Every attempt reached the emulator; exactly one per object succeeded, with the plan's body.
    expect(harness.patches(since).filter((entry) => entry.fault !== undefined)).toHaveLength(6);
    expectPatchesExactlyThePlan(plan, since);
    // Reported once per object, however many attempts.
    expect(events.filter((event) => event.type === "object-written")).toHaveLength(2);
    expect((await harness.plan(DECLARED)).changes).toEqual([]);
  });

  it("survives a hanging PATCH response (per-attempt timeout, then a retry), writing once", async () => {
    // Long enough that no answer is late on a loaded machine: only the hang times out, so the
    // attempt list is exact.
    const hanging = await startHarness({ timeoutInMs: 2_000 });
    try {
      const plan = await hanging.plan(DECLARED);
      hanging.emulator.setFaults([
        { method: "PATCH", path: "remoteAssistancePartners", times: 1, fault: { kind: "hang" } },
      ]);
      const since = hanging.mark();
      const { result } = await hanging.apply(plan);
      expect(result.summary).toMatchObject({ changed: 2, failed: 0 });
      const teamviewer = hanging
        .patches(since)
        .filter((entry) => entry.path.endsWith(CONTOSO_TEAMVIEWER));
      expect(teamviewer.map((entry) => entry.fault?.kind ?? entry.status)).toEqual(["hang", 204]);
    } finally {
      await hanging.close();
    }
  });

  it("reports a PATCH that keeps failing after its retries as failed, leaving the others applied", async () => {
    const plan = await harness.plan(DECLARED);
    harness.emulator.setFaults([
      { method: "PATCH", path: CONTOSO_JAMF, fault: { kind: "status", status: 503 } },
    ]);
    const { result } = await harness.apply(plan);
    expect(result.summary).toMatchObject({ changed: 1, failed: 1 });
    const failed = result.results.find((r) => r.status === "failed")!;
    expect(failed).toMatchObject({
      address: "deviceManagementPartner[contoso].jamf",
      failedIn: "write",
      error: { status: 503 },
    });
  });

  it("a 400 on one object leaves the others applied, and the result says 1 failed with Graph's code and request-id", async () => {
    const plan = await harness.plan(DECLARED);
    harness.emulator.setFaults([
      {
        method: "PATCH",
        path: CONTOSO_TEAMVIEWER,
        fault: { kind: "status", status: 400, body: "graph-error" },
      },
    ]);
    const since = harness.mark();
    const { result } = await harness.apply(plan);
    expect(result.summary).toMatchObject({ changed: 1, failed: 1, skipped: 0 });
    const failed = result.results.find((r) => r.status === "failed")!;
    expect(failed.address).toBe("remoteAssistancePartner[contoso].teamviewer");
    expect(failed.error?.status).toBe(400);
    const attempt = harness
      .patches(since)
      .find((entry) => entry.path.endsWith(CONTOSO_TEAMVIEWER))!;
    expect(failed.error?.requestId).toBe(attempt.requestId);
    // A 400 is not retried.
    expect(
      harness.patches(since).filter((entry) => entry.path.endsWith(CONTOSO_TEAMVIEWER)),
    ).toHaveLength(1);
    // The other object converged, and running again converges the rest.
    harness.emulator.setFaults([]);
    const replan = await harness.plan(DECLARED);
    expect(replan.changes.map((change) => change.address)).toEqual([
      "remoteAssistancePartner[contoso].teamviewer",
    ]);
    const { result: second } = await harness.apply(replan);
    expect(second.summary.changed).toBe(1);
    expect((await harness.plan(DECLARED)).changes).toEqual([]);
  });

  it("a real Graph validation error (bad enum member) fails that object only", async () => {
    const plan = await harness.plan(DECLARED);
    const bad: Plan = {
      ...plan,
      changes: plan.changes.map((change) =>
        change.liveId === CONTOSO_TEAMVIEWER
          ? {
              ...change,
              changes: [
                { property: "onboardingStatus", before: "notOnboarded", after: "fullyOnboarded" },
              ],
              patch: { onboardingStatus: "fullyOnboarded" },
            }
          : change,
      ),
    };
    const { result } = await harness.apply(bad);
    expect(result.summary).toMatchObject({ changed: 1, failed: 1 });
    const failed = result.results.find((r) => r.status === "failed")!;
    expect(failed.error?.status).toBe(400);
    expect(failed.error?.code).toBeTruthy();
    expect(failed.error?.requestId).toBeTruthy();
  });

  it("on Ctrl-C during the writes lets the write in flight finish and starts no other", async () => {
    const slow = await startHarness({ latencyMs: 100 });
    try {
      const plan = await slow.plan(DECLARED);
      const controller = new AbortController();
      const since = slow.mark();
      const { result } = await slow.apply(plan, {
        abortSignal: controller.signal,
        concurrencyPerTenant: 1,
        onEvent: (event) => {
          if (event.type === "object-started") controller.abort(new Error("SIGINT"));
        },
      });
      expect(result.interrupted).toBe(true);
      expect(result.summary).toMatchObject({ changed: 1, skipped: 1 });
      expect(slow.patches(since).map((entry) => entry.status)).toEqual([204]);
      const text = renderApplySummary(result, { color: false });
      expect(text).toContain("Apply interrupted: 1 changed, 0 failed, 1 skipped.");
      expect(text).toContain("Run apply again (it plans afresh) to write the rest.");
    } finally {
      await slow.close();
    }
  });

  it("reports a PATCH that never gets an answer as failed with an unknown outcome, the others applied", async () => {
    // Every PATCH to Jamf hangs: two attempts of 1 s each, long enough that the other requests
    // (TeamViewer's PATCH, the reads) never time out on a loaded machine.
    const hanging = await startHarness({ timeoutInMs: 1_000, retry: { maxAttempts: 2 } });
    try {
      const plan = await hanging.plan(DECLARED);
      hanging.emulator.setFaults([
        { method: "PATCH", path: CONTOSO_JAMF, fault: { kind: "hang" } },
      ]);
      const lines: string[] = [];
      const { result } = await hanging.apply(plan, {
        onEvent: (event) => {
          const line = renderApplyEvent(event, { color: false });
          if (line !== undefined) lines.push(line);
        },
      });
      expect(result.summary).toMatchObject({ changed: 1, failed: 1 });
      const failed = result.results.find((r) => r.status === "failed")!;
      expect(failed.error?.status).toBeUndefined();
      expect(
        lines.some((line) =>
          line.startsWith(
            "✓ remoteAssistancePartner[contoso].teamviewer: updated onboardingStatus (PATCH 204,",
          ),
        ),
      ).toBe(true);
      expect(
        lines.some((line) => line.startsWith("✗ deviceManagementPartner[contoso].jamf: failed: ")),
      ).toBe(true);
      const text = renderApplySummary(result, { color: false });
      expect(text).toContain("Apply complete: 1 changed, 1 failed, 0 skipped.");
      expect(text).toContain("may or may not have been applied: run plan to see");
    } finally {
      await hanging.close();
    }
  });

  it("writes nothing when interrupted before it starts, and reads nothing either", async () => {
    const plan = await harness.plan(DECLARED);
    const since = harness.mark();
    const { result } = await harness.apply(plan, { abortSignal: AbortSignal.abort() });
    expect(harness.mark()).toBe(since);
    expect(result).toMatchObject({ interrupted: true, summary: { skipped: 2 } });
  });
});
