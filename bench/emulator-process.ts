/**
 * The emulator in a process of its own, as Graph is a server elsewhere: its memory and CPU are
 * not the tool's, and the tool's peak RSS measures the tool alone. Started by the bench with
 * `fork()`; answers `start`, `cpu` and `stop` over IPC and exits when its parent goes away.
 */
import { startEmulator, type Emulator } from "../src/emulator/index.ts";
import { createChannel } from "./ipc.ts";
import { generateScenario, type ScenarioParameters } from "./scenario.ts";

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
  emulator = await startEmulator({
    seed: generateScenario(scenario).seed,
    latencyMs,
    pageSize,
  });
  return {
    url: emulator.url,
    caFile: emulator.caFile,
    startMs: performance.now() - started,
  } satisfies EmulatorReady;
});

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
