/**
 * The emulator in a process of its own, as Graph is a server elsewhere: its memory and CPU are
 * not the tool's, and the tool's peak RSS measures the tool alone. Started by the bench with
 * `fork()`; answers `start`, `cpu` and `stop` over IPC and exits when its parent goes away.
 */
import https from "node:https";
import { startEmulator, type Emulator } from "../src/emulator/index.ts";
import { createChannel } from "./ipc.ts";
import { BENCH_APP, generateScenario, type Scenario, type ScenarioParameters } from "./scenario.ts";

export interface EmulatorStartParams {
  readonly scenario: ScenarioParameters;
  readonly latencyMs: number;
  readonly pageSize: number;
}

export interface EmulatorReady {
  readonly url: string;
  readonly caFile: string;
  /** Time to generate the seed and start serving it. */
  readonly startMs: number;
}

/** CPU the emulator process used so far, in milliseconds (user + system). */
export interface EmulatorCpu {
  readonly cpuMs: number;
}

const channel = createChannel(process);
let emulator: Emulator | undefined;

channel.serve("start", async (params) => {
  const { scenario, latencyMs, pageSize } = params as EmulatorStartParams;
  const started = performance.now();
  const generated = generateScenario(scenario);
  emulator = await startEmulator({ seed: generated.seed, latencyMs, pageSize });
  await warmUp(emulator, generated);
  return {
    url: emulator.url,
    caFile: emulator.caFile,
    startMs: performance.now() - started,
  } satisfies EmulatorReady;
});

/**
 * A few sign-ins and reads before anything is measured, then a reset: otherwise the first
 * scenario of each tenant count would also time the emulator's own JIT warm-up.
 */
async function warmUp(running: Emulator, scenario: Scenario): Promise<void> {
  const agent = new https.Agent({ keepAlive: true, ca: running.caPem });
  const send = (method: string, path: string, headers: Record<string, string>, body?: string) =>
    new Promise<string>((resolve, reject) => {
      const request = https.request(
        `${running.url}${path}`,
        { method, agent, headers },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
          response.on("error", reject);
        },
      );
      request.on("error", reject);
      request.end(body);
    });
  try {
    await Promise.all(
      scenario.tenants.slice(0, 16).map(async (tenant) => {
        await send("GET", `/${tenant.tenantId}/v2.0/.well-known/openid-configuration`, {});
        const form = new URLSearchParams({
          grant_type: "client_credentials",
          client_id: BENCH_APP.clientId,
          client_secret: BENCH_APP.secret,
          scope: "https://graph.microsoft.com/.default",
        }).toString();
        const answer = await send(
          "POST",
          `/${tenant.tenantId}/oauth2/v2.0/token`,
          { "content-type": "application/x-www-form-urlencoded" },
          form,
        );
        const token = (JSON.parse(answer) as { access_token?: string }).access_token ?? "";
        for (const collection of ["remoteAssistancePartners", "deviceManagementPartners"]) {
          await send("GET", `/beta/deviceManagement/${collection}`, {
            authorization: `Bearer ${token}`,
          });
        }
      }),
    );
  } finally {
    agent.destroy();
    running.reset();
  }
}

channel.serve("cpu", () => {
  const { user, system } = process.cpuUsage();
  return { cpuMs: (user + system) / 1000 } satisfies EmulatorCpu;
});

channel.serve("stop", async () => {
  await emulator?.close();
  emulator = undefined;
  // Exit after the reply has gone out.
  setImmediate(() => process.exit(0));
  return null;
});

// The bench died or closed the channel: do not linger.
process.on("disconnect", () => {
  void (emulator?.close() ?? Promise.resolve()).finally(() => process.exit(0));
});
