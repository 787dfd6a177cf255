import { describe, expect, it } from "vitest";
import { createPlan } from "../../src/plan/planner.ts";
import type { LiveCollection } from "../../src/plan/model.ts";
import { resolveSeed } from "../../src/emulator/seed.ts";
import {
  evenlySpaced,
  latencyFloor,
  listScheduleMakespan,
  minimumRequests,
  type Schedule,
  type TenantShape,
} from "../../bench/model.ts";
import {
  buildRow,
  evaluateTargets,
  physicalFloor,
  physicalSchedule,
  renderTable,
  shapeOf,
  type BenchRow,
} from "../../bench/report.ts";
import type { FloorFigures, PeerFigures, ToolFigures } from "../../bench/jobs.ts";
import { generateScenario, type Scenario } from "../../bench/scenario.ts";

const SCHEDULE: Schedule = {
  latencyMs: 25,
  pageSize: 100,
  tenantConcurrency: 8,
  writesPerTenant: 4,
  writeBudget: { writes: 80, perMs: 20_000 },
};

/** A CLI run that planned and checked fine: the figures `buildRow` divides. */
const TOOL: ToolFigures = {
  wallMs: 300,
  cpuMs: 10,
  peakRssBytes: 100 * 1024 * 1024,
  runs: [{ wallMs: 300, cpuMs: 10, peakRssBytes: 100 * 1024 * 1024 }],
  emulatorCpuMs: 10,
  requests: { token: 8, discovery: 8, get: 16, patch: 0, audit: 0, other: 0, failed: 0 },
  outcome: { exitCode: 2, changes: 8, unchanged: 8, problems: 0 },
};

const tenantsOf = (count: number, collections: TenantShape["collections"]): TenantShape[] =>
  Array.from({ length: count }, (_, index) => ({ name: `t${index}`, collections }));

describe("listScheduleMakespan", () => {
  it("runs equal tasks in ceil(n / workers) rounds", () => {
    expect(listScheduleMakespan(Array(500).fill(50), 8)).toBe(63 * 50);
    expect(listScheduleMakespan(Array(8).fill(50), 8)).toBe(50);
    expect(listScheduleMakespan(Array(9).fill(50), 8)).toBe(100);
    expect(listScheduleMakespan([50], 8)).toBe(50);
    expect(listScheduleMakespan([], 8)).toBe(0);
  });

  it("hands the next task to the first free worker, in order", () => {
    // Worker A: 30; worker B: 10, 10, 10 → 30.
    expect(listScheduleMakespan([30, 10, 10, 10], 2)).toBe(30);
    // Worker A: 10, 30; worker B: 30 → 40.
    expect(listScheduleMakespan([10, 30, 30], 2)).toBe(40);
    expect(() => listScheduleMakespan([1], 0)).toThrow(RangeError);
  });
});

describe("evenlySpaced", () => {
  it("takes every item when the sample is 0 or covers them all", () => {
    expect(evenlySpaced(["a", "b", "c"], 0)).toEqual(["a", "b", "c"]);
    expect(evenlySpaced(["a", "b", "c"], 3)).toEqual(["a", "b", "c"]);
    expect(evenlySpaced(["a", "b", "c"], 5)).toEqual(["a", "b", "c"]);
  });

  it("takes `sample` items spread evenly from the first", () => {
    const items = Array.from({ length: 10 }, (_, index) => index);
    expect(evenlySpaced(items, 2)).toEqual([0, 5]);
    expect(evenlySpaced(items, 4)).toEqual([0, 2, 5, 7]);
  });
});

describe("minimumRequests", () => {
  it("counts a token per tenant and a GET per collection page for a plan", () => {
    const shape = tenantsOf(3, [
      { objects: 2, changes: 1 },
      { objects: 250, changes: 0 },
    ]);
    expect(minimumRequests(shape, "plan", 100)).toEqual({
      token: 3,
      discovery: 0,
      get: 3 * (1 + 3),
      patch: 0,
      audit: 3, // one per tenant: each has a collection with a change
      other: 0,
      failed: 0,
    });
  });

  it("adds the stale check, a PATCH per change and the read-back of changed collections for an apply", () => {
    const shape: TenantShape[] = [
      {
        name: "a",
        collections: [
          { objects: 2, changes: 2 },
          { objects: 150, changes: 1 },
        ],
      },
      { name: "b", collections: [{ objects: 2, changes: 0 }] },
    ];
    // Plan: 1 + 2 + 1 pages; check and read-back: 2 × (1 + 2) pages.
    expect(minimumRequests(shape, "apply", 100)).toMatchObject({ token: 2, get: 4 + 6, patch: 3 });
    // Attribution: one audit read per collection with changes; tenant b has none and costs none.
    expect(minimumRequests(shape, "apply", 100).audit).toBe(2);
  });
});

