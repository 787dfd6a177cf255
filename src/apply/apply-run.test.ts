import { afterEach, describe, expect, it, vi } from "vitest";
import { change, plan } from "../../test/helpers/plan-builders.ts";
import { GraphRequestError, type GraphClient } from "../graph/types.ts";
import { createApplyRun, type ApplyRunOptions } from "./apply-run.ts";
import type { ApplyEvent } from "./model.ts";

/** The state one apply shares between its phases, driven directly. */
const first = change({ address: "remoteAssistancePartner[contoso].a", liveId: "a" });
const second = change({ address: "remoteAssistancePartner[contoso].b", liveId: "b" });
const third = change({ address: "remoteAssistancePartner[fabrikam].c", liveId: "c" });
const PLAN = plan({ changes: [first, second, third] });

const noClient = () => Promise.reject(new Error("no client in this test"));

function runWith(options: Partial<ApplyRunOptions> = {}) {
  const events: ApplyEvent[] = [];
  const run = createApplyRun(PLAN, {
    clientFor: noClient,
    graceInMs: 2_000,
    onEvent: (event) => events.push(event),
    ...options,
  });
  return { run, events };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("an apply run's results", () => {
  it("gives one result per change, in plan order whatever the order settled, with what each changes", () => {
    const { run } = runWith();
    run.skip(third, "plan-stale");
    run.settle(first, { status: "changed", httpStatus: 204, durationMs: 5 });
    run.settle(second, { status: "stale", staleReason: "moved" });
    const { results, summary, refusedAsStale, interrupted } = run.finish();
    expect(results.map((r) => r.address)).toEqual(PLAN.changes.map((c) => c.address));
    expect(results[0]).toStrictEqual({
      address: first.address,
      tenant: "contoso",
      kind: "RemoteAssistancePartner",
      graphVersion: "beta",
      liveId: "a",
      properties: ["onboardingStatus"],
      propertyChanges: first.changes,
      status: "changed",
      httpStatus: 204,
      durationMs: 5,
    });
    expect(summary).toMatchObject({ changed: 1, stale: 1, skipped: 1, total: 3 });
    expect(refusedAsStale).toBe(true);
    expect(interrupted).toBe(false);
  });

  it("is neither refused nor interrupted when nothing was stale or left out by an interrupt", () => {
    const { run } = runWith();
    run.settle(first, { status: "changed" });
    run.skip(second, "fail-fast");
    run.skip(third, "circuit-open");
    expect(run.finish()).toMatchObject({ refusedAsStale: false, interrupted: false });
  });

  it("is interrupted when an object was left unwritten by the interrupt", () => {
    const { run } = runWith();
    run.settle(first, { status: "changed" });
    run.settle(second, { status: "changed" });
    run.skip(third, "interrupted");
    expect(run.finish().interrupted).toBe(true);
  });

  it("refuses to finish while a change has no result: that is a bug, not an outcome", () => {
    const { run } = runWith();
    run.settle(first, { status: "changed" });
    run.settle(third, { status: "changed" });
    // Amending a change without a result does not make one.
    run.amend(second, { verifyError: { message: "read-back failed" } });
    expect(() => run.finish()).toThrow(
      "internal error: no apply result for remoteAssistancePartner[contoso].b",
    );
  });

  it("amends a result with what the read-back found", () => {
    const { run } = runWith();
    run.settle(first, { status: "changed", httpStatus: 204 });
    run.amend(first, { verifyError: { message: "read-back failed" } });
    run.skip(second, "plan-stale");
    run.skip(third, "plan-stale");
    expect(run.finish().results[0]).toMatchObject({
      status: "changed",
      httpStatus: 204,
      verifyError: { message: "read-back failed" },
    });
  });

  it("records a failure with its phase, and its duration only when there is one", () => {
    const { run, events } = runWith();
    run.fail(first, "write", { message: "boom", status: 500 }, 42);
    run.fail(second, "check", { message: "no read" });
    run.skip(third, "fail-fast");
    const [written, checked] = run.finish().results;
    expect(written).toMatchObject({
      status: "failed",
      failedIn: "write",
      error: { message: "boom", status: 500 },
      durationMs: 42,
    });
    expect(checked).toMatchObject({ status: "failed", failedIn: "check" });
    expect(checked).not.toHaveProperty("durationMs");
    expect(events.slice(0, 2)).toStrictEqual([
      {
        type: "object-failed",
        object: expect.objectContaining({ address: first.address }),
        phase: "write",
        error: { message: "boom", status: 500 },
        durationMs: 42,
      },
      {
        type: "object-failed",
        object: expect.objectContaining({ address: second.address }),
        phase: "check",
        error: { message: "no read" },
      },
    ]);
    expect(events[2]).toMatchObject({ type: "object-skipped", reason: "fail-fast" });
  });

  it("emits nowhere, without failing, when no one listens", () => {
    const run = createApplyRun(PLAN, { clientFor: noClient, graceInMs: 1 });
    run.emit({ type: "write-started", objects: 3 });
    run.fail(first, "write", { message: "boom" });
    run.skip(second, "fail-fast");
    run.settle(third, { status: "changed" });
    expect(run.finish().summary).toMatchObject({ failed: 1, skipped: 1, changed: 1 });
  });
});

describe("an apply run's stop and cancel signals", () => {
  it("keeps going after a failure without failFast", () => {
    const { run } = runWith();
    run.fail(first, "write", { message: "boom" });
    expect(run.stopped.aborted).toBe(false);
    expect(run.stopReason()).toBeUndefined();
  });

  it("stops after the first failure with failFast; a later interrupt does not change why", () => {
    const controller = new AbortController();
    const { run } = runWith({ failFast: true, abortSignal: controller.signal });
    run.fail(first, "write", { message: "boom" });
    expect(run.stopped.aborted).toBe(true);
    expect(run.stopReason()).toBe("fail-fast");
    expect(run.stopped.reason).toMatchObject({ message: "apply stopped: fail-fast" });
    controller.abort();
    expect(run.stopReason()).toBe("fail-fast");
    run.dispose();
  });

  it("on an interrupt stops at once, and cancels what is on the wire only after the grace", () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const { run } = runWith({ abortSignal: controller.signal, graceInMs: 1_500 });
    const error = new GraphRequestError("socket hang up", {});
    expect(run.stopped.aborted).toBe(false);
    controller.abort(new Error("SIGINT"));
    expect(run.stopReason()).toBe("interrupted");
    expect(run.stopped.reason).toMatchObject({ message: "apply stopped: interrupted" });
    expect(run.errorOf(error)).toStrictEqual({ message: "socket hang up" });
    vi.advanceTimersByTime(1_499);
    expect(run.cancelled.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(run.cancelled.aborted).toBe(true);
    expect(run.cancelled.reason).toMatchObject({
      message: "interrupted: cancelled after the 1.5 s grace",
    });
    // A request the grace cut short failed because of the interrupt.
    expect(run.errorOf(error)).toStrictEqual({ message: "socket hang up", interrupted: true });
    run.dispose();
  });

  it("starts stopped when the signal fired before the run", () => {
    vi.useFakeTimers();
    const { run } = runWith({ abortSignal: AbortSignal.abort() });
    expect(run.stopReason()).toBe("interrupted");
    vi.advanceTimersByTime(2_000);
    expect(run.cancelled.aborted).toBe(true);
    run.dispose();
  });

  it("once disposed, neither listens to the signal nor cancels after the grace", () => {
    vi.useFakeTimers();
    const interruptedEarly = new AbortController();
    const early = runWith({ abortSignal: interruptedEarly.signal }).run;
    interruptedEarly.abort();
    early.dispose();
    vi.advanceTimersByTime(10_000);
    expect(early.cancelled.aborted).toBe(false);

    const interruptedLate = new AbortController();
    const late = runWith({ abortSignal: interruptedLate.signal }).run;
    late.dispose();
    interruptedLate.abort();
    expect(late.stopReason()).toBeUndefined();
  });
});

describe("an apply run's Graph clients", () => {
  it("asks for each tenant's client once, however many ask at the same time", async () => {
    const asked: string[] = [];
    const client: GraphClient = {
      listCollection: () => Promise.resolve([]),
      patch: () => Promise.reject(new Error("not in this test")),
    };
    const { run } = runWith({
      clientFor: (tenant) => {
        asked.push(tenant);
        return client;
      },
    });
    const clients = await Promise.all([
      run.clientFor("contoso"),
      run.clientFor("contoso"),
      run.clientFor("fabrikam"),
    ]);
    expect(await run.clientFor("contoso")).toBe(client);
    expect(clients).toEqual([client, client, client]);
    expect(asked).toEqual(["contoso", "fabrikam"]);
  });

  it("turns a client that cannot be made (even by throwing at once) into a rejection", async () => {
    const { run } = runWith({
      clientFor: () => {
        throw new Error("AADSTS7000215: Invalid client secret provided.");
      },
    });
    const asking = run.clientFor("contoso");
    await expect(asking).rejects.toThrow("AADSTS7000215");
  });
});
