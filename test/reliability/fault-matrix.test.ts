import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  startEmulator,
  type Emulator,
  type Fault,
  type FaultRule,
  type RequestLogEntry,
} from "../../src/emulator/index.ts";
import type { Plan } from "../../src/plan/model.ts";
import {
  ADDRESS,
  IDS,
  RA,
  SEED,
  TEST_RETRY,
  expectWritesMatchPlan,
  graphRequestsSince,
  mark,
  pipeline,
  unfinished,
} from "./pipeline.ts";

/**
 * Each fault × each step of a run (sign-in, first page, a later page, the applier's check read,
 * the PATCH, the applier's verification read) → the outcome, through the real pipeline over HTTPS
 * against the emulator. Every cell checks with the emulator's request log that the fault was
 * injected where intended, that no PATCH was lost, duplicated or sent for an object not in the
 * plan, and that planning again (faults cleared) shows exactly what apply did not finish.
 *
 * The seed pages at one object per page, so each collection read of RA (3 objects) is 3 GETs.
 */

type Step = "token" | "first page" | "later page" | "check read" | "PATCH" | "verification read";
const STEPS: readonly Step[] = [
  "token",
  "first page",
  "later page",
  "check read",
  "PATCH",
  "verification read",
];

interface FaultCase {
  readonly name: string;
  /** Built when the rule is set (an HTTP date must be in the future then), for that step. */
  readonly fault: (step?: Step) => Fault;
  /** For a 429: the wait the Graph client must choose, in ms. */
  readonly retryInMs?: readonly [number, number];
}

const FAULTS: readonly FaultCase[] = [
  {
    name: "429 Retry-After: 1",
    fault: () => ({ kind: "status", status: 429, retryAfter: "1" }),
    retryInMs: [1000, 1000],
  },
  {
    name: "429 Retry-After: 0.25",
    fault: () => ({ kind: "status", status: 429, retryAfter: "0.25" }),
    retryInMs: [250, 250],
  },
  {
    name: "429 Retry-After: HTTP date",
    // Far enough ahead that it is still ahead when the faulted request comes, however loaded the
    // machine: the wait is then the cap (TEST_RETRY.maxRetryAfterInMs), far above the client's
    // own back-off (at most 100 ms), which is what it would wait if it ignored the date.
    // At the token step @azure/identity waits the date out within the token timeout: 1 to 2 s.
    fault: (step) => ({
      kind: "status",
      status: 429,
      retryAfter: new Date(Date.now() + (step === "token" ? 2_000 : 30_000)).toUTCString(),
    }),
    retryInMs: [TEST_RETRY.maxRetryAfterInMs, TEST_RETRY.maxRetryAfterInMs],
  },
  { name: "503", fault: () => ({ kind: "status", status: 503 }) },
  { name: "504", fault: () => ({ kind: "status", status: 504 }) },
  { name: "500", fault: () => ({ kind: "status", status: 500 }) },
  { name: "connection reset", fault: () => ({ kind: "reset" }) },
  { name: "no response", fault: () => ({ kind: "hang" }) },
  { name: "malformed JSON", fault: () => ({ kind: "malformed-json" }) },
  { name: "HTML error page", fault: () => ({ kind: "html" }) },
];

/**
 * - `converged`: retried to success; everything planned is written once and verified.
 * - `sign-in failed`: no token, so nothing is read or written; the plan says which tenant.
 * - `not converged`: the PATCH got a 200 whose body is garbage, which the client must take as a
 *   success (the write may well have landed; sending it again is not the answer), but the
 *   emulator had not applied it: the verification read catches it and reports that object alone.
 */
type Outcome = "converged" | "sign-in failed" | "not converged";

function expectedOutcome(fault: FaultCase, step: Step): Outcome {
  const kind = fault.fault().kind;
  if (step === "token") {
    // @azure/identity retries 429/5xx/resets itself. A silent token endpoint is bounded by the
    // token timeout and a 200 with a garbled body is not retried by MSAL: both fail clearly.
    return kind === "hang" || kind === "malformed-json" ? "sign-in failed" : "converged";
  }
  if (step === "PATCH" && kind === "malformed-json") return "not converged";
  return "converged";
}

const RA_PATH = `^/beta${RA}$`;

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ seed: SEED, pageSize: 1 });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.setFaults([]);
  emulator.reset();
});