describe("latencyFloor", () => {
  it("is ceil(T / c) × (token + a page) × L for a plan of equal tenants", () => {
    const shape = tenantsOf(500, [
      { objects: 2, changes: 0 },
      { objects: 2, changes: 0 },
    ]);
    expect(latencyFloor(shape, "plan", SCHEDULE)).toEqual({
      planMs: 63 * 2 * 25,
      checkMs: 0,
      writeMs: 0,
      totalMs: 3150,
    });
    expect(latencyFloor(shape, "plan", { ...SCHEDULE, signInRoundTrips: 2 }).totalMs).toBe(
      63 * 3 * 25,
    );
  });

  it("adds the stale check, then writes (4 at a time) and the read-back per changed tenant", () => {
    const shape: TenantShape[] = [
      { name: "a", collections: [{ objects: 2, changes: 5 }] },
      { name: "b", collections: [{ objects: 2, changes: 0 }] },
    ];
    const floor = latencyFloor(shape, "apply", SCHEDULE);
    expect(floor.planMs).toBe(50);
    expect(floor.checkMs).toBe(25);
    expect(floor.writeMs).toBe((2 + 1) * 25); // ceil(5 / 4) rounds of PATCH, then one GET
    expect(floor.totalMs).toBe(150);
  });

  it("counts the write budget's waits beyond its window", () => {
    const shape: TenantShape[] = [{ name: "a", collections: [{ objects: 200, changes: 200 }] }];
    const floor = latencyFloor(shape, "apply", { ...SCHEDULE, pageSize: 100 });
    // 200 writes: two more windows of 20 s after the first 80; pages: 2.
    expect(floor.writeMs).toBe(50 * 25 + 2 * 20_000 + 2 * 25);
  });
});

describe("generateScenario", () => {
  const parameters = {
    tenants: 20,
    remoteAssistancePartners: 2,
    deviceManagementPartners: 3,
    driftFraction: 0.1,
    randomSeed: 7,
  };

  it("drifts round(10 %) of the objects, spread over tenants and both kinds, the same each time", () => {
    const scenario = generateScenario(parameters);
    expect(scenario.objects).toHaveLength(100);
    expect(scenario.driftedCount).toBe(10);
    expect(scenario.objects.filter((object) => object.drifted)).toHaveLength(10);
    expect(generateScenario(parameters)).toEqual(scenario);
    expect(generateScenario({ ...parameters, randomSeed: 8 }).objects).not.toEqual(
      scenario.objects,
    );
    const kinds = new Set(
      scenario.objects.filter((object) => object.drifted).map((object) => object.kind),
    );
    expect(kinds.size).toBe(2);
    expect(generateScenario({ ...parameters, tenants: 1 }).driftedCount).toBe(1);
    expect(generateScenario({ ...parameters, driftFraction: 0 }).driftedCount).toBe(0);
  });

  it("makes a seed the emulator accepts", () => {
    const scenario = generateScenario(parameters);
    const tenants = resolveSeed(scenario.seed);
    expect(tenants).toHaveLength(20);
    expect(tenants[0]!.collections.get("deviceManagementPartners")).toHaveLength(3);
  });

  it("plans exactly the drifted objects with the drifted configuration, and nothing in sync", () => {
    const scenario = generateScenario(parameters);
    const live = liveOf(scenario);
    const drifted = createPlan({ desired: scenario.desired, live, toolVersion: "test" });
    expect(drifted.problems).toEqual([]);
    expect(drifted.changes).toHaveLength(scenario.driftedCount);
    expect(new Set(drifted.changes.map((change) => change.liveId))).toEqual(
      new Set(scenario.objects.filter((object) => object.drifted).map((object) => object.id)),
    );
    const inSync = createPlan({ desired: scenario.desiredInSync, live, toolVersion: "test" });
    expect(inSync.problems).toEqual([]);
    expect(inSync.changes).toEqual([]);
    expect(inSync.unchangedCount).toBe(100);
  });
});

