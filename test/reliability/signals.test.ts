import { spawn } from "node:child_process";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.ts";
import type { FaultRule } from "../../src/emulator/faults.ts";
import { CLI, emulatorEnv } from "../helpers/cli.ts";
import { EXAMPLE_TENANTS, tempConfig, type TempConfig } from "../helpers/config-dir.ts";
import { defaultSeedWithContosoPartners } from "../helpers/default-seed.ts";

/**
 * Ctrl-C and SIGTERM during the writes, to the CLI as a separate process (as a user or CI sends
 * them), against the emulator's fault rules. The promise: after the first signal no new attempt
 * starts (a wait before a retry is not a request in flight), requests on the wire get a short
 * grace, and the summary of what was and was not written is out within 5 s; a second signal quits
 * at once with 130.
 *
 * contoso holds 12 objects to change; 4 are written at a time, so when the signal comes 4 PATCHes
 * have been sent and 8 objects have not been started.
 */

const OBJECTS = 12;
const IN_FLIGHT = 4;
const PATCHES = /^\/beta\/deviceManagement\/remoteAssistancePartners\//.source;
/** The promise to CI: the summary within 5 s of the signal. */
const SUMMARY_WITHIN_MS = 5_000;

const partnerId = (index: number) => `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`;
const partnerName = (index: number) => `Partner ${String(index).padStart(2, "0")}`;

const seedWithManyPartners = () =>
  defaultSeedWithContosoPartners(([template]) =>
    Array.from({ length: OBJECTS }, (_, index) => ({
      ...template,
      id: partnerId(index + 1),
      displayName: partnerName(index + 1),
      onboardingStatus: "notOnboarded",
    })),
  );

const PARTNERS = Array.from(
  { length: OBJECTS },
  (_, index) => `
apiVersion: intune-gitops/v1
kind: RemoteAssistancePartner
metadata:
  name: partner-${index + 1}
  tenants: contoso
  match: { displayName: ${partnerName(index + 1)} }
spec:
  onboardingStatus: onboarded
`,
).join("---");

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Milliseconds from the first signal to the process's end. */
  readonly afterSignalMs: number;
  /** PATCH requests the emulator received after the first signal. */
  readonly patchesAfterSignal: number;
}

