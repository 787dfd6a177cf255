/**
 * From measurements to the bench's rows, ratios, targets and table. Pure: no clock, no I/O.
 */
import type { BaselineFigures, ScenarioName, ToolFigures } from "./jobs.ts";
import {
  latencyFloor,
  minimumRequests,
  totalRequests,
  type Floor,
  type OperationKind,
  type RequestCounts,
  type Schedule,
  type TenantShape,
} from "./model.ts";
import type { Scenario } from "./scenario.ts";
import type { StartupResult } from "./validate-startup.ts";

/** One (tenants, scenario) measurement with its yardsticks. */
export interface BenchRow {
  readonly tenants: number;
  readonly scenario: ScenarioName;
  readonly objects: number;
  /** Objects the scenario's configuration changes (0 for plan-in-sync). */
  readonly changes: number;
  readonly minimum: RequestCounts;
  readonly floor: Floor;
  /** The floor with the sign-in library's OpenID metadata round trip (emulator only; see model.ts). */
  readonly floorWithDiscovery: Floor;
  readonly moduleLoadMs: number;
  readonly tool: ToolFigures;
  readonly baseline?: BaselineFigures;
  /**
   * Set when `baseline` is another scenario's run: a per-resource plan GETs every object
   * whatever the drift, so plan-in-sync and plan-drifted send it the same requests.
   */
  readonly baselineFrom?: ScenarioName;
  readonly ratios: {
    readonly requestsPerMinimum: number;
    /** The same without the OpenID metadata requests, which Entra ID would not get. */
    readonly requestsPerMinimumWithoutDiscovery: number;
    readonly wallPerFloor: number;
    readonly wallPerFloorWithDiscovery: number;
    readonly wallPerBaseline?: number;
    readonly baselineRequestsPerMinimum?: number;
  };
  /** What the runs got wrong (a wrong plan, a failed request...): empty when all is well. */
  readonly problems: readonly string[];
}

export function operationOf(scenario: ScenarioName): OperationKind {
  return scenario === "apply-drifted" ? "apply" : "plan";
}

/** The scenario's tenants and collections as the model needs them, in the code's read order. */
export function shapeOf(scenario: Scenario, name: ScenarioName): TenantShape[] {
  const counting = name !== "plan-in-sync";
  const byTenant = new Map<string, Map<string, { objects: number; changes: number }>>();
  for (const object of scenario.objects) {
    const collections =
      byTenant.get(object.tenant) ?? new Map<string, { objects: number; changes: number }>();
    byTenant.set(object.tenant, collections);
    const collection = collections.get(object.kind) ?? { objects: 0, changes: 0 };
    collections.set(object.kind, collection);
    collection.objects++;
    if (counting && object.drifted) collection.changes++;
  }
  return scenario.tenants.map((tenant) => ({
    name: tenant.name,
    collections: [...(byTenant.get(tenant.name)?.values() ?? [])],
  }));
}

export function buildRow(input: {
  readonly scenario: Scenario;
  readonly name: ScenarioName;
  readonly schedule: Schedule;
  readonly moduleLoadMs: number;
  readonly tool: ToolFigures;
  readonly baseline?: BaselineFigures;
  readonly baselineFrom?: ScenarioName;
}): BenchRow {
  const { scenario, name, schedule, tool, baseline, baselineFrom } = input;
  const operation = operationOf(name);
  const shape = shapeOf(scenario, name);
  const minimum = minimumRequests(shape, operation, schedule.pageSize);
  const floor = latencyFloor(shape, operation, schedule);
  const floorWithDiscovery = latencyFloor(shape, operation, { ...schedule, signInRoundTrips: 2 });
  const changes = name === "plan-in-sync" ? 0 : scenario.driftedCount;
  return {
    tenants: scenario.tenants.length,
    scenario: name,
    objects: scenario.objects.length,
    changes,
    minimum,
    floor,
    floorWithDiscovery,
    moduleLoadMs: input.moduleLoadMs,
    tool,
    ...(baseline === undefined ? {} : { baseline }),
    ...(baselineFrom === undefined ? {} : { baselineFrom }),
    ratios: {
      requestsPerMinimum: totalRequests(tool.requests) / totalRequests(minimum),
      requestsPerMinimumWithoutDiscovery:
        (totalRequests(tool.requests) - tool.requests.discovery) / totalRequests(minimum),
      wallPerFloor: tool.wallMs / floor.totalMs,
      wallPerFloorWithDiscovery: tool.wallMs / floorWithDiscovery.totalMs,
      ...(baseline === undefined
        ? {}
        : {
            wallPerBaseline: tool.wallMs / baseline.wallMs,
            baselineRequestsPerMinimum: totalRequests(baseline.requests) / totalRequests(minimum),
          }),
    },
    // A shared baseline was checked against the scenario it ran for.
    problems: checkRow(
      name,
      changes,
      scenario.objects.length,
      tool,
      baselineFrom === undefined ? baseline : undefined,
    ),
  };
}

