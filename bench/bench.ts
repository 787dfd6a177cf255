/**
 * `npm run bench`: the whole CLI at fleet scale, against a physical floor and a real peer.
 *
 * For each tenant count T, the emulator starts in a process of its own with T tenants (both
 * kinds, a few partners each, some drifted) and a per-request latency, and the configuration is
 * written as YAML files on disk. Then, side by side in one run:
 * - the CLI as a user runs it (`node bin/intune-gitops.js plan|apply`, the built dist/), one
 *   process per run, measured from spawn to exit: wall time, its CPU time and its peak RSS;
 * - the physical floor: the latency critical path with unbounded concurrency (model.ts) plus the
 *   CPU the work needs, measured (bare node's start-up and a minimal reader, floor-probe.ts);
 * - the peer model (peer-tenant.ts): one tenant per process run, in sequence, each request on a
 *   new TLS connection, one GET per collection, as IntuneCD reads these objects.
 * It checks that every run did the work right, prints a table and the targets, writes JSON and
 * rewrites the generated section of bench/RESULTS.md.
 *
 * Timing targets are reported, never enforced: the exit code is 1 only when a run did the work
 * wrong (a wrong plan, a failed request) or could not run.
 */
import { fork, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as prettier from "prettier";
import { writeConfiguration } from "./config-files.ts";
import type { EmulatorCpu, EmulatorReady, EmulatorStartParams } from "./emulator-process.ts";
import { createChannel, type Channel } from "./ipc.ts";
import type { PeerFigures, ProcessSample, ScenarioName, ToolFigures, ToolOutcome } from "./jobs.ts";
import { evenlySpaced } from "./model.ts";
import { HELP, parseBenchOptions, type BenchOptions } from "./options.ts";
import { runProcess, type ProcessFigures } from "./process-run.ts";
import {
  buildRow,
  evaluateTargets,
  fixed,
  megabytes,
  physicalFloor,
  physicalSchedule,
  renderTable,
  type BenchRow,
} from "./report.ts";
import { countRequests, emulatorAdmin, type EmulatorAdmin } from "./requests.ts";
import { renderResultsSection, replaceGeneratedSection } from "./results-file.ts";
import { BENCH_APP, generateScenario, type Scenario, type ScenarioParameters } from "./scenario.ts";
import { median, measureStartup, type StartupResult } from "./validate-startup.ts";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..");
const CLI_ENTRY_POINTS: Readonly<Record<string, string>> = {
  built: resolve(ROOT, "bin/intune-gitops.js"),
  sources: resolve(ROOT, "src/cli/bin.ts"),
};

async function main(): Promise<number> {
  let options: BenchOptions | "help";
  try {
    options = parseBenchOptions(process.argv.slice(2), resolve(ROOT, "bench/RESULTS.md"));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
    return 2;
  }
  if (options === "help") {
    process.stdout.write(HELP);
    return 0;
  }
  const cli = CLI_ENTRY_POINTS[options.cli] ?? resolve(options.cli);
  if (spawnSync(process.execPath, [cli, "--version"]).status !== 0) {
    process.stderr.write(
      `bench: ${cli} does not run${options.cli === "built" ? ": run `npm run build` (or `npm ci`) first" : ""}\n`,
    );
    return 2;
  }

  const startedAt = new Date();
  const benchStarted = performance.now();
  const machine = describeMachine();
  process.stderr.write(
    `bench: ${machine.cpus} x ${machine.cpuModel}, ${megabytes(machine.memoryBytes)} MB, Node ${machine.node}; ` +
      `load ${machine.loadAverage.join(" ")}; latency ${options.latencyMs} ms, tenants ${options.tenants.join(",")}\n`,
  );
  const schedule = physicalSchedule(options.latencyMs, options.pageSize);
  const workDir = mkdtempSync(join(os.tmpdir(), "intune-gitops-bench-"));
  const rows: BenchRow[] = [];
  try {
    const startupCpuMs = await bareNodeCpuMs(workDir);
    for (const tenants of options.tenants) {
      rows.push(
        ...(await measureTenantCount(cli, tenants, options, workDir, schedule, startupCpuMs)),
      );
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
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
    formatVersion: 2,
    startedAt: startedAt.toISOString(),
    durationMs,
    machine: { ...machine, loadAverageAtEnd },
    options,
    rows,
    startup,
    targets,
  };
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  if (options.results !== undefined) {
    const section = renderResultsSection(report);
    const text = replaceGeneratedSection(readOptional(options.results), section);
    // Formatted as the repository's `prettier --check` wants it, so a bench run keeps it green.
    const config = await prettier.resolveConfig(options.results);
    writeFileSync(
      options.results,
      await prettier.format(text, { ...config, filepath: options.results }),
    );
  }

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
    `\nJSON: ${out}${options.results === undefined ? "" : `; Markdown: ${options.results}`}\n` +
      `bench took ${fixed(durationMs / 1000, 1)} s; load average ${machine.loadAverage.join(" ")} at the start, ` +
      `${loadAverageAtEnd.join(" ")} at the end (${machine.cpus} CPUs)\n`,
  );
  return problems.length > 0 ? 1 : 0;
}

/** Every measurement at one tenant count, against one emulator. */
async function measureTenantCount(
  cli: string,
  tenants: number,
  options: BenchOptions,
  workDir: string,
  schedule: ReturnType<typeof physicalSchedule>,
  startupCpuMs: number,
): Promise<BenchRow[]> {
  const parameters: ScenarioParameters = {
    tenants,
    remoteAssistancePartners: options.remoteAssistancePartners,
    deviceManagementPartners: options.deviceManagementPartners,
    driftFraction: options.driftFraction,
    randomSeed: options.randomSeed,
  };
  const scenario = generateScenario(parameters);
  const configs = {
    drifted: join(workDir, `config-${tenants}`),
    inSync: join(workDir, `config-${tenants}-in-sync`),
  };
  writeConfiguration(scenario, configs.drifted, false);
  if (options.scenarios.includes("plan-in-sync"))
    writeConfiguration(scenario, configs.inSync, true);

  const emulator = startChild("emulator-process.ts");
  try {
    const ready = await emulator.channel.call<EmulatorReady>("start", {
      scenario: parameters,
      latencyMs: options.latencyMs,
      pageSize: options.pageSize,
    } satisfies EmulatorStartParams);
    const ca = readFileSync(ready.caFile, "utf8");
    const admin = emulatorAdmin(ready.url, ca);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NO_COLOR: "1",
      NO_PROXY: "127.0.0.1,localhost",
      NODE_EXTRA_CA_CERTS: ready.caFile,
      INTUNE_GITOPS_GRAPH_URL: ready.url,
      AZURE_AUTHORITY_HOST: ready.url,
      [BENCH_APP.secretEnv]: BENCH_APP.secret,
    };
    const emulatorCpu = async () => (await emulator.channel.call<EmulatorCpu>("cpu")).cpuMs;

    await admin.reset();
    const probe = await runProcess(
      ["bench/floor-probe.ts", configs.drifted, ready.url, String(options.floorProbeMax)],
      { cwd: ROOT, env },
    );
    const probed = probeCpu(probe);

    let peer: PeerFigures | undefined;
    if (tenants <= options.peerMaxTenants) {
      await admin.reset();
      peer = await runPeer(scenario, configs.drifted, ready.url, env, admin, options.peerSample);
    }

    const rows: BenchRow[] = [];
    for (const name of options.scenarios) {
      const dir = name === "plan-in-sync" ? configs.inSync : configs.drifted;
      const tool = await runTool(cli, name, dir, options.repeat, env, admin, emulatorCpu);
      const row = buildRow({
        scenario,
        name,
        pageSize: options.pageSize,
        tool: tool.figures,
        floor: physicalFloor(scenario, name, schedule, { startupCpuMs, ...probed }),
        ...(peer !== undefined && name === "plan-drifted" ? { peer } : {}),
      });
      const outcomeProblems = tool.outcomeProblems;
      const checked =
        outcomeProblems.length === 0
          ? row
          : { ...row, problems: [...row.problems, ...outcomeProblems] };
      rows.push(checked);
      process.stderr.write(`${progressLine(checked)}\n`);
    }
    return rows;
  } finally {
    await stopChild(emulator, "stop");
  }
}