/** The GETs of RA's collection after `since`, in order. */
function raReads(since: number): RequestLogEntry[] {
  return graphRequestsSince(emulator, since, "GET").filter((entry) => entry.path === `/beta${RA}`);
}

function ruleFor(step: Step, fault: Fault, pagesPerRead: number): FaultRule {
  switch (step) {
    case "token":
      return { method: "POST", path: "/oauth2/v2.0/token$", times: 1, fault };
    case "first page":
    case "check read":
      return { method: "GET", path: RA_PATH, times: 1, fault };
    case "later page":
      return { method: "GET", path: RA_PATH, after: 1, times: 1, fault };
    case "PATCH":
      return { method: "PATCH", path: `${RA}/${IDS.raOne}$`, times: 1, fault };
    case "verification read":
      // Set after planning: the check read's pages pass, the verification read's first fails.
      return { method: "GET", path: RA_PATH, after: pagesPerRead, times: 1, fault };
  }
}

/** Where the one faulted request must sit in the log, so that no cell passes vacuously. */
function expectFaultedWhereIntended(
  step: Step,
  faulted: RequestLogEntry,
  applyStart: number,
  patchSeqs: readonly number[],
): void {
  switch (step) {
    case "token":
      expect(faulted.kind).toBe("token");
      break;
    case "first page":
      expect(faulted.seq).toBeLessThan(applyStart);
      expect(faulted.query["$skiptoken"]).toBeUndefined();
      break;
    case "later page":
      expect(faulted.seq).toBeLessThan(applyStart);
      expect(faulted.query["$skiptoken"]).toBeDefined();
      break;
    case "check read":
      expect(faulted.seq).toBeGreaterThan(applyStart);
      expect(faulted.seq).toBeLessThan(Math.min(...patchSeqs));
      break;
    case "PATCH":
      expect(faulted.method).toBe("PATCH");
      break;
    case "verification read":
      expect(faulted.method).toBe("GET");
      expect(faulted.seq).toBeGreaterThan(Math.max(...patchSeqs));
      expect(faulted.query["$skiptoken"]).toBeUndefined();
      break;
  }
}

const CELLS = FAULTS.flatMap((fault) =>
  STEPS.map((step) => [fault.name, step, expectedOutcome(fault, step), fault] as const),
);

describe("fault matrix: one transient fault at one step", () => {
  it.each(CELLS)("%s at %s → %s", async (_name, step, outcome, faultCase) => {
    // Short timeouts where "no response" is the fault, so that it costs little (a hung token
    // request is bounded by the token timeout, a hung Graph request by the per-attempt timeout
    // and then retried); generous ones elsewhere, so that no healthy answer on a loaded machine
    // times out and is asked again.
    const hangs = faultCase.fault().kind === "hang";
    const run = pipeline(emulator, {
      timeoutInMs: hangs ? 2_000 : 10_000,
      tokenTimeoutInMs: hangs ? 1_000 : 10_000,
    });
    try {
      if (step === "token" || step === "first page" || step === "later page") {
        emulator.setFaults([ruleFor(step, faultCase.fault(step), 0)]);
      }
      const plan = await run.plan();

      if (outcome === "sign-in failed") {
        expect(plan.changes).toEqual([]);
        expect(plan.problems).toHaveLength(1);
        expect(plan.problems[0]).toMatchObject({ code: "read-failed", tenant: "contoso" });
        const message = plan.problems[0]!.summary;
        expect(message).toMatch(/could not get a token/);
        // Says what happened: a silent endpoint, or an answer that was not a token response.
        expect(message).toMatch(
          faultCase.fault().kind === "hang"
            ? /did not answer within 1 s/
            : /the answer was not the JSON a token endpoint sends/,
        );
        expect(emulator.requests.filter((entry) => entry.kind === "graph")).toEqual([]);
        expect(emulator.requests.filter((entry) => entry.fault !== undefined)).toHaveLength(1);
        return;
      }
      expect(plan.problems).toEqual([]);
      expect(plan.changes.map((change) => change.address)).toEqual([ADDRESS.mdmOne, ADDRESS.raOne]);

      // Distinct pages: a page answered late on a loaded machine may have been asked again.
      const pagesPerRead = new Set(
        raReads(0)
          .filter((entry) => entry.status === 200 && entry.fault === undefined)
          .map((entry) => JSON.stringify(entry.query)),
      ).size;
      expect(pagesPerRead).toBe(3);
      if (step === "check read" || step === "PATCH" || step === "verification read") {
        emulator.setFaults([ruleFor(step, faultCase.fault(step), pagesPerRead)]);
      }
      const applyStart = mark(emulator);
      const { result } = await run.apply(plan);
      emulator.setFaults([]);

      const faulted = emulator.requests.filter((entry) => entry.fault !== undefined);
      expect(faulted, "the fault was injected exactly once").toHaveLength(1);
      const patchSeqs = graphRequestsSince(emulator, applyStart, "PATCH").map((e) => e.seq);
      expectFaultedWhereIntended(step, faulted[0]!, applyStart, patchSeqs);
      expectWritesMatchPlan(emulator, plan, result, applyStart);

      // A 429's Retry-After is honoured by the Graph client, in each of its forms.
      if (faultCase.retryInMs !== undefined && step !== "token") {
        const throttled = run.events.filter((event) => event.status === 429);
        expect(throttled).toHaveLength(1);
        const [min, max] = faultCase.retryInMs;
        expect(throttled[0]!.retryInMs).toBeGreaterThanOrEqual(min);
        expect(throttled[0]!.retryInMs).toBeLessThanOrEqual(max);
      }

      if (outcome === "converged") {
        expect(result.summary).toMatchObject({
          changed: 2,
          failed: 0,
          skipped: 0,
          stale: 0,
          notConverged: 0,
          unverified: 0,
        });
      } else {
        expect(result.summary).toMatchObject({ changed: 1, notConverged: 1, failed: 0 });
        expect(unfinished(result)).toEqual([ADDRESS.raOne]);
      }

      const again = pipeline(emulator);
      try {
        const replan = await again.plan();
        expect(replan.problems).toEqual([]);
        expect(replan.changes.map((change) => change.address)).toEqual(unfinished(result));
        if (replan.changes.length > 0) {
          // Running apply again converges what the fault left undone.
          const { result: second } = await again.apply(replan);
          expect(second.summary).toMatchObject({ changed: replan.changes.length, failed: 0 });
          expect((await again.plan()).changes).toEqual([]);
        }
      } finally {
        again.close();
      }
    } finally {
      run.close();
    }
  });
});

