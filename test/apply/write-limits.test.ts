import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ApplyEvent } from "../../src/apply/model.ts";
import type { DesiredObject } from "../../src/config/model.ts";
import type { GraphClient } from "../../src/graph/types.ts";
import type { Plan } from "../../src/plan/model.ts";
import { renderApplySummary } from "../../src/render/apply-text.ts";
import { DEFAULT_SEED } from "../helpers/default-seed.ts";
import { declare, startHarness, type Harness } from "./harness.ts";

/**
 * The write phase's limits with the real Graph client against the emulator: every attempt the
 * client sends (retries included) takes a write-budget slot, and a tenant's circuit breaker
 * counts each attempt's answer. The clock and the budget's sleep are virtual (`now`, `sleep`),
 * so a budget wait costs no time and its length is exact; the client's own retry delays are
 * real (the harness's fast ones).
 */
const TEAMVIEWER = DEFAULT_SEED.contoso.teamViewerId;
const JAMF = DEFAULT_SEED.contoso.jamfId;
const DECLARED: DesiredObject[] = [
  declare("RemoteAssistancePartner", "teamviewer", "contoso", "TeamViewer", {
    onboardingStatus: "onboarded",
  }),
  declare("DeviceManagementPartner", "jamf", "contoso", "Jamf Pro", {
    partnerAppType: "singleTenantApp",
  }),
];

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

/** A clock that moves only when the write budget sleeps (from a time far from 0). */
function virtualClock() {
  const clock = { time: 1_000_000, sleeps: [] as number[] };
  return {
    clock,
    now: () => clock.time,
    sleep: (ms: number, signal?: AbortSignal): Promise<void> => {
      signal?.throwIfAborted();
      clock.sleeps.push(ms);
      clock.time += ms;
      return Promise.resolve();
    },
  };
}

/** A sleep that never ends by itself: only the signal ends it (a budget wait cut short). */
function sleepUntilAborted(_ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((_resolve, reject) => {
    signal?.addEventListener("abort", () => reject(signal.reason as Error), { once: true });
  });
}

async function planOf(ids: readonly string[]): Promise<Plan> {
  const plan = await harness.plan(DECLARED);
  const changes = plan.changes.filter((change) => ids.includes(change.liveId));
  expect(changes).toHaveLength(ids.length);
  return { ...plan, changes };
}

const ofType = <T extends ApplyEvent["type"]>(events: ApplyEvent[], type: T) =>
  events.filter((event): event is Extract<ApplyEvent, { type: T }> => event.type === type);

describe("the write budget and the real client's retries", () => {
  it("each retry takes its own slot (and waits for it); the first attempt uses the one taken before the write started", async () => {
    const plan = await planOf([TEAMVIEWER]);
    harness.emulator.setFaults([
      {
        method: "PATCH",
        path: "remoteAssistancePartners",
        times: 2,
        fault: { kind: "status", status: 429, retryAfter: "0" },
      },
    ]);
    const { now, sleep, clock } = virtualClock();
    const since = harness.mark();
    const { result, events } = await harness.apply(plan, {
      writeBudget: { writes: 1, perMs: 1_000 },
      now,
      sleep,
    });
    const patches = harness.patches(since);
    expect(patches.map((entry) => entry.status)).toEqual([429, 429, 204]);
    // Two retries, each a full window after the request before it.
    const wait = {
      type: "budget-wait",
      tenant: "contoso",
      budget: "tenant",
      waitMs: 1_000,
      writes: 1,
      perMs: 1_000,
    };
    expect(ofType(events, "budget-wait")).toEqual([wait, wait]);
    expect(clock.sleeps).toEqual([1_000, 1_000]);
    const ref = { address: plan.changes[0]!.address, tenant: "contoso", liveId: TEAMVIEWER };
    expect(ofType(events, "write-started")).toEqual([{ type: "write-started", objects: 1 }]);
    expect(ofType(events, "object-started")).toEqual([
      {
        type: "object-started",
        object: expect.objectContaining(ref),
        properties: ["onboardingStatus"],
      },
    ]);
    // The write's time is the virtual clock's: the two budget waits.
    const written = { httpStatus: 204, durationMs: 2_000, requestId: patches[2]!.requestId };
    expect(ofType(events, "object-written")).toEqual([
      {
        type: "object-written",
        object: expect.objectContaining(ref),
        properties: ["onboardingStatus"],
        ...written,
      },
    ]);
    expect(result.results[0]).toMatchObject({ status: "changed", ...written });
  });

  it("a write waiting for a budget slot when Ctrl-C comes is skipped as interrupted", async () => {
    const plan = await planOf([TEAMVIEWER, JAMF]);
    const controller = new AbortController();
    const since = harness.mark();
    const { result } = await harness.apply(plan, {
      writeBudget: { writes: 1, perMs: 60_000 },
      concurrencyPerTenant: 2,
      abortSignal: controller.signal,
      sleep: sleepUntilAborted,
      onEvent: (event) => {
        if (event.type === "budget-wait") controller.abort(new Error("SIGINT"));
      },
    });
    expect(harness.patches(since)).toHaveLength(1);
    expect(result.summary).toMatchObject({ changed: 1, skipped: 1 });
    expect(result.results.find((r) => r.status === "skipped")!.skipReason).toBe("interrupted");
    expect(result.interrupted).toBe(true);
  });
});

