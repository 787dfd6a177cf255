import { describe, expect, it } from "vitest";
import { FaultInjector, type FaultRule } from "./faults.ts";

const unavailable = { kind: "status", status: 503 } as const;

function picks(
  rules: FaultRule[],
  requests: [string, string][],
  randomSeed = 1,
): (string | undefined)[] {
  const injector = new FaultInjector(rules, randomSeed);
  return requests.map(([method, path]) => {
    const fault = injector.pick(method, path);
    return fault && (fault.kind === "status" ? String(fault.status) : fault.kind);
  });
}

describe("FaultInjector", () => {
  it("skips the first `after` matches, then injects `times` times", () => {
    const requests = Array.from({ length: 6 }, () => ["GET", "/v1.0/x"] as [string, string]);
    expect(picks([{ after: 2, times: 3, fault: unavailable }], requests)).toEqual([
      undefined,
      undefined,
      "503",
      "503",
      "503",
      undefined,
    ]);
  });

  it("counts only requests matching method and path; the first injecting rule wins", () => {
    const rules: FaultRule[] = [
      { method: "patch", path: "Partners/", times: 1, fault: { kind: "reset" } },
      { path: "^/beta/", fault: { kind: "hang" } },
    ];
    const requests: [string, string][] = [
      ["GET", "/v1.0/deviceManagementPartners/1"],
      ["PATCH", "/v1.0/deviceManagementPartners/1"],
      ["PATCH", "/beta/deviceManagementPartners/1"],
      ["GET", "/beta/x"],
    ];
    expect(picks(rules, requests)).toEqual([undefined, "reset", "hang", "hang"]);
  });

  it("draws probabilities from its seed: same seed, same sequence; another seed, another", () => {
    const requests = Array.from({ length: 40 }, () => ["GET", "/"] as [string, string]);
    const rules: FaultRule[] = [{ probability: 0.3, fault: unavailable }];
    const first = picks(rules, requests, 42);
    expect(picks(rules, requests, 42)).toEqual(first);
    expect(picks(rules, requests, 43)).not.toEqual(first);
    const injected = first.filter((pick) => pick !== undefined).length;
    expect(injected).toBeGreaterThan(2);
    expect(injected).toBeLessThan(25);
  });

  it("counts `times` in injections, not matches, under a probability", () => {
    const requests = Array.from({ length: 200 }, () => ["GET", "/"] as [string, string]);
    const injected = picks([{ probability: 0.5, times: 4, fault: unavailable }], requests).filter(
      (pick) => pick !== undefined,
    );
    expect(injected).toHaveLength(4);
  });

  it("restarts counts and the random sequence when the rules are set again", () => {
    const injector = new FaultInjector([{ times: 1, fault: unavailable }], 1);
    expect(injector.pick("GET", "/")).toBeDefined();
    expect(injector.pick("GET", "/")).toBeUndefined();
    injector.setRules([{ times: 1, fault: unavailable }]);
    expect(injector.pick("GET", "/")).toBeDefined();
  });
});
