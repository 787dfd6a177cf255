/**
 * One measurement, in a fresh process started by the bench (`fork`): the tool's run of one
 * scenario through the same code the CLI runs (`planTenants`, then `applyPlan` for an apply,
 * with a real ClientSecretCredential against the emulator's token endpoint), then the baseline
 * doing the same work its own way, side by side in this process.
 *
 * The emulator is another process (see emulator-process.ts); this process trusts its CA through
 * NODE_EXTRA_CA_CERTS, as the CLI does, rather than the in-process `ca` option.
 */
import { applyPlan } from "../src/apply/applier.ts";
import { forEachLimited } from "../src/for-each-limited.ts";
import type { ApplyEvent, ApplyResult } from "../src/apply/model.ts";
import type { DesiredState } from "../src/config/model.ts";
import type { ReadProgressEvent } from "../src/graph/read-live.ts";
import type { ConnectionSettings } from "../src/operations/connections.ts";
import { planTenants } from "../src/operations/plan-operation.ts";
import { runBaseline } from "./baseline.ts";
import { createChannel } from "./ipc.ts";
import type { BaselineFigures, ToolFigures, ToolPhases, WorkerJob, WorkerResult } from "./jobs.ts";
import { countRequests, emulatorAdmin } from "./requests.ts";
import { BENCH_APP, generateScenario, type Scenario } from "./scenario.ts";

const channel = createChannel(process);
channel.serve("run", (job) => runJob(job as WorkerJob));
process.on("disconnect", () => process.exit(0));

async function runJob(job: WorkerJob): Promise<WorkerResult> {
  const scenario = generateScenario(job.scenario);
  const admin = emulatorAdmin(job.emulatorUrl);
  const settings: ConnectionSettings = {
    env: {
      [BENCH_APP.secretEnv]: BENCH_APP.secret,
      INTUNE_GITOPS_GRAPH_URL: job.emulatorUrl,
      AZURE_AUTHORITY_HOST: job.emulatorUrl,
    },
    configDir: process.cwd(),
    allowCustomEndpoint: false,
  };

  // The CLI loads these on the first sign-in; loaded here so that the clock measures the run.
  const loadStarted = performance.now();
  const { connectTenant } = await import("../src/graph/connect.ts");
  await import("@azure/identity");
  const moduleLoadMs = performance.now() - loadStarted;

  await admin.reset();
  const tool = await runTool(job, scenario, settings, admin);

  let baseline: BaselineFigures | undefined;
  if (job.baseline) {
    await admin.reset(); // the seed again: the baseline finds the same drift
    // Sign in to every tenant before the clock starts (the same app and token endpoint).
    const providers = new Map<string, { getAccessToken(): Promise<string> }>();
    await forEachLimited(scenario.tenants, 16, async (tenant) => {
      const connection = await connectTenant(tenant, {
        ...settings,
        operation: job.name === "apply-drifted" ? "write" : "read",
        graphVersions: ["beta"],
      });
      providers.set(tenant.name, connection.tokenProvider);
      connection.client.close();
    });
    const signInRequests = countRequests(await admin.requests());
    await admin.reset();
    const desired = job.name === "plan-in-sync" ? scenario.desiredInSync : scenario.desired;
    const byObject = new Map(
      desired.objects.map((object) => [
        `${object.tenant}/${object.kind}/${object.name}`,
        object.spec,
      ]),
    );
    const measured = await measure(() =>
      runBaseline(scenario.objects, {
        graphUrl: job.emulatorUrl,
        tokenFor: (tenant) => providers.get(tenant)!.getAccessToken(),
        write: job.name === "apply-drifted",
        desiredOf: (object) => byObject.get(`${object.tenant}/${object.kind}/${object.name}`)!,
      }),
    );
    baseline = {
      wallMs: measured.wallMs,
      cpuMs: measured.cpuMs,
      emulatorCpuMs: measured.emulatorCpuMs,
      requests: countRequests(await admin.requests()),
      outcome: measured.value,
      signInRequests,
    };
  }
  return { moduleLoadMs, tool, ...(baseline === undefined ? {} : { baseline }) };
}