/** Whether the runs did the work right: a fast wrong answer is no answer. */
function checkRow(
  name: ScenarioName,
  changes: number,
  objects: number,
  tool: ToolFigures,
  baseline: BaselineFigures | undefined,
): string[] {
  const problems: string[] = [];
  const { outcome } = tool;
  if (outcome.problems > 0) problems.push(`the plan has ${outcome.problems} problem(s)`);
  if (outcome.changes !== changes)
    problems.push(`the plan has ${outcome.changes} change(s), the scenario ${changes}`);
  if (outcome.changes + outcome.unchanged !== objects)
    problems.push(
      `the plan accounts for ${outcome.changes + outcome.unchanged} of ${objects} objects`,
    );
  if (name === "apply-drifted") {
    const applied = outcome.applied;
    if (applied === undefined) problems.push("nothing was applied");
    else if (applied.changed !== changes || applied.total !== changes)
      problems.push(`apply changed ${applied.changed} of ${applied.total}, expected ${changes}`);
    else if (applied.failed + applied.notConverged + applied.stale + applied.skipped > 0)
      problems.push(`apply: ${JSON.stringify(applied)}`);
  }
  if (tool.requests.failed > 0) problems.push(`${tool.requests.failed} tool request(s) failed`);
  if (baseline !== undefined) {
    if (baseline.outcome.differing !== changes)
      problems.push(
        `the baseline found ${baseline.outcome.differing} difference(s), expected ${changes}`,
      );
    const patched = name === "apply-drifted" ? changes : 0;
    if (baseline.outcome.patched !== patched)
      problems.push(`the baseline patched ${baseline.outcome.patched}, expected ${patched}`);
    if (baseline.requests.failed > 0)
      problems.push(`${baseline.requests.failed} baseline request(s) failed`);
  }
  return problems;
}

/** A target of the issue, and whether this run met it. */
export interface TargetResult {
  readonly target: string;
  readonly met: boolean | "not measured";
  readonly detail: string;
}

export const TARGETS = {
  requestsPerMinimum: 1,
  wallPerFloor: 1.25,
  wallPerFloorFromTenants: 100,
  peakRssBytes: 250 * 1024 * 1024,
  peakRssAtTenants: 500,
  startupPerBare: 2,
} as const;