describe("fault matrix: a fault that does not clear is reported for exactly the affected objects", () => {
  const stuck: Fault = { kind: "status", status: 503 };

  async function planned(): Promise<{ run: ReturnType<typeof pipeline>; plan: Plan }> {
    const run = pipeline(emulator);
    const plan = await run.plan();
    expect(plan.changes).toHaveLength(2);
    return { run, plan };
  }

  async function replanShows(addresses: string[]): Promise<void> {
    emulator.setFaults([]);
    const again = pipeline(emulator);
    try {
      const replan = await again.plan();
      expect(replan.changes.map((change) => change.address)).toEqual(addresses);
    } finally {
      again.close();
    }
  }

  it("sign-in refused (400): the tenant is reported, nothing is read or written", async () => {
    emulator.setFaults([
      { method: "POST", path: "/oauth2/v2.0/token$", fault: { kind: "status", status: 400 } },
    ]);
    const run = pipeline(emulator);
    try {
      const plan = await run.plan();
      expect(plan.changes).toEqual([]);
      expect(plan.problems.map((problem) => [problem.code, problem.tenant])).toEqual([
        ["read-failed", "contoso"],
      ]);
      expect(emulator.requests.filter((entry) => entry.kind === "graph")).toEqual([]);
    } finally {
      run.close();
    }
  });

  it("a collection that cannot be read: its objects are not planned, the other kind is", async () => {
    emulator.setFaults([{ method: "GET", path: RA_PATH, fault: stuck }]);
    const run = pipeline(emulator);
    try {
      const plan = await run.plan();
      expect(plan.changes.map((change) => change.address)).toEqual([ADDRESS.mdmOne]);
      expect(plan.problems).toHaveLength(1);
      expect(plan.problems[0]).toMatchObject({ code: "read-failed", tenant: "contoso" });
      expect(plan.problems[0]!.summary + plan.problems[0]!.detail).toContain("503");
      // Retried to the attempt limit, then given up: one logical read, six attempts.
      expect(raReads(0)).toHaveLength(TEST_RETRY.maxAttempts);
      const since = mark(emulator);
      const { result } = await run.apply(plan);
      expectWritesMatchPlan(emulator, plan, result, since);
      expect(result.summary).toMatchObject({ changed: 1, failed: 0 });
      expect(graphRequestsSince(emulator, since, "PATCH").map((e) => e.path)).toEqual([
        `/beta${"/deviceManagement/deviceManagementPartners"}/${IDS.mdmOne}`,
      ]);
    } finally {
      run.close();
    }
  });

  it("the check read fails: those objects fail before any PATCH, the others are written", async () => {
    const { run, plan } = await planned();
    try {
      emulator.setFaults([{ method: "GET", path: RA_PATH, fault: stuck }]);
      const since = mark(emulator);
      const { result } = await run.apply(plan);
      expectWritesMatchPlan(emulator, plan, result, since);
      expect(result.results.find((r) => r.address === ADDRESS.raOne)).toMatchObject({
        status: "failed",
        failedIn: "check",
        error: { status: 503 },
      });
      expect(unfinished(result)).toEqual([ADDRESS.raOne]);
      await replanShows([ADDRESS.raOne]);
    } finally {
      run.close();
    }
  });

  it("the PATCH keeps failing: that object fails after the attempt limit, the other is written", async () => {
    const { run, plan } = await planned();
    try {
      emulator.setFaults([{ method: "PATCH", path: IDS.raOne, fault: stuck }]);
      const since = mark(emulator);
      const { result } = await run.apply(plan);
      expectWritesMatchPlan(emulator, plan, result, since);
      expect(
        graphRequestsSince(emulator, since, "PATCH").filter((e) => e.path.endsWith(IDS.raOne)),
      ).toHaveLength(TEST_RETRY.maxAttempts);
      expect(result.results.find((r) => r.address === ADDRESS.raOne)).toMatchObject({
        status: "failed",
        failedIn: "write",
        error: { status: 503 },
      });
      expect(unfinished(result)).toEqual([ADDRESS.raOne]);
      await replanShows([ADDRESS.raOne]);
    } finally {
      run.close();
    }
  });

  it.each([400, 403, 404, 409])(
    "a PATCH answered %i is not retried: one attempt, that object failed, the other written",
    async (status) => {
      const { run, plan } = await planned();
      try {
        emulator.setFaults([
          {
            method: "PATCH",
            path: IDS.raOne,
            fault: { kind: "status", status, body: "graph-error" },
          },
        ]);
        const since = mark(emulator);
        const { result } = await run.apply(plan);
        expectWritesMatchPlan(emulator, plan, result, since);
        expect(
          graphRequestsSince(emulator, since, "PATCH").filter((e) => e.path.endsWith(IDS.raOne)),
        ).toHaveLength(1);
        expect(result.results.find((r) => r.address === ADDRESS.raOne)).toMatchObject({
          status: "failed",
          error: { status },
        });
        expect(result.summary).toMatchObject({ changed: 1, failed: 1 });
      } finally {
        run.close();
      }
    },
  );

  it("the verification read fails: the objects are written but reported unverified", async () => {
    const { run, plan } = await planned();
    try {
      const pagesPerRead = raReads(0).length;
      emulator.setFaults([{ method: "GET", path: RA_PATH, after: pagesPerRead, fault: stuck }]);
      const since = mark(emulator);
      const { result } = await run.apply(plan);
      expectWritesMatchPlan(emulator, plan, result, since);
      expect(result.summary).toMatchObject({ changed: 2, unverified: 1, failed: 0 });
      expect(result.results.find((r) => r.address === ADDRESS.raOne)?.verifyError).toMatchObject({
        status: 503,
      });
      expect(result.results.find((r) => r.address === ADDRESS.mdmOne)?.verifyError).toBeUndefined();
      // It was written all the same: nothing left to do.
      await replanShows([]);
    } finally {
      run.close();
    }
  });

  it("garbage bodies on every page: given up after the malformed-body retries, reported", async () => {
    emulator.setFaults([{ method: "GET", path: RA_PATH, fault: { kind: "malformed-json" } }]);
    const run = pipeline(emulator);
    try {
      const plan = await run.plan();
      expect(plan.changes.map((change) => change.address)).toEqual([ADDRESS.mdmOne]);
      expect(plan.problems[0]!.summary + plan.problems[0]!.detail).toContain(
        "a body that is not valid JSON",
      );
      expect(raReads(0)).toHaveLength(TEST_RETRY.maxMalformedBodyRetries + 1);
    } finally {
      run.close();
    }
  });
});