describe("the circuit breaker with the real client", () => {
  const always503 = () =>
    harness.emulator.setFaults([{ method: "PATCH", fault: { kind: "status", status: 503 } }]);

  it("opens after K failed answers in a row: the write on its retries fails with the status it got, the rest are not attempted", async () => {
    const plan = await planOf([TEAMVIEWER, JAMF]);
    always503();
    const since = harness.mark();
    const { now, sleep } = virtualClock();
    const { result, events } = await harness.apply(plan, {
      circuitBreaker: { consecutiveFailures: 2 },
      concurrencyPerTenant: 1,
      now,
      sleep,
    });
    // Plan order: Jamf first. Its two attempts open the circuit; its third is never sent.
    expect(harness.patches(since).map((entry) => entry.path.endsWith(JAMF))).toEqual([true, true]);
    expect(ofType(events, "circuit-open")).toEqual([
      { type: "circuit-open", tenant: "contoso", failures: 2 },
    ]);
    const [jamf, teamviewer] = result.results;
    expect(jamf).toMatchObject({ status: "failed", failedIn: "write" });
    expect(jamf!.error).toEqual({
      message:
        "not sent: the tenant answered 2 PATCH attempts in a row with 429, 5xx or no answer, so this run stopped writing to it",
      status: 503,
    });
    expect(teamviewer).toMatchObject({ status: "skipped", skipReason: "circuit-open" });
    // No budget wait: no time passed on the run's clock.
    expect(jamf!.durationMs).toBe(0);
  });

  it("opened by answers that never came: the write stopped is failed without a status (its outcome is unknown)", async () => {
    const plan = await planOf([TEAMVIEWER]);
    harness.emulator.setFaults([{ method: "PATCH", fault: { kind: "reset" } }]);
    const since = harness.mark();
    const { result } = await harness.apply(plan, { circuitBreaker: { consecutiveFailures: 2 } });
    expect(harness.patches(since)).toHaveLength(2);
    expect(result.results[0]).toMatchObject({ status: "failed", failedIn: "write" });
    expect(result.results[0]!.error).toStrictEqual({
      message:
        "not sent: the tenant answered 2 PATCH attempts in a row with 429, 5xx or no answer, so this run stopped writing to it",
    });
  });

  it("opens after 10 failed answers by default, across writes", async () => {
    const plan = await planOf([TEAMVIEWER, JAMF]);
    always503();
    const since = harness.mark();
    const { result } = await harness.apply(plan, { concurrencyPerTenant: 1 });
    // Jamf's 6 attempts, then TeamViewer's 4 reach 10.
    expect(harness.patches(since)).toHaveLength(10);
    const [jamf, teamviewer] = result.results;
    expect(jamf!.error).toMatchObject({ status: 503 });
    expect(jamf!.error!.message).not.toContain("not sent");
    expect(teamviewer!.error).toMatchObject({
      message: expect.stringContaining("answered 10 PATCH attempts in a row") as string,
      status: 503,
    });
  });

  it("a write whose first request would go out after the circuit opened is not attempted (skipped, nothing sent)", async () => {
    const plan = await planOf([TEAMVIEWER, JAMF]);
    always503();
    let opened: () => void = () => undefined;
    const circuitOpened = new Promise<void>((resolve) => (opened = resolve));
    // TeamViewer's write reaches the client before the circuit opens and is held there, so that
    // the client asks to send it only afterwards.
    const clientFor = async (tenant: string): Promise<GraphClient> => {
      const real = await harness.clientFor(tenant);
      return {
        listCollection: (request, options) => real.listCollection(request, options),
        patch: async (request, options) => {
          if (request.id === TEAMVIEWER) await circuitOpened;
          return real.patch(request, options);
        },
      };
    };
    const since = harness.mark();
    const { result } = await harness.apply(plan, {
      clientFor,
      circuitBreaker: { consecutiveFailures: 1 },
      concurrencyPerTenant: 2,
      onEvent: (event) => {
        if (event.type === "circuit-open") opened();
      },
    });
    expect(harness.patches(since).map((entry) => entry.path.endsWith(JAMF))).toEqual([true]);
    expect(result.results[1]).toMatchObject({ status: "skipped", skipReason: "circuit-open" });
    expect(result.results[1]!.error).toBeUndefined();
    expect(result.results[0]).toMatchObject({ status: "failed", error: { status: 503 } });
  });

  it("a write waiting for a budget slot when the circuit opens is skipped, not sent", async () => {
    const plan = await planOf([TEAMVIEWER, JAMF]);
    always503();
    const since = harness.mark();
    const { result } = await harness.apply(plan, {
      circuitBreaker: { consecutiveFailures: 1 },
      writeBudget: { writes: 1, perMs: 60_000 },
      concurrencyPerTenant: 2,
      sleep: sleepUntilAborted,
    });
    expect(harness.patches(since)).toHaveLength(1);
    expect(result.results.map((r) => [r.status, r.skipReason])).toEqual([
      ["failed", undefined],
      ["skipped", "circuit-open"],
    ]);
  });
});

