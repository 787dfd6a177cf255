import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator, type FaultRule } from "../../src/emulator/index.ts";
import { SEED, TENANT_ID, mark, pipeline } from "./pipeline.ts";

/**
 * The token is checked before it is used: one for another tenant (`tid`), for another resource
 * (`aud`), or already expired is refused before any Graph call; a short-lived token is not fetched
 * again for every call; a 401 mid-run gets one fresh token and one more try. The emulator's
 * `token-claims` fault makes its token endpoint hand out such tokens.
 */
const TOKEN_PATH = "/oauth2/v2\\.0/token$";
const OTHER_TENANT = "0f0f0f0f-1111-4222-8333-444444444444";

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ seed: SEED, pageSize: 1 });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.reset();
  emulator.setFaults([]);
});

function requestsSince(since: number, kind: "token" | "graph") {
  return emulator.requests.filter((entry) => entry.seq > since && entry.kind === kind);
}

describe("token checks before the first Graph call", () => {
  it.each([
    [
      "another tenant's token (tid)",
      { tid: OTHER_TENANT },
      `the token is for tenant "${OTHER_TENANT}", not this tenant's tenantId ${TENANT_ID}`,
    ],
    [
      "a token for another resource (aud)",
      { aud: "https://management.azure.com" },
      `the token is for "https://management.azure.com", not Microsoft Graph at`,
    ],
    [
      "an already expired token",
      { expiresInSeconds: -300 },
      "the token endpoint returned a token that has already expired",
    ],
  ])("%s: refused, nothing is read or written with it", async (_name, claims, message) => {
    const rule: FaultRule = { path: TOKEN_PATH, fault: { kind: "token-claims", ...claims } };
    emulator.setFaults([rule]);
    const since = mark(emulator);
    const run = pipeline(emulator);
    try {
      const planned = await run.plan();
      expect(planned.changes).toEqual([]);
      expect(planned.problems.length).toBeGreaterThan(0);
      for (const problem of planned.problems) {
        expect(`${problem.summary} ${problem.detail ?? ""}`).toContain(message);
      }
      // Refused before use: Graph never saw it.
      expect(requestsSince(since, "graph")).toEqual([]);
      expect(requestsSince(since, "token").length).toBeGreaterThan(0);
    } finally {
      run.close();
    }
  });

  it("a token that lives shorter than the refresh margin is reused, not fetched again for every call", async () => {
    // 100 s: under the provider's 2-minute refresh margin, so a "refresh when less than 2 minutes
    // are left" cache asked for a new token before every Graph call.
    emulator.setFaults([
      { path: TOKEN_PATH, fault: { kind: "token-claims", expiresInSeconds: 100 } },
    ]);
    const since = mark(emulator);
    const run = pipeline(emulator);
    try {
      const planned = await run.plan();
      expect(planned.problems).toEqual([]);
      const { result } = await run.apply(planned);
      expect(result.summary.failed).toBe(0);
      expect(requestsSince(since, "graph").length).toBeGreaterThan(10);
      expect(requestsSince(since, "token")).toHaveLength(1);
    } finally {
      run.close();
    }
  });
});

describe("a 401 mid-run", () => {
  it("gets one fresh token and one more try: the read succeeds", async () => {
    const run = pipeline(emulator);
    try {
      await run.client(); // signed in: the first token is cached
      const since = mark(emulator);
      emulator.setFaults([
        {
          method: "GET",
          path: "/deviceManagement/",
          times: 1,
          fault: { kind: "status", status: 401 },
        },
      ]);
      const planned = await run.plan();
      expect(planned.problems).toEqual([]);
      expect(requestsSince(since, "token")).toHaveLength(1);
      const reads = requestsSince(since, "graph").map((entry) => entry.status);
      expect(reads[0]).toBe(401);
      expect(reads.slice(1).every((status) => status === 200)).toBe(true);
    } finally {
      run.close();
    }
  });

  it("a fresh token refused too: one fresh token only, the collection reported unreadable", async () => {
    const run = pipeline(emulator);
    try {
      await run.client();
      const since = mark(emulator);
      emulator.setFaults([
        { method: "GET", path: "/deviceManagement/", fault: { kind: "status", status: 401 } },
      ]);
      const planned = await run.plan();
      expect(planned.problems.length).toBeGreaterThan(0);
      expect(planned.problems[0]!.summary).toContain("401");
      // One fresh token for the tenant, however many requests got a 401 (not one per request,
      // and never a retry loop): each collection tried at most twice.
      expect(requestsSince(since, "token")).toHaveLength(1);
      expect(requestsSince(since, "graph").length).toBeLessThanOrEqual(4);
    } finally {
      run.close();
    }
  });
});