/** The CLI, `repeat` times from a reset emulator; medians of wall and CPU, the largest RSS. */
async function runTool(
  cli: string,
  name: ScenarioName,
  configDir: string,
  repeat: number,
  env: NodeJS.ProcessEnv,
  admin: EmulatorAdmin,
  emulatorCpu: () => Promise<number>,
): Promise<{ figures: ToolFigures; outcomeProblems: string[] }> {
  const args =
    name === "apply-drifted"
      ? [cli, "apply", "--config", configDir, "--auto-approve", "--format", "json"]
      : [cli, "plan", "--config", configDir, "--format", "json", "--detailed-exitcode"];
  const runs: ProcessSample[] = [];
  const emulatorCpuMs: number[] = [];
  let last: ProcessFigures | undefined;
  for (let run = 0; run < repeat; run++) {
    await admin.reset();
    const before = await emulatorCpu();
    last = await runProcess(args, { cwd: ROOT, env });
    emulatorCpuMs.push((await emulatorCpu()) - before);
    runs.push({ wallMs: last.wallMs, cpuMs: last.cpuMs, peakRssBytes: last.peakRssBytes });
  }
  if (last === undefined) throw new Error("repeat must be at least 1");
  const requests = countRequests(await admin.requests());
  const outcome = outcomeOf(name, last);
  return {
    figures: {
      wallMs: median(runs.map((sample) => sample.wallMs)),
      cpuMs: median(runs.map((sample) => sample.cpuMs)),
      peakRssBytes: Math.max(...runs.map((sample) => sample.peakRssBytes)),
      runs,
      emulatorCpuMs: median(emulatorCpuMs),
      requests,
      outcome,
    },
    outcomeProblems: Number.isNaN(last.cpuMs) ? ["the CLI's resource usage was not reported"] : [],
  };
}