describe("Ctrl-C while a PATCH is on the wire", () => {
  it("gives it the default grace of 2 s, then cancels it: failed, interrupted, outcome unknown", async () => {
    const plan = await planOf([TEAMVIEWER]);
    harness.emulator.setFaults([
      { method: "PATCH", path: "remoteAssistancePartners", fault: { kind: "hang" } },
    ]);
    const controller = new AbortController();
    let signalledAt = 0;
    const { result } = await harness.apply(plan, {
      abortSignal: controller.signal,
      onEvent: (event) => {
        if (event.type !== "object-started") return;
        signalledAt = performance.now();
        controller.abort(new Error("SIGINT"));
      },
    });
    // Only a lower bound: timers never fire early, but may fire late on a loaded machine.
    expect(performance.now() - signalledAt).toBeGreaterThanOrEqual(1_900);
    expect(result.results[0]).toMatchObject({ status: "failed", failedIn: "write" });
    expect(result.results[0]!.error).toMatchObject({ interrupted: true });
    expect(result.results[0]!.error!.status).toBeUndefined();
  });
});

describe("Ctrl-C while the client waits to retry", () => {
  it("stops the retry: the write is failed with the answer it got, marked interrupted", async () => {
    const plan = await planOf([TEAMVIEWER]);
    harness.emulator.setFaults([
      {
        method: "PATCH",
        path: "remoteAssistancePartners",
        times: 1,
        fault: { kind: "status", status: 429, retryAfter: "0.3" },
      },
    ]);
    const controller = new AbortController();
    const since = harness.mark();
    const { result } = await harness.apply(plan, {
      abortSignal: controller.signal,
      onEvent: (event) => {
        if (event.type === "object-started") controller.abort(new Error("SIGINT"));
      },
    });
    expect(harness.patches(since).map((entry) => entry.status)).toEqual([429]);
    expect(result.results[0]).toMatchObject({
      status: "failed",
      failedIn: "write",
      error: { status: 429, interrupted: true },
    });
    // The client's own stop (the applier hands it the signal), not the run's at the next
    // attempt's budget slot after the wait was served.
    expect(result.results[0]!.error!.message).toMatch(/\(.*1 attempt, not retried: stopping\)$/);
  });

  it("stops a retry waiting for its budget slot the same way: failed with the answer it got (not an unknown outcome), marked interrupted", async () => {
    const plan = await planOf([TEAMVIEWER]);
    harness.emulator.setFaults([
      {
        method: "PATCH",
        path: "remoteAssistancePartners",
        times: 1,
        fault: { kind: "status", status: 429, retryAfter: "0" },
      },
    ]);
    const controller = new AbortController();
    const since = harness.mark();
    const { result } = await harness.apply(plan, {
      abortSignal: controller.signal,
      writeBudget: { writes: 1, perMs: 60_000 },
      sleep: sleepUntilAborted,
      onEvent: (event) => {
        if (event.type === "budget-wait") controller.abort(new Error("SIGINT"));
      },
    });
    expect(harness.patches(since).map((entry) => entry.status)).toEqual([429]);
    expect(result.results[0]).toMatchObject({
      status: "failed",
      failedIn: "write",
      error: { status: 429, interrupted: true },
    });
    expect(renderApplySummary(result, { color: false })).toContain(
      "Interrupted before it was retried: Graph had answered 429 (throttled), so it was not written.",
    );
  });

  it("with failFast, a retry waiting for its budget slot when another write fails is failed with the answer it got", async () => {
    const plan = await planOf([TEAMVIEWER, JAMF]);
    harness.emulator.setFaults([
      {
        method: "PATCH",
        path: "remoteAssistancePartners",
        times: 1,
        fault: { kind: "status", status: 429, retryAfter: "0" },
      },
      { method: "PATCH", path: "deviceManagementPartners", fault: { kind: "status", status: 400 } },
    ]);
    let jamfFailed: () => void = () => undefined;
    const failed = new Promise<void>((resolve) => (jamfFailed = resolve));
    const { result } = await harness.apply(plan, {
      failFast: true,
      concurrencyPerTenant: 2,
      // TeamViewer's retry waits for its slot until Jamf's 400 stops the run.
      writeBudget: { writes: 2, perMs: 60_000 },
      sleep: (_ms, signal) => failed.then(() => sleepUntilAborted(0, signal)),
      onEvent: (event) => {
        if (event.type === "object-failed") jamfFailed();
      },
    });
    const teamviewer = result.results.find((r) => r.liveId === TEAMVIEWER)!;
    expect(teamviewer).toMatchObject({ status: "failed", failedIn: "write" });
    expect(teamviewer.error).toMatchObject({ status: 429 });
    expect(teamviewer.error!.interrupted).toBeUndefined();
  });
});