async function runTool(
  job: WorkerJob,
  scenario: Scenario,
  settings: ConnectionSettings,
  admin: ReturnType<typeof emulatorAdmin>,
): Promise<ToolFigures> {
  const desired: DesiredState =
    job.name === "plan-in-sync" ? scenario.desiredInSync : scenario.desired;
  const tenantStarts = new Map<string, number>();
  const tenantEnds = new Map<string, number>();
  let started = 0;
  const onReadProgress = (event: ReadProgressEvent) => {
    const at = performance.now() - started;
    if (event.type === "tenant-start") tenantStarts.set(event.tenant, at);
    else tenantEnds.set(event.tenant, at);
  };
  const marks: Partial<Record<ApplyEvent["type"], number>> = {};
  let planMs = 0;

  const measured = await measure(async () => {
    started = performance.now();
    const run = await planTenants(desired, {
      ...settings,
      tenants: scenario.tenants.map((tenant) => tenant.name),
      operation: job.name === "apply-drifted" ? "write" : "read",
      onReadProgress,
      ...(job.tenantConcurrency === undefined ? {} : { concurrency: job.tenantConcurrency }),
    });
    planMs = performance.now() - started;
    let applied: ApplyResult | undefined;
    if (job.name === "apply-drifted" && run.plan.changes.length > 0) {
      applied = await applyPlan(run.plan, {
        clientFor: run.clientFor,
        ...(job.tenantConcurrency === undefined
          ? {}
          : { concurrentTenants: job.tenantConcurrency }),
        onEvent: (event) => {
          marks[event.type] ??= performance.now() - started;
        },
      });
    }
    return { plan: run.plan, applied };
  });
  const usage = process.resourceUsage();
  const memory = process.memoryUsage();
  const { plan, applied } = measured.value;

  const tenantReads = [...tenantStarts].map(
    ([tenant, start]) => (tenantEnds.get(tenant) ?? start) - start,
  );
  const phases: ToolPhases = {
    planMs,
    ...(applied === undefined
      ? {}
      : {
          checkMs: (marks["write-started"] ?? measured.wallMs) - planMs,
          writeMs:
            (marks["verify-started"] ?? measured.wallMs) -
            (marks["write-started"] ?? measured.wallMs),
          verifyMs: measured.wallMs - (marks["verify-started"] ?? measured.wallMs),
        }),
    tenantReadMs: summary(tenantReads),
  };
  return {
    wallMs: measured.wallMs,
    cpuMs: measured.cpuMs,
    emulatorCpuMs: measured.emulatorCpuMs,
    requests: countRequests(await admin.requests()),
    peakRssBytes: usage.maxRSS * 1024,
    heapUsedBytes: memory.heapUsed,
    outcome: {
      changes: plan.changes.length,
      unchanged: plan.unchangedCount,
      problems: plan.problems.length,
      ...(applied === undefined ? {} : { applied: applied.summary }),
    },
    phases,
  };
}

/** Runs `work` and measures wall time, this process's CPU and the emulator's CPU. */
async function measure<T>(
  work: () => Promise<T>,
): Promise<{ value: T; wallMs: number; cpuMs: number; emulatorCpuMs: number }> {
  const emulatorBefore = await channel.call<number>("emulatorCpu");
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const value = await work();
  const wallMs = performance.now() - wallBefore;
  const cpu = process.cpuUsage(cpuBefore);
  const emulatorAfter = await channel.call<number>("emulatorCpu");
  return {
    value,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    emulatorCpuMs: emulatorAfter - emulatorBefore,
  };
}

function summary(values: readonly number[]): ToolPhases["tenantReadMs"] {
  if (values.length === 0) return { mean: 0, p95: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  return {
    mean: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
    p95: sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)]!,
    max: sorted.at(-1)!,
  };
}