/** What the CLI's JSON output says it did. */
function outcomeOf(name: ScenarioName, run: ProcessFigures): ToolOutcome {
  const failed = (error: string): ToolOutcome => ({
    exitCode: run.exitCode,
    changes: -1,
    unchanged: -1,
    problems: -1,
    error: `${error}; stderr: ${run.stderr.slice(0, 400)}`,
  });
  let document: any;
  try {
    document = JSON.parse(run.stdout);
  } catch {
    return failed("no JSON on stdout");
  }
  if (name === "apply-drifted") {
    const summary = document.summary ?? {};
    const total = Number(summary.total);
    return {
      exitCode: run.exitCode,
      changes: total,
      // apply's JSON lists the changed objects only; the plan's count is checked by the plans.
      unchanged: Number.NaN,
      problems: 0,
      applied: {
        changed: Number(summary.changed),
        notDone:
          Number(summary.failed) +
          Number(summary.skipped) +
          Number(summary.stale) +
          Number(summary.not_converged),
      },
    };
  }
  return {
    exitCode: run.exitCode,
    changes: Number(document.summary?.to_change),
    unchanged: Number(document.summary?.unchanged),
    problems: Number(document.summary?.errors),
  };
}

/** The floor probe's own work CPU and the tenants it read; NaN when it failed. */
function probeCpu(probe: ProcessFigures): { workCpuMs: number; probedTenants: number } {
  if (probe.exitCode !== 0) {
    process.stderr.write(`bench: the floor probe failed: ${probe.stderr.slice(0, 400)}\n`);
    return { workCpuMs: Number.NaN, probedTenants: Number.NaN };
  }
  const printed = JSON.parse(probe.stdout) as { workCpuMs: number; probedTenants: number };
  return { workCpuMs: Number(printed.workCpuMs), probedTenants: Number(printed.probedTenants) };
}