export function evaluateTargets(
  rows: readonly BenchRow[],
  startup?: StartupResult,
): TargetResult[] {
  const results: TargetResult[] = [];
  const overMinimum = rows.filter(
    (row) => row.ratios.requestsPerMinimum > TARGETS.requestsPerMinimum + 1e-9,
  );
  results.push({
    target: "requests / minimum = 1.00 for every scenario",
    met: rows.length === 0 ? "not measured" : overMinimum.length === 0,
    detail:
      overMinimum.length === 0
        ? "every scenario"
        : overMinimum
            .map((row) => `${row.tenants} ${row.scenario}: ${fixed(row.ratios.requestsPerMinimum)}`)
            .join("; "),
  });
  const large = rows.filter((row) => row.tenants >= TARGETS.wallPerFloorFromTenants);
  const slow = large.filter((row) => row.ratios.wallPerFloor > TARGETS.wallPerFloor);
  results.push({
    target: `wall / floor <= ${TARGETS.wallPerFloor} at ${TARGETS.wallPerFloorFromTenants}+ tenants`,
    met: large.length === 0 ? "not measured" : slow.length === 0,
    detail: large
      .map((row) => `${row.tenants} ${row.scenario}: ${fixed(row.ratios.wallPerFloor)}`)
      .join("; "),
  });
  const atScale = rows.filter((row) => row.tenants === TARGETS.peakRssAtTenants);
  const peak = Math.max(...atScale.map((row) => row.tool.peakRssBytes));
  results.push({
    target: `peak RSS < 250 MB at ${TARGETS.peakRssAtTenants} tenants`,
    met: atScale.length === 0 ? "not measured" : peak < TARGETS.peakRssBytes,
    detail: atScale
      .map((row) => `${row.scenario}: ${megabytes(row.tool.peakRssBytes)} MB`)
      .join("; "),
  });
  if (startup === undefined || startup.validate.length === 0) {
    results.push({
      target: "validate start-up within 2x bare node",
      met: "not measured",
      detail: "",
    });
  } else {
    for (const validate of startup.validate) {
      const ratio = validate.medianMs / startup.bare.medianMs;
      results.push({
        target: `${validate.label} start-up within ${TARGETS.startupPerBare}x bare node`,
        met: validate.exitCode !== 0 ? "not measured" : ratio <= TARGETS.startupPerBare,
        detail:
          validate.exitCode !== 0
            ? `exit ${validate.exitCode}: ${validate.error ?? ""}`
            : `${fixed(validate.medianMs, 0)} ms vs ${fixed(startup.bare.medianMs, 0)} ms: ${fixed(ratio)}x`,
      });
    }
  }
  return results;
}

/** The table the bench prints (also fit for a Markdown code block). */
export function renderTable(rows: readonly BenchRow[]): string {
  const header = [
    "tenants",
    "scenario",
    "token",
    "disc",
    "GET",
    "PATCH",
    "minimum t/G/P",
    "req/min",
    "-disc",
    "wall ms",
    "floor ms",
    "wall/floor",
    "+disc",
    "RSS MB",
    "base ms",
    "base GET/PATCH",
    "wall/base",
  ];
  const lines = rows.map((row) => [
    String(row.tenants),
    row.scenario,
    String(row.tool.requests.token),
    String(row.tool.requests.discovery),
    String(row.tool.requests.get),
    String(row.tool.requests.patch),
    `${row.minimum.token}/${row.minimum.get}/${row.minimum.patch}`,
    fixed(row.ratios.requestsPerMinimum),
    fixed(row.ratios.requestsPerMinimumWithoutDiscovery),
    fixed(row.tool.wallMs, 0),
    fixed(row.floor.totalMs, 0),
    fixed(row.ratios.wallPerFloor),
    fixed(row.ratios.wallPerFloorWithDiscovery),
    megabytes(row.tool.peakRssBytes),
    row.baseline === undefined
      ? "-"
      : `${row.baselineFrom === undefined ? "" : "*"}${fixed(row.baseline.wallMs, 0)}`,
    row.baseline === undefined
      ? "-"
      : `${row.baseline.requests.get}/${row.baseline.requests.patch}`,
    row.ratios.wallPerBaseline === undefined ? "-" : fixed(row.ratios.wallPerBaseline, 3),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column]!.length)),
  );
  const format = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        column < 2 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!),
      )
      .join("  ")
      .trimEnd();
  return [
    format(header),
    format(widths.map((width) => "-".repeat(width))),
    ...lines.map(format),
  ].join("\n");
}

export function fixed(value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : "-";
}

export function megabytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(0);
}