describe("the physical floor", () => {
  it("does not depend on the tool's own limits: every tenant at once, Intune's write limit", () => {
    const shape = tenantsOf(500, [
      { objects: 2, changes: 0 },
      { objects: 2, changes: 0 },
    ]);
    const schedule = physicalSchedule(25, 100);
    // One token, then both collections at once: two round trips, whatever the tenant count.
    expect(latencyFloor(shape, "plan", schedule).totalMs).toBe(50);
    expect(latencyFloor(tenantsOf(1, shape[0]!.collections), "plan", schedule).totalMs).toBe(50);
    // 150 writes in one tenant: all at once, but the second 100 wait for Intune's next window.
    const writes: TenantShape[] = [{ name: "a", collections: [{ objects: 150, changes: 150 }] }];
    expect(latencyFloor(writes, "apply", schedule).writeMs).toBe(25 + 20_000 + 2 * 25);
  });

  it("adds the measured CPU to the latency critical path", () => {
    const scenario = generateScenario({
      tenants: 4,
      remoteAssistancePartners: 1,
      deviceManagementPartners: 1,
      driftFraction: 0.5,
      randomSeed: 1,
    });
    const floor = physicalFloor(scenario, "plan-drifted", physicalSchedule(25, 100), {
      startupCpuMs: 30,
      workCpuMs: 12,
      probedTenants: 4,
    });
    expect(floor).toEqual({
      latencyMs: 50,
      cpuMs: 42,
      startupCpuMs: 30,
      workCpuMs: 12,
      probedTenants: 4,
      probeScale: 1,
      totalMs: 92,
    });
  });

  it("scales the CPU of a probe that read a sample of the tenants, and says so in the table", () => {
    const scenario = generateScenario({
      tenants: 8,
      remoteAssistancePartners: 1,
      deviceManagementPartners: 1,
      driftFraction: 0.5,
      randomSeed: 1,
    });
    const floor = physicalFloor(scenario, "plan-drifted", physicalSchedule(25, 100), {
      startupCpuMs: 30,
      workCpuMs: 12,
      probedTenants: 2,
    });
    expect(floor).toMatchObject({ workCpuMs: 48, probedTenants: 2, probeScale: 4, cpuMs: 78 });
    expect(floor.totalMs).toBe(128);
    const row = buildRow({ scenario, name: "plan-drifted", pageSize: 100, tool: TOOL, floor });
    expect(renderTable([row])).toContain("128 (50+78, 2 x4.0)");
  });
});

describe("buildRow", () => {
  const scenario = generateScenario({
    tenants: 3,
    remoteAssistancePartners: 2,
    deviceManagementPartners: 2,
    driftFraction: 0.25,
    randomSeed: 1,
  });
  const floor: FloorFigures = {
    latencyMs: 50,
    cpuMs: 50,
    startupCpuMs: 30,
    workCpuMs: 20,
    probedTenants: 3,
    probeScale: 1,
    totalMs: 100,
  };
  const tool = (changes: number, exitCode = 2, audit = 0): ToolFigures => ({
    wallMs: 300,
    cpuMs: 10,
    peakRssBytes: 100 * 1024 * 1024,
    runs: [{ wallMs: 300, cpuMs: 10, peakRssBytes: 100 * 1024 * 1024 }],
    emulatorCpuMs: 10,
    requests: { token: 3, discovery: 3, get: 6, patch: 0, audit, other: 0, failed: 0 },
    outcome: { exitCode, changes, unchanged: 12 - changes, problems: 0 },
  });
  const peer = (differing: number): PeerFigures => ({
    wallMs: 6000,
    cpuMs: 600,
    peakRssBytes: 50 * 1024 * 1024,
    runs: 3,
    scale: 1,
    requests: { token: 3, discovery: 3, get: 6, patch: 0, audit: 0, other: 0, failed: 0 },
    differing,
    expectedDiffering: 3,
    failedRuns: 0,
  });

  it("divides by the minimum, the floor and the peer model", () => {
    const row = buildRow({
      scenario,
      name: "plan-drifted",
      pageSize: 100,
      tool: tool(3, 2, 3),
      floor,
      peer: peer(3),
    });
    // Drift attribution: one audit read per collection with changes (3 drifted objects here).
    const audit = shapeOf(scenario, "plan-drifted")
      .flatMap((tenant) => tenant.collections)
      .filter((collection) => collection.changes > 0).length;
    expect(row.minimum).toMatchObject({ token: 3, get: 6, patch: 0, audit });
    expect(audit).toBeGreaterThan(0);
    expect(row.ratios.requestsPerMinimum).toBeCloseTo((12 + 3) / (9 + audit));
    expect(row.ratios.wallPerFloor).toBe(3);
    expect(row.ratios.speedupOverPeer).toBe(20);
    expect(row.problems).toEqual([]);
  });

  it("reports a run that did the work wrong", () => {
    const row = buildRow({
      scenario,
      name: "plan-drifted",
      pageSize: 100,
      tool: tool(2, 1),
      floor,
      peer: peer(1),
    });
    expect(row.problems).toContain("the plan has 2 change(s), the scenario 3");
    expect(row.problems).toContain("the CLI exited 1, expected 2");
    expect(row.problems).toContain("the peer model found 1 difference(s), expected 3");
  });

  it("knows which collections have changes", () => {
    const changed = shapeOf(scenario, "apply-drifted").flatMap((tenant) => tenant.collections);
    expect(changed.reduce((sum, collection) => sum + collection.changes, 0)).toBe(3);
    const inSync = shapeOf(scenario, "plan-in-sync").flatMap((tenant) => tenant.collections);
    expect(inSync.every((collection) => collection.changes === 0)).toBe(true);
  });
});

