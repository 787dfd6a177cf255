/**
 * `npm run bench`: cost and speed at managed-service-provider scale.
 *
 * For each tenant count T, the emulator starts in a process of its own with T tenants (both
 * kinds, a few partners each, some drifted) and a per-request latency; then each scenario
 * (plan in sync, plan with drift, apply with drift) runs in a fresh worker process: the tool
 * through the CLI's own code path, then the per-resource baseline side by side. The bench
 * divides by the minimum requests and the latency floor (model.ts), checks that the runs did the
 * work right, prints a table and the targets, and writes everything as JSON.
 *
 * Timing targets are reported, never enforced: the exit code is 1 only when a run did the work
 * wrong (a wrong plan, a failed request) or could not run.
 */
import { fork, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_WRITE_BUDGET } from "../src/apply/write-budget.ts";
import type { EmulatorCpu, EmulatorReady, EmulatorStartParams } from "./emulator-process.ts";
import { createChannel, type Channel } from "./ipc.ts";
import type { ScenarioName, WorkerJob, WorkerResult } from "./jobs.ts";
import type { Schedule } from "./model.ts";
import { HELP, parseBenchOptions, type BenchOptions } from "./options.ts";
import {
  buildRow,
  evaluateTargets,
  fixed,
  megabytes,
  renderTable,
  type BenchRow,
} from "./report.ts";
import { generateScenario, type ScenarioParameters } from "./scenario.ts";
import { measureStartup, type StartupResult } from "./validate-startup.ts";

/** `readLiveState` and `applyPlan` work on 8 tenants at once unless told otherwise. */
const CODE_TENANT_CONCURRENCY = 8;
/** `applyPlan` sends up to 4 PATCHes at once per tenant. */
const CODE_WRITES_PER_TENANT = 4;

/** Far above any measurement's time (the 500-tenant baseline takes about a minute). */
const WORKER_TIMEOUT_MS = 10 * 60_000;

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..");

async function main(): Promise<number> {
  let options: BenchOptions | "help";
  try {
    options = parseBenchOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
    return 2;
  }
  if (options === "help") {
    process.stdout.write(HELP);
    return 0;
  }

  const startedAt = new Date();
  const benchStarted = performance.now();
  const machine = describeMachine();
  process.stderr.write(
    `bench: ${machine.cpus} x ${machine.cpuModel}, ${megabytes(machine.memoryBytes)} MB, Node ${machine.node}; ` +
      `load ${machine.loadAverage.join(" ")}; latency ${options.latencyMs} ms, tenants ${options.tenants.join(",")}\n`,
  );
  const schedule: Schedule = {
    latencyMs: options.latencyMs,
    pageSize: options.pageSize,
    tenantConcurrency: options.tenantConcurrency ?? CODE_TENANT_CONCURRENCY,
    writesPerTenant: CODE_WRITES_PER_TENANT,
    writeBudget: DEFAULT_WRITE_BUDGET,
  };

  const rows: BenchRow[] = [];
  const emulatorStarts: { tenants: number; startMs: number }[] = [];
  for (const tenants of options.tenants) {
    const parameters: ScenarioParameters = {
      tenants,
      remoteAssistancePartners: options.remoteAssistancePartners,
      deviceManagementPartners: options.deviceManagementPartners,
      driftFraction: options.driftFraction,
      randomSeed: options.randomSeed,
    };
    const scenario = generateScenario(parameters);
    const emulator = startChild("emulator-process.ts", {});
    try {
      const ready = await emulator.channel.call<EmulatorReady>("start", {
        scenario: parameters,
        latencyMs: options.latencyMs,
        pageSize: options.pageSize,
      } satisfies EmulatorStartParams);
      emulatorStarts.push({ tenants, startMs: ready.startMs });
      const results = new Map<ScenarioName, WorkerResult>();
      for (const name of options.scenarios) {
        const job: WorkerJob = {
          scenario: parameters,
          name,
          emulatorUrl: ready.url,
          baseline: options.baseline && sharedBaselineOf(name, options) === undefined,
          ...(options.tenantConcurrency === undefined
            ? {}
            : { tenantConcurrency: options.tenantConcurrency }),
        };
        results.set(name, await runWorker(job, ready.caFile, emulator.channel));
      }
      for (const [name, result] of results) {
        const from = sharedBaselineOf(name, options);
        const baseline = from === undefined ? result.baseline : results.get(from)?.baseline;
        const row = buildRow({
          scenario,
          name,
          schedule,
          moduleLoadMs: result.moduleLoadMs,
          tool: result.tool,
          ...(baseline === undefined ? {} : { baseline }),
          ...(from === undefined ? {} : { baselineFrom: from }),
        });
        rows.push(row);
        process.stderr.write(`${progressLine(row)}\n`);
      }
    } finally {
      await stopChild(emulator, "stop");
    }
  }

  let startup: StartupResult | undefined;
  if (options.validateRuns > 0) {
    process.stderr.write(`bench: validate start-up, ${options.validateRuns} runs each...\n`);
    startup = await measureStartup(options.validateRuns);
  }
  const targets = evaluateTargets(rows, startup);
  const durationMs = performance.now() - benchStarted;
  const loadAverageAtEnd = os.loadavg().map((load) => Number(load.toFixed(2)));

  const out = resolve(
    options.out ??
      resolve(ROOT, "bench/results", `bench-${startedAt.toISOString().replace(/[:.]/g, "-")}.json`),
  );
  mkdirSync(dirname(out), { recursive: true });
  const report = {
    formatVersion: 1,
    startedAt: startedAt.toISOString(),
    durationMs,
    machine: { ...machine, loadAverageAtEnd },
    options,
    schedule,
    emulatorStarts,
    rows,
    startup,
    targets,
  };
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);

  const problems = rows.flatMap((row) =>
    row.problems.map((problem) => `${row.tenants} ${row.scenario}: ${problem}`),
  );
  process.stdout.write(`\n${renderTable(rows)}\n\n`);
  if (startup) {
    process.stdout.write(
      `start-up (median of ${options.validateRuns}): node -e 0 ${fixed(startup.bare.medianMs, 0)} ms` +
        startup.validate
          .map((validate) =>
            validate.exitCode === 0
              ? `; ${validate.label} ${fixed(validate.medianMs, 0)} ms (${fixed(validate.medianMs / startup.bare.medianMs)}x)`
              : `; ${validate.label} FAILED (exit ${validate.exitCode}): ${validate.error ?? ""}`,
          )
          .join("") +
        "\n\n",
    );
  }
  process.stdout.write("targets:\n");
  for (const target of targets) {
    const mark = target.met === true ? "met   " : target.met === false ? "MISSED" : "n/a   ";
    process.stdout.write(
      `  ${mark} ${target.target}${target.detail ? `: ${target.detail}` : ""}\n`,
    );
  }
  if (problems.length > 0) {
    process.stdout.write(
      `\nthe runs did not do the work right:\n${problems.map((problem) => `  ${problem}`).join("\n")}\n`,
    );
  }
  process.stdout.write(
    `\nJSON: ${out}\nbench took ${fixed(durationMs / 1000, 1)} s; load average ${machine.loadAverage.join(" ")} at the start, ${loadAverageAtEnd.join(" ")} at the end (${machine.cpus} CPUs)\n`,
  );
  return problems.length > 0 ? 1 : 0;
}

