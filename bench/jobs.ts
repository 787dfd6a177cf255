/**
 * What the bench asks a worker process to measure, and what it answers. One worker per
 * (tenants, scenario): a fresh process, like one run of the CLI, so that its peak RSS is that
 * run's.
 */
import type { ApplySummary } from "../src/apply/model.ts";
import type { BaselineOutcome } from "./baseline.ts";
import type { RequestCounts } from "./model.ts";
import type { ScenarioParameters } from "./scenario.ts";

/** The three measured scenarios. */
export const SCENARIOS = ["plan-in-sync", "plan-drifted", "apply-drifted"] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface WorkerJob {
  readonly scenario: ScenarioParameters;
  readonly name: ScenarioName;
  readonly emulatorUrl: string;
  /** Tenants in flight (`concurrency` / `concurrentTenants`); undefined: the code's default. */
  readonly tenantConcurrency?: number;
  readonly baseline: boolean;
}

/** Wall time, CPU and requests of one run. */
export interface RunFigures {
  readonly wallMs: number;
  /** CPU of the measuring process (the tool's, or the baseline's) during the run. */
  readonly cpuMs: number;
  /** CPU of the emulator process during the run. */
  readonly emulatorCpuMs: number;
  readonly requests: RequestCounts;
}

/** What the tool's run produced, checked by the bench against the scenario. */
export interface ToolOutcome {
  readonly changes: number;
  readonly unchanged: number;
  readonly problems: number;
  readonly applied?: ApplySummary;
}

/** Where the time of the tool's run went (milliseconds from its start). */
export interface ToolPhases {
  /** Reading the tenants and planning (for an apply: until the plan exists). */
  readonly planMs: number;
  /** Apply only: the stale check, the writes, the read-back. */
  readonly checkMs?: number;
  readonly writeMs?: number;
  readonly verifyMs?: number;
  /** Per tenant, from its read starting (sign-in included) to its last collection read. */
  readonly tenantReadMs: { readonly mean: number; readonly p95: number; readonly max: number };
}

export interface ToolFigures extends RunFigures {
  /** `process.resourceUsage().maxRSS` after the run: the process's peak, start-up included. */
  readonly peakRssBytes: number;
  readonly heapUsedBytes: number;
  readonly outcome: ToolOutcome;
  readonly phases: ToolPhases;
}

export interface BaselineFigures extends RunFigures {
  readonly outcome: BaselineOutcome;
  /** The sign-ins made for the baseline before its clock started (not in `requests`). */
  readonly signInRequests: RequestCounts;
}

export interface WorkerResult {
  /** Loading the Graph and auth modules (`@azure/identity`), before the clock starts. */
  readonly moduleLoadMs: number;
  readonly tool: ToolFigures;
  readonly baseline?: BaselineFigures;
}