describe("Ctrl-C and SIGTERM during apply", () => {
  let emulator: Emulator;
  let config: TempConfig;

  beforeAll(async () => {
    emulator = await startEmulator({ seed: seedWithManyPartners() });
    config = tempConfig();
    config.write("tenants.yaml", EXAMPLE_TENANTS);
    config.write("partners.yaml", PARTNERS);
  });
  afterAll(async () => {
    config.cleanup();
    await emulator.close();
  });
  beforeEach(() => {
    emulator.reset();
  });

  const patches = () => emulator.requests.filter((entry) => entry.method === "PATCH");

  /**
   * Runs `apply --auto-approve` with every PATCH faulted, waits until `ready` says the first wave
   * of PATCHes is where the test wants it, sends the signals (the second `secondAfterMs` after
   * the first) and waits for the end, at most 10 s after the first signal.
   */
  async function interruptApply(options: {
    fault: FaultRule["fault"];
    ready: () => boolean;
    signal: NodeJS.Signals;
    secondAfterMs?: number;
  }): Promise<Exit> {
    emulator.setFaults([{ method: "PATCH", path: PATCHES, fault: options.fault }]);
    const child = spawn(
      process.execPath,
      [CLI, "apply", "--config", config.dir, "--tenant", "contoso", "--auto-approve"],
      {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          NO_PROXY: "127.0.0.1,localhost",
          NO_COLOR: "1",
          ...emulatorEnv(emulator),
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on("close", (code, signal) => resolve({ code, signal })),
    );
    const startedAt = performance.now();
    while (!options.ready()) {
      if (performance.now() - startedAt > 20_000) {
        child.kill("SIGKILL");
        throw new Error(`the PATCHes never came:\n${stdout}\n${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const patchesAtSignal = patches().length;
    const signalledAt = performance.now();
    child.kill(options.signal);
    if (options.secondAfterMs !== undefined) {
      setTimeout(() => child.kill(options.signal), options.secondAfterMs);
    }
    const giveUp = setTimeout(() => child.kill("SIGKILL"), 10_000);
    const { code, signal } = await closed;
    clearTimeout(giveUp);
    const exit: Exit = {
      code,
      signal,
      stdout,
      stderr,
      afterSignalMs: Math.round(performance.now() - signalledAt),
      patchesAfterSignal: patches().length - patchesAtSignal,
    };
    console.info(
      `${options.signal}${options.secondAfterMs === undefined ? "" : " twice"} with PATCH ${JSON.stringify(options.fault)}: exit ${code ?? signal} ${exit.afterSignalMs} ms after the signal, ${exit.patchesAfterSignal} PATCHes after it`,
    );
    return exit;
  }

  const answered = (status: number) => () =>
    patches().filter((entry) => entry.status === status).length >= IN_FLIGHT;

  it.each([
    ["SIGINT", 429, "30"],
    ["SIGTERM", 503, "20"],
  ] as const)(
    "%s while every PATCH is answered %i Retry-After: %s: no new attempt, the summary within 5 s",
    async (signal, status, retryAfter) => {
      const exit = await interruptApply({
        fault: { kind: "status", status, retryAfter },
        ready: answered(status),
        signal,
      });
      expect(exit.signal).toBeNull();
      expect(exit.afterSignalMs).toBeLessThan(SUMMARY_WITHIN_MS);
      expect(exit.patchesAfterSignal).toBe(0);
      expect(exit.code).toBe(1);
      expect(exit.stderr).toContain(`Received ${signal}`);
      expect(exit.stdout).toMatch(
        new RegExp(
          `Apply interrupted: 0 changed, ${IN_FLIGHT} failed, ${OBJECTS - IN_FLIGHT} skipped\\.`,
        ),
      );
      expect(exit.stdout).toContain("Not written (interrupted before it started):");
      expect(exit.stdout).toContain(
        status === 429
          ? "Interrupted before it was retried: Graph had answered 429 (throttled), so it was not written."
          : `Interrupted before it was retried (Graph had answered ${status})`,
      );
      expect(exit.stdout).toContain("not retried: stopping");
    },
  );

  it("SIGTERM while the PATCHes hang: they get a short grace, are reported with an unknown outcome, the summary within 5 s", async () => {
    const exit = await interruptApply({
      fault: { kind: "hang" },
      ready: () => patches().length >= IN_FLIGHT,
      signal: "SIGTERM",
    });
    expect(exit.signal).toBeNull();
    expect(exit.afterSignalMs).toBeLessThan(SUMMARY_WITHIN_MS);
    // The grace was given: not cancelled at once.
    expect(exit.afterSignalMs).toBeGreaterThanOrEqual(1_900);
    expect(exit.patchesAfterSignal).toBe(0);
    expect(exit.code).toBe(1);
    expect(exit.stdout).toMatch(
      new RegExp(
        `Apply interrupted: 0 changed, ${IN_FLIGHT} failed, ${OBJECTS - IN_FLIGHT} skipped\\.`,
      ),
    );
    expect(exit.stdout).toContain(
      "Interrupted while the PATCH was on the wire, so it may or may not have been applied",
    );
  });

  it("a second SIGINT quits at once with 130", async () => {
    const exit = await interruptApply({
      fault: { kind: "hang" },
      ready: () => patches().length >= IN_FLIGHT,
      signal: "SIGINT",
      secondAfterMs: 300,
    });
    expect(exit.signal).toBeNull();
    expect(exit.code).toBe(130);
    // Well before the first signal's grace ends.
    expect(exit.afterSignalMs).toBeLessThan(1_900);
    expect(exit.patchesAfterSignal).toBe(0);
  });
});
