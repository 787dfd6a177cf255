import { getEventListeners } from "node:events";
import { describe, expect, it, vi } from "vitest";
import { InMemoryGraph } from "../../test/helpers/in-memory-graph.ts";
import {
  apply,
  declare,
  DMP,
  fourChanges,
  planFor,
  RA,
  raPartner,
  statuses,
} from "../../test/helpers/in-memory-apply.ts";
import type { DesiredObject } from "../config/model.ts";
import { UserError } from "../errors.ts";
import { GraphRequestError } from "../graph/types.ts";
import type { Plan } from "../plan/model.ts";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("applyPlan", () => {
  it("sends each plan's PATCH body exactly, once, and verifies with one read per collection", async () => {
    const { graph, plan } = fourChanges();
    expect(plan.changes).toHaveLength(4);
    const { result, events } = await apply(graph, plan);

    expect(result.summary).toMatchObject({
      changed: 4,
      failed: 0,
      skipped: 0,
      stale: 0,
      notConverged: 0,
      total: 4,
    });
    expect(result.refusedAsStale).toBe(false);
    expect(result.interrupted).toBe(false);
    const patches = graph.patches();
    expect(patches).toHaveLength(4);
    for (const change of plan.changes) {
      const sent = patches.filter((p) => p.tenant === change.tenant && p.id === change.liveId);
      expect(sent).toHaveLength(1);
      expect(sent[0]!.body).toStrictEqual(change.patch);
    }
    // One GET to check and one to verify, per tenant (one kind and version each).
    expect(graph.lists("contoso")).toHaveLength(2);
    expect(graph.lists("fabrikam")).toHaveLength(2);
    // The tenant's state is now the declared one: a new plan has nothing to do.
    const again = planFor(graph, [
      ...["contoso", "fabrikam"].flatMap((tenant) => [
        declare("teamviewer", tenant, "TeamViewer", { onboardingStatus: "onboarded" }),
        declare("other", tenant, "Other", {
          onboardingUrl: "https://new.example.com/",
          onboardingStatus: "onboarding",
        }),
      ]),
    ]);
    expect(again.changes).toEqual([]);
    // Results in plan order, each with its HTTP status and the properties it changed.
    expect(result.results.map((r) => r.address)).toEqual(plan.changes.map((c) => c.address));
    expect(result.results[0]).toMatchObject({
      httpStatus: 204,
      properties: plan.changes[0]!.changes.map((c) => c.property),
    });
    expect(events.filter((e) => e.type === "object-written")).toHaveLength(4);
    expect(events.filter((e) => e.type === "object-verified")).toHaveLength(4);
  });

  it("accepts a 200 with the object as well as a 204", async () => {
    const { graph, plan } = fourChanges({ patchStatus: 200 });
    const { result } = await apply(graph, plan);
    expect(result.summary.changed).toBe(4);
    expect(result.results.every((r) => r.httpStatus === 200)).toBe(true);
  });

  it("refuses a stale plan and writes nothing at all, saying what moved", async () => {
    const { graph, plan } = fourChanges();
    graph.edit("fabrikam", "beta", RA, "fabrikam-2", { onboardingStatus: "onboarded" });
    const { result, events } = await apply(graph, plan);

    expect(graph.patches()).toHaveLength(0);
    expect(result.refusedAsStale).toBe(true);
    expect(statuses(result)).toEqual({
      "remoteAssistancePartner[contoso].other": "skipped",
      "remoteAssistancePartner[contoso].teamviewer": "skipped",
      "remoteAssistancePartner[fabrikam].other": "stale",
      "remoteAssistancePartner[fabrikam].teamviewer": "skipped",
    });
    const stale = result.results.find((r) => r.status === "stale")!;
    expect(stale.staleReason).toBe(
      'onboardingStatus is now "onboarded" (the plan saw "notOnboarded")',
    );
    expect(
      result.results
        .filter((r) => r.status === "skipped")
        .every((r) => r.skipReason === "plan-stale"),
    ).toBe(true);
    expect(events.some((e) => e.type === "refused" && e.staleObjects === 1)).toBe(true);
    // Only the check read happened: no verify read when nothing was written.
    expect(graph.lists()).toHaveLength(2);
  });

  it("treats a vanished object as stale", async () => {
    const { graph, plan } = fourChanges();
    graph.remove("contoso", "beta", RA, "contoso-1");
    const { result } = await apply(graph, plan);
    expect(graph.patches()).toHaveLength(0);
    const stale = result.results.filter((r) => r.status === "stale");
    expect(stale.map((r) => r.address)).toEqual(["remoteAssistancePartner[contoso].teamviewer"]);
    expect(stale[0]!.staleReason).toContain("no longer exists");
  });

  it("treats an object that is no longer the one the plan named (renamed, or another id) as stale", async () => {
    const { graph, plan } = fourChanges();
    graph.edit("contoso", "beta", RA, "contoso-1", { displayName: "TeamViewer (old)" });
    const { result } = await apply(graph, plan);
    expect(graph.patches()).toHaveLength(0);
    expect(result.results.find((r) => r.status === "stale")!.staleReason).toBe(
      'its displayName is now "TeamViewer (old)" (the plan saw "TeamViewer")',
    );
  });

  it("sees a declared property the plan did not change move, and ignores undeclared ones", async () => {
    const graph = new InMemoryGraph();
    graph.put("contoso", "beta", RA, [raPartner("a", "TeamViewer")]);
    const declared = declare("teamviewer", "contoso", "TeamViewer", {
      onboardingUrl: "https://old.example.com/", // already as declared: not in the PATCH
      onboardingStatus: "onboarded",
    });
    const plan = planFor(graph, [declared]);
    expect(plan.changes[0]!.patch).toStrictEqual({ onboardingStatus: "onboarded" });

    // An undeclared property (server-managed timestamp) moving does not make the plan stale.
    graph.edit("contoso", "beta", RA, "a", { lastConnectionDateTime: "2024-01-01T00:00:00Z" });
    const first = await apply(graph, plan);
    expect(first.result.summary.changed).toBe(1);

    // A declared but unchanged property moving does.
    graph.edit("contoso", "beta", RA, "a", { onboardingStatus: "notOnboarded" });
    const replan = planFor(graph, [declared]);
    graph.edit("contoso", "beta", RA, "a", { onboardingUrl: "https://elsewhere.example.com/" });
    const patchesBefore = graph.patches().length;
    const second = await apply(graph, replan);
    expect(second.result.results[0]).toMatchObject({
      status: "stale",
      // The element that differs, not a bare "something changed".
      staleReason:
        'onboardingUrl is now "https://elsewhere.example.com/" (the plan saw the configuration\'s value)',
    });
    expect(graph.patches()).toHaveLength(patchesBefore);
  });

  it("does not see a change that means the same value (another offset for the same instant) as stale", async () => {
    const graph = new InMemoryGraph();
    graph.put("contoso", "beta", DMP, [
      {
        id: "d",
        displayName: "Jamf",
        partnerAppType: "unknown",
        whenPartnerDevicesWillBeRemovedDateTime: "2030-01-01T00:00:00Z",
      },
    ]);
    const plan = planFor(graph, [
      declare(
        "jamf",
        "contoso",
        "Jamf",
        {
          partnerAppType: "multiTenantApp",
          whenPartnerDevicesWillBeRemovedDateTime: "2030-01-01T00:00:00Z",
        },
        "DeviceManagementPartner",
      ),
    ]);
    graph.edit("contoso", "beta", DMP, "d", {
      whenPartnerDevicesWillBeRemovedDateTime: "2029-12-31T16:00:00.0000000-08:00",
    });
    const { result } = await apply(graph, plan);
    expect(result.summary.changed).toBe(1);
  });

  it("keeps going after one object fails, and reports Graph's code, status and request-id", async () => {
    const { graph, plan } = fourChanges({
      beforePatch: (_tenant, request) => {
        if (request.id === "contoso-2") {
          throw new GraphRequestError("BadRequest: onboardingUrl is not valid", {
            status: 400,
            code: "BadRequest",
            requestId: "rid-400",
          });
        }
      },
    });
    const { result, events } = await apply(graph, plan);
    expect(result.summary).toMatchObject({ changed: 3, failed: 1, skipped: 0 });
    const failed = result.results.find((r) => r.status === "failed")!;
    expect(failed.address).toBe("remoteAssistancePartner[contoso].other");
    expect(failed.error).toEqual({
      message: "BadRequest: onboardingUrl is not valid",
      code: "BadRequest",
      status: 400,
      requestId: "rid-400",
    });
    expect(events.filter((e) => e.type === "object-failed")).toHaveLength(1);
    expect(graph.patches()).toHaveLength(4);
  });

  it("with failFast starts no write after the first failure", async () => {
    const { graph, plan } = fourChanges({
      beforePatch: (_tenant, request) => {
        if (request.id === "contoso-2")
          throw new GraphRequestError("Forbidden", { status: 403, code: "Forbidden" });
      },
    });
    const { result } = await apply(graph, plan, {
      failFast: true,
      concurrencyPerTenant: 1,
      concurrentTenants: 1,
    });
    // Plan order: contoso.other (fails first), then everything else is skipped.
    expect(graph.patches()).toHaveLength(1);
    expect(result.summary).toMatchObject({ failed: 1, skipped: 3, changed: 0 });
    expect(
      result.results
        .filter((r) => r.status === "skipped")
        .every((r) => r.skipReason === "fail-fast"),
    ).toBe(true);
    expect(result.interrupted).toBe(false);
  });

  it("keeps at most concurrencyPerTenant writes in flight per tenant, tenants in parallel", async () => {
    const graph = new InMemoryGraph({
      beforePatch: () => new Promise((resolve) => setTimeout(resolve, 5)),
    });
    const objects: DesiredObject[] = [];
    for (const tenant of ["t1", "t2"]) {
      const live = Array.from({ length: 8 }, (_, i) => raPartner(`${tenant}-${i}`, `P${i}`));
      graph.put(tenant, "beta", RA, live);
      objects.push(
        ...live.map((_, i) => declare(`p${i}`, tenant, `P${i}`, { onboardingStatus: "onboarded" })),
      );
    }
    const plan = planFor(graph, objects);
    const { result } = await apply(graph, plan, { concurrencyPerTenant: 3, concurrentTenants: 2 });
    expect(result.summary.changed).toBe(16);
    expect(graph.maxInFlight.get("t1")).toBe(3);
    expect(graph.maxInFlight.get("t2")).toBe(3);
    expect(graph.maxInFlightOverall).toBe(6);
  });

  it("by default writes 4 objects at a time per tenant, and 8 tenants at a time", async () => {
    // Each PATCH holds until a timer: every write that may start does so (in microtasks) first.
    const graph = new InMemoryGraph({
      beforePatch: () => new Promise((resolve) => setTimeout(resolve, 20)),
    });
    const objects: DesiredObject[] = [];
    for (let t = 0; t < 9; t++) {
      const tenant = `t${t}`;
      const live = Array.from({ length: 5 }, (_, i) => raPartner(`${tenant}-${i}`, `P${i}`));
      graph.put(tenant, "beta", RA, live);
      objects.push(
        ...live.map((_, i) => declare(`p${i}`, tenant, `P${i}`, { onboardingStatus: "onboarded" })),
      );
    }
    const { result } = await apply(graph, planFor(graph, objects));
    expect(result.summary.changed).toBe(45);
    expect(Math.max(...graph.maxInFlight.values())).toBe(4);
    expect(graph.maxInFlightOverall).toBe(32);
  });

  it("lets a given scheduler decide how many tenants and writes run at once", async () => {
    const { graph, plan } = fourChanges({
      beforePatch: () => new Promise((resolve) => setTimeout(resolve, 5)),
    });
    const asked: string[] = [];
    const { result } = await apply(graph, plan, {
      concurrencyPerTenant: 4,
      concurrentTenants: 8,
      scheduler: {
        forEachTenant: async (groups, tenantOf, task) => {
          for (const group of groups) {
            asked.push(`tenant ${tenantOf(group)}`);
            await task(group);
          }
        },
        forEachWrite: async (tenant, items, task) => {
          asked.push(`writes ${tenant}`);
          for (const item of items) await task(item);
        },
      },
    });
    expect(result.summary.changed).toBe(4);
    expect(graph.maxInFlightOverall).toBe(1);
    expect(asked).toContain("writes contoso");
    expect(asked).toContain("tenant fabrikam");
  });

  it("starts no more writes per tenant than the budget allows in any window (fake timers)", async () => {
    vi.useFakeTimers({ now: 0 });
    try {
      const startTimes: number[] = [];
      // Each write takes 50 ms, so that a slot freed by time is not confused with one freed by
      // a write finishing (the budget counts starts, not writes in flight).
      const graph = new InMemoryGraph({
        beforePatch: () => {
          startTimes.push(Date.now());
          return new Promise((resolve) => setTimeout(resolve, 50));
        },
      });
      const live = Array.from({ length: 7 }, (_, i) => raPartner(`id-${i}`, `P${i}`));
      graph.put("contoso", "beta", RA, live);
      const plan = planFor(
        graph,
        live.map((_, i) => declare(`p${i}`, "contoso", `P${i}`, { onboardingStatus: "onboarded" })),
      );
      const applying = apply(graph, plan, {
        writeBudget: { writes: 3, perMs: 1_000 },
        concurrencyPerTenant: 4,
      });
      await vi.runAllTimersAsync();
      const { result, events } = await applying;
      expect(result.summary.changed).toBe(7);
      expect(startTimes).toEqual([0, 0, 0, 1_000, 1_000, 1_000, 2_000]);
      expect(
        events
          .filter((e) => e.type === "budget-wait")
          .map((e) => e.type === "budget-wait" && e.waitMs),
      ).toEqual([1_000, 1_000]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("gives each tenant its own budget: two tenants of different apps never wait for each other", async () => {
    vi.useFakeTimers({ now: 0 });
    try {
      const startTimes: number[] = [];
      const { graph, plan } = fourChanges({ beforePatch: () => void startTimes.push(Date.now()) });
      const applying = apply(graph, plan, {
        writeBudget: { writes: 2, perMs: 10_000 },
        appOf: (tenant) => `app-of-${tenant}`,
      });
      await vi.runAllTimersAsync();
      const { result, events } = await applying;
      expect(result.summary.changed).toBe(4);
      // A budget shared across tenants would hold the third and fourth writes for 10 s.
      expect(startTimes).toEqual([0, 0, 0, 0]);
      expect(events.filter((e) => e.type === "budget-wait")).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("bounds the writes of one app across all its tenants by the app's budget", async () => {
    vi.useFakeTimers({ now: 0 });
    try {
      const startTimes: number[] = [];
      const { graph, plan } = fourChanges({ beforePatch: () => void startTimes.push(Date.now()) });
      const applying = apply(graph, plan, {
        writeBudget: { writes: 2, perMs: 10_000 },
        appWriteBudget: { writes: 3, perMs: 10_000 },
        appOf: () => "one-app",
      });
      await vi.runAllTimersAsync();
      const { result, events } = await applying;
      expect(result.summary.changed).toBe(4);
      // Each tenant's own budget (2) allows all four at once; the app's (3) holds the fourth.
      expect(startTimes).toEqual([0, 0, 0, 10_000]);
      // And the wait says so: the app's budget held it, not the tenant's (which had room).
      expect(events.filter((event) => event.type === "budget-wait")).toEqual([
        expect.objectContaining({ budget: "app", waitMs: 10_000, writes: 3, perMs: 10_000 }),
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("on abort starts nothing new, lets the write in flight finish, and skips the rest as interrupted", async () => {
    const controller = new AbortController();
    const gate = deferred();
    const { graph, plan } = fourChanges({
      beforePatch: async () => {
        controller.abort(new Error("SIGINT"));
        await gate.promise;
      },
    });
    const applying = apply(graph, plan, {
      abortSignal: controller.signal,
      concurrencyPerTenant: 1,
      concurrentTenants: 1,
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    gate.resolve();
    const { result } = await applying;
    expect(graph.patches()).toHaveLength(1);
    expect(result.interrupted).toBe(true);
    expect(result.summary).toMatchObject({ changed: 1, skipped: 3 });
    expect(
      result.results
        .filter((r) => r.status === "skipped")
        .every((r) => r.skipReason === "interrupted"),
    ).toBe(true);
    // The write that finished was verified all the same.
    expect(graph.lists("contoso")).toHaveLength(2);
  });

  it("is not 'interrupted' when the signal fires only during the read-back", async () => {
    const controller = new AbortController();
    const { graph, plan } = fourChanges({
      beforeList: (_tenant, _request, call) => {
        if (call === 1) controller.abort(new Error("SIGINT"));
      },
    });
    const { result } = await apply(graph, plan, { abortSignal: controller.signal });
    expect(result.interrupted).toBe(false);
    expect(result.summary).toMatchObject({ changed: 4, skipped: 0, unverified: 0 });
  });

  it("leaves nothing behind once it returns: no listener on the caller's signal, no grace timer", async () => {
    // The CLI's signal outlives each run; a listener per run would pile up.
    const quiet = new AbortController();
    const first = fourChanges();
    await apply(first.graph, first.plan, { abortSignal: quiet.signal });
    expect(getEventListeners(quiet.signal, "abort")).toEqual([]);

    // Interrupted during a write: the 10 s grace is not left running (it would hold the process).
    vi.useFakeTimers();
    try {
      const controller = new AbortController();
      const { graph, plan } = fourChanges({
        beforePatch: () => controller.abort(new Error("SIGINT")),
      });
      const { result } = await apply(graph, plan, {
        abortSignal: controller.signal,
        graceInMs: 10_000,
        concurrentTenants: 1,
        concurrencyPerTenant: 1,
      });
      expect(result.interrupted).toBe(true);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("writes and reads nothing when aborted before it starts", async () => {
    const { graph, plan } = fourChanges();
    const { result } = await apply(graph, plan, { abortSignal: AbortSignal.abort() });
    expect(graph.calls).toEqual([]);
    expect(result.summary.skipped).toBe(4);
    expect(result.interrupted).toBe(true);
  });

  it("reports a property the server rewrote as not converged, with both values", async () => {
    const { graph, plan } = fourChanges({
      afterPatch: (tenant, object) => {
        if (tenant === "contoso" && object["id"] === "contoso-1")
          object["onboardingStatus"] = "onboarding";
      },
    });
    const { result, events } = await apply(graph, plan);
    const bad = result.results.find((r) => r.status === "not-converged")!;
    expect(bad.address).toBe("remoteAssistancePartner[contoso].teamviewer");
    expect(bad.notConverged).toEqual([
      { property: "onboardingStatus", desired: "onboarded", live: "onboarding" },
    ]);
    expect(bad.httpStatus).toBe(204);
    expect(result.summary).toMatchObject({ changed: 3, notConverged: 1 });
    expect(events.filter((e) => e.type === "object-not-converged")).toHaveLength(1);
  });

  it("counts a value the server stores in another form but with the same meaning as converged", async () => {
    const graph = new InMemoryGraph({
      // Graph answers dates in UTC with 7 digits, whatever offset they were sent with.
      afterPatch: (_tenant, object) => {
        object["whenPartnerDevicesWillBeRemovedDateTime"] = "2030-01-01T08:00:00.0000000Z";
      },
    });
    graph.put("contoso", "beta", DMP, [
      { id: "d", displayName: "Jamf", whenPartnerDevicesWillBeRemovedDateTime: null },
    ]);
    const plan = planFor(graph, [
      declare(
        "jamf",
        "contoso",
        "Jamf",
        { whenPartnerDevicesWillBeRemovedDateTime: "2030-01-01T00:00:00-08:00" },
        "DeviceManagementPartner",
      ),
    ]);
    const { result } = await apply(graph, plan);
    expect(result.results[0]!.status).toBe("changed");
  });

  it("keeps a written object as changed but unverified when the read-back fails", async () => {
    const { graph, plan } = fourChanges({
      beforeList: (tenant, _request, call) => {
        if (tenant === "fabrikam" && call === 1)
          throw new GraphRequestError("ServiceUnavailable", { status: 503 });
      },
    });
    const { result, events } = await apply(graph, plan);
    expect(result.summary).toMatchObject({ changed: 4, unverified: 2 });
    expect(result.results.filter((r) => r.verifyError).map((r) => r.tenant)).toEqual([
      "fabrikam",
      "fabrikam",
    ]);
    expect(events.filter((e) => e.type === "verify-failed")).toHaveLength(1);
  });

  it("fails only the objects of a collection it cannot re-read before writing", async () => {
    const { graph, plan } = fourChanges({
      beforeList: (tenant) => {
        if (tenant === "contoso")
          throw new GraphRequestError("Forbidden", {
            status: 403,
            code: "Forbidden",
            requestId: "r1",
          });
      },
    });
    const { result } = await apply(graph, plan);
    expect(graph.patches("contoso")).toHaveLength(0);
    expect(graph.patches("fabrikam")).toHaveLength(2);
    expect(result.summary).toMatchObject({ failed: 2, changed: 2 });
    expect(result.results.find((r) => r.tenant === "contoso")!.error).toMatchObject({
      status: 403,
      requestId: "r1",
    });
  });

  it("fails a tenant whose client cannot be made, and only that tenant", async () => {
    const { graph, plan } = fourChanges();
    const { result } = await apply(graph, plan, {
      clientFor: (tenant) => {
        if (tenant === "fabrikam")
          throw new Error("AADSTS7000215: Invalid client secret provided.");
        return graph.clientFor(tenant);
      },
    });
    expect(result.summary).toMatchObject({ failed: 2, changed: 2 });
    expect(result.results.find((r) => r.tenant === "fabrikam")!.error).toEqual({
      message: "AADSTS7000215: Invalid client secret provided.",
    });
  });

  it("refuses a plan naming a kind or property it does not know, before reading anything", async () => {
    const { graph, plan } = fourChanges();
    const bad: Plan = { ...plan, changes: [{ ...plan.changes[0]!, kind: "MysteryPartner" }] };
    await expect(apply(graph, bad)).rejects.toBeInstanceOf(UserError);
    const badProperty: Plan = {
      ...plan,
      changes: [
        { ...plan.changes[0]!, changes: [{ property: "color", before: null, after: "red" }] },
      ],
    };
    await expect(apply(graph, badProperty)).rejects.toThrow(/unknown property color/);
    expect(graph.calls).toEqual([]);
  });

  it("ends every object with exactly one outcome event", async () => {
    const { graph, plan } = fourChanges({
      beforePatch: (_tenant, request) => {
        if (request.id === "fabrikam-1") throw new GraphRequestError("boom", { status: 500 });
      },
    });
    const { events } = await apply(graph, plan, {
      failFast: true,
      concurrencyPerTenant: 1,
      concurrentTenants: 1,
    });
    for (const change of plan.changes) {
      const outcomes = events.filter(
        (e) =>
          "object" in e &&
          e.object.address === change.address &&
          ["object-written", "object-failed", "object-skipped", "object-stale"].includes(e.type),
      );
      expect(outcomes, change.address).toHaveLength(1);
    }
  });

  it("reads exactly the declared properties (the fingerprint's), never one the configuration does not mention", async () => {
    const graph = new InMemoryGraph();
    graph.put("contoso", "beta", DMP, [
      { id: "d", displayName: "Jamf", partnerAppType: "unknown", singleTenantAppId: "app" },
    ]);
    const plan = planFor(graph, [
      declare(
        "jamf",
        "contoso",
        "Jamf",
        { partnerAppType: "multiTenantApp", singleTenantAppId: "app" },
        "DeviceManagementPartner",
      ),
    ]);
    expect(plan.changes[0]!.declaredProperties).toEqual(["partnerAppType", "singleTenantAppId"]);
    await apply(graph, plan);
    expect(graph.lists().map((call) => call.select)).toEqual([
      ["partnerAppType", "singleTenantAppId"],
      ["partnerAppType", "singleTenantAppId"],
    ]);
  });

  it("fingerprints a hand-made plan without declaredProperties over its changed properties", async () => {
    const graph = new InMemoryGraph();
    graph.put("contoso", "beta", RA, [raPartner("a", "TeamViewer")]);
    const made = planFor(graph, [
      declare("teamviewer", "contoso", "TeamViewer", { onboardingStatus: "onboarded" }),
    ]);
    const { declaredProperties: _, ...change } = made.changes[0]!;
    const { result } = await apply(graph, { ...made, changes: [change] });
    expect(result.summary.changed).toBe(1);
  });

  it("has nothing to do for an empty plan", async () => {
    const graph = new InMemoryGraph();
    const plan = planFor(graph, []);
    const { result } = await apply(graph, plan);
    expect(result.summary.total).toBe(0);
    expect(graph.calls).toEqual([]);
  });
});
