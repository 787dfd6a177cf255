/** What the bench measures, and the figures each measurement gives. */
import type { RequestCounts } from "./model.ts";

/** The measured scenarios: `plan` against a drifted or in-sync tenant, `apply` of the drift. */
export const SCENARIOS = ["plan-drifted", "plan-in-sync", "apply-drifted"] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** One measurement of processes: the CLI's run, or the peer model's runs together. */
export interface ProcessSample {
  readonly wallMs: number;
  /** CPU of the measured process(es), user + system, start-up included. */
  readonly cpuMs: number;
  /** The largest peak RSS of the measured process(es). */
  readonly peakRssBytes: number;
}

/** What the CLI's runs produced, checked by the bench against the scenario. */
export interface ToolOutcome {
  readonly exitCode: number | null;
  readonly changes: number;
  readonly unchanged: number;
  readonly problems: number;
  /** apply only: objects changed, and objects not changed as planned (failed, stale...). */
  readonly applied?: { readonly changed: number; readonly notDone: number };
  /** The start of stderr when the run failed. */
  readonly error?: string;
}

export interface ToolFigures extends ProcessSample {
  /** Every run, in order (the figures above are their medians; RSS their maximum). */
  readonly runs: readonly ProcessSample[];
  /** CPU of the emulator process during the runs, per run (median). */
  readonly emulatorCpuMs: number;
  /** What the emulator received in the last run. */
  readonly requests: RequestCounts;
  readonly outcome: ToolOutcome;
}

/** The physical floor: see model.ts and floor-probe.ts. */
export interface FloorFigures {
  /** The latency critical path with unbounded concurrency. */
  readonly latencyMs: number;
  /** CPU the work needs: bare node's start-up plus the minimal reader's work, measured. */
  readonly cpuMs: number;
  readonly startupCpuMs: number;
  /** The minimal reader's CPU, scaled to all T tenants when it read a sample of them. */
  readonly workCpuMs: number;
  /**
   * Tenants the floor probe read: above `--floor-probe-max` an evenly spaced sample, whose CPU
   * is scaled by `probeScale` = T / probedTenants (the reader's work is per tenant).
   */
  readonly probedTenants: number;
  readonly probeScale: number;
  readonly totalMs: number;
}

/**
 * The peer model over all T tenants. Its runs are independent and in sequence, so its time is
 * the sum of theirs: above `--peer-sample` tenants it runs an evenly spaced sample of tenants and
 * scales the sums (wall, CPU, requests) by `scale` = T / runs. `scale` is 1 when every tenant ran.
 */
export interface PeerFigures extends ProcessSample {
  /** Processes run (one per tenant). */
  readonly runs: number;
  readonly scale: number;
  /** Requests of the runs, scaled to T tenants. */
  readonly requests: RequestCounts;
  /** Objects whose declared properties differ, summed over the runs (not scaled). */
  readonly differing: number;
  /** Drifted objects in the tenants that ran: what `differing` must be. */
  readonly expectedDiffering: number;
  readonly failedRuns: number;
}