/** The peer model: one process per tenant file, one after the other (see PeerFigures). */
async function runPeer(
  scenario: Scenario,
  configDir: string,
  url: string,
  env: NodeJS.ProcessEnv,
  admin: EmulatorAdmin,
  sample: number,
): Promise<PeerFigures> {
  const all = scenario.tenants.map((tenant) => tenant.name);
  const ran = evenlySpaced(all, sample);
  const scale = all.length / ran.length;
  let cpuMs = 0;
  let peakRssBytes = 0;
  let differing = 0;
  let failedRuns = 0;
  const started = performance.now();
  for (const tenant of ran) {
    const file = join(configDir, "tenants", `${tenant}.yaml`);
    const run = await runProcess(["bench/peer-tenant.ts", file, url], { cwd: ROOT, env });
    cpuMs += run.cpuMs;
    peakRssBytes = Math.max(peakRssBytes, run.peakRssBytes);
    if (run.exitCode === 0) differing += Number(run.stdout.trim());
    else failedRuns++;
  }
  const wallMs = performance.now() - started;
  const counted = countRequests(await admin.requests());
  const ranSet = new Set(ran);
  return {
    wallMs: wallMs * scale,
    cpuMs: cpuMs * scale,
    peakRssBytes,
    runs: ran.length,
    scale,
    requests: {
      token: counted.token * scale,
      discovery: counted.discovery * scale,
      get: counted.get * scale,
      patch: counted.patch * scale,
      audit: counted.audit * scale,
      other: counted.other * scale,
      failed: counted.failed * scale,
    },
    differing,
    expectedDiffering: scenario.objects.filter(
      (object) => object.drifted && ranSet.has(object.tenant),
    ).length,
    failedRuns,
  };
}

/** CPU of `node -e 0` from start to exit (median of 5): the start-up any Node program pays. */
async function bareNodeCpuMs(cwd: string): Promise<number> {
  const samples: number[] = [];
  for (let run = 0; run < 5; run++) {
    samples.push((await runProcess(["-e", "0"], { cwd, env: { PATH: process.env.PATH } })).cpuMs);
  }
  return median(samples);
}

function progressLine(row: BenchRow): string {
  const { requests } = row.tool;
  const peer = row.peer
    ? `; peer ${fixed(row.peer.wallMs, 0)} ms (${fixed(row.ratios.speedupOverPeer ?? Number.NaN, 1)}x)`
    : "";
  return (
    `  ${String(row.tenants).padStart(4)} ${row.scenario.padEnd(13)} ` +
    `wall ${fixed(row.tool.wallMs, 0)} ms, CPU ${fixed(row.tool.cpuMs, 0)} ms, RSS ${megabytes(row.tool.peakRssBytes)} MB; ` +
    `floor ${fixed(row.floor.totalMs, 0)} ms (x${fixed(row.ratios.wallPerFloor)}); ` +
    `requests token ${requests.token} + discovery ${requests.discovery} + GET ${requests.get} + PATCH ${requests.patch} + audit ${requests.audit}` +
    peer +
    (row.problems.length > 0 ? `; PROBLEMS: ${row.problems.join("; ")}` : "")
  );
}

interface Child {
  readonly process: ChildProcess;
  readonly channel: Channel;
  readonly exited: Promise<number | null>;
}

/** A bench process (`fork`), with the environment loopback traffic needs. */
function startChild(script: string): Child {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NO_PROXY: "127.0.0.1,localhost" };
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

function readOptional(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
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