describe("evaluateTargets", () => {
  const row = (
    tenants: number,
    wallMs: number,
    rssMb: number,
    peerMs?: number,
    audit = 0,
  ): BenchRow =>
    ({
      tenants,
      scenario: "plan-drifted",
      tool: {
        wallMs,
        peakRssBytes: rssMb * 1024 * 1024,
        requests: {
          token: tenants,
          discovery: tenants,
          get: 2 * tenants,
          patch: 0,
          audit,
          other: 0,
        },
      },
      ...(peerMs === undefined
        ? {}
        : {
            peer: {
              wallMs: peerMs,
              requests: {
                token: tenants,
                discovery: tenants,
                get: 2 * tenants,
                patch: 0,
                audit: 0,
                other: 0,
              },
            },
          }),
      ratios: peerMs === undefined ? {} : { speedupOverPeer: peerMs / wallMs },
    }) as unknown as BenchRow;

  it("compares the 500-tenant plan with the 1-tenant plan, RSS with its limits, and the peer", () => {
    const targets = evaluateTargets([
      row(1, 600, 90),
      row(500, 1700, 140, 40_000),
      row(2000, 5000, 210),
    ]);
    expect(targets.map((target) => target.met)).toEqual([
      true, // 1700 / 600 = 2.83
      true, // 140 MB
      false, // 210 MB > 200 MB
      true, // 40 000 / 1700 = 23.5, same requests
      "not measured",
    ]);
    expect(
      evaluateTargets([row(1, 500, 90), row(500, 1700, 140, 30_000)]).map((target) => target.met),
    ).toEqual([false, true, "not measured", false, "not measured"]);
    // The audit reads of drift attribution are set apart: the peer model does not attribute.
    const attributed = evaluateTargets([row(1, 600, 90), row(500, 1700, 140, 40_000, 120)]);
    expect(attributed[3]).toMatchObject({ met: true });
    expect(attributed[3]?.detail).toContain("(and 120 audit-log reads for drift attribution)");
  });
});

/** The live collections as the emulator would list them, from the scenario's own objects. */
function liveOf(scenario: Scenario): { collections: LiveCollection[]; failures: [] } {
  const collections = new Map<string, LiveCollection & { objects: Record<string, unknown>[] }>();
  for (const object of scenario.objects) {
    const key = `${object.tenant}/${object.kind}`;
    let collection = collections.get(key);
    if (!collection) {
      collection = { tenant: object.tenant, kind: object.kind, graphVersion: "beta", objects: [] };
      collections.set(key, collection);
    }
    collection.objects.push({ id: object.id, displayName: object.displayName, ...object.live });
  }
  return { collections: [...collections.values()] as LiveCollection[], failures: [] };
}