/**
 * The scenario whose baseline run stands for this one's: plan-in-sync takes plan-drifted's, as
 * a per-resource plan sends the same requests (a GET per object) whatever the drift; measuring
 * it twice would cost a minute at 500 tenants. `--baseline-every-scenario` measures it anyway.
 */
function sharedBaselineOf(name: ScenarioName, options: BenchOptions): ScenarioName | undefined {
  if (options.baselineEveryScenario || name !== "plan-in-sync") return undefined;
  return options.scenarios.includes("plan-drifted") ? "plan-drifted" : undefined;
}

function progressLine(row: BenchRow): string {
  const requests = row.tool.requests;
  const baseline = row.baseline
    ? `; baseline ${fixed(row.baseline.wallMs, 0)} ms${row.baselineFrom === undefined ? "" : ` (${row.baselineFrom}'s)`} (x${fixed(row.ratios.wallPerBaseline ?? Number.NaN, 3)})`
    : "";
  return (
    `  ${String(row.tenants).padStart(4)} ${row.scenario.padEnd(13)} ` +
    `wall ${fixed(row.tool.wallMs, 0)} ms, floor ${fixed(row.floor.totalMs, 0)} ms (x${fixed(row.ratios.wallPerFloor)}); ` +
    `requests token ${requests.token} + discovery ${requests.discovery} + GET ${requests.get} + PATCH ${requests.patch} ` +
    `(x${fixed(row.ratios.requestsPerMinimum)} the minimum); RSS ${megabytes(row.tool.peakRssBytes)} MB${baseline}` +
    (row.problems.length > 0 ? `; PROBLEMS: ${row.problems.join("; ")}` : "")
  );
}

interface Child {
  readonly process: ChildProcess;
  readonly channel: Channel;
  readonly exited: Promise<number | null>;
}

/** A bench process (`fork`), with the environment loopback traffic needs. */
function startChild(script: string, env: Record<string, string>): Child {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NO_PROXY: "127.0.0.1,localhost", ...env };
  // Loopback traffic must never go through a proxy the environment may define.
  for (const name of ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"])
    delete childEnv[name];
  const child = fork(resolve(HERE, script), [], {
    cwd: ROOT,
    env: childEnv,
    execArgv: [],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<number | null>((resolveExit) =>
    child.on("exit", (code) => resolveExit(code)),
  );
  return { process: child, channel: createChannel(child), exited };
}

async function stopChild(child: Child, method?: string): Promise<void> {
  if (child.process.exitCode === null && child.process.connected) {
    if (method !== undefined) await child.channel.call(method).catch(() => undefined);
    if (child.process.connected) child.process.disconnect();
  }
  await child.exited;
  child.channel.close();
}

async function runWorker(job: WorkerJob, caFile: string, emulator: Channel): Promise<WorkerResult> {
  const worker = startChild("worker.ts", { NODE_EXTRA_CA_CERTS: caFile });
  worker.channel.serve("emulatorCpu", async () => (await emulator.call<EmulatorCpu>("cpu")).cpuMs);
  // A hung run fails the bench rather than holding it forever (the call rejects on exit).
  const timer = setTimeout(() => worker.process.kill("SIGKILL"), WORKER_TIMEOUT_MS);
  try {
    return await worker.channel.call<WorkerResult>("run", job);
  } finally {
    clearTimeout(timer);
    await stopChild(worker);
  }
}

function describeMachine() {
  const cpus = os.cpus();
  const git = (args: string[]) =>
    spawnSync("git", args, { cwd: ROOT, encoding: "utf8" }).stdout?.trim() ?? "";
  return {
    cpus: os.availableParallelism(),
    cpuModel: cpus[0]?.model ?? "unknown",
    memoryBytes: os.totalmem(),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    /** 1, 5 and 15 minute load averages when the bench started: a busy machine slows it. */
    loadAverage: os.loadavg().map((load) => Number(load.toFixed(2))),
    commit: git(["rev-parse", "--short", "HEAD"]),
    worktreeChanged: git(["status", "--porcelain", "--", "src"]) !== "",
  };
}

process.exitCode = await main();
