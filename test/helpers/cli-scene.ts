import { beforeEach } from "vitest";
import type { Emulator, EmulatorOptions } from "../../src/emulator/index.ts";
import type { RequestLogEntry } from "../../src/emulator/request-log.ts";
import { emulatorEnv, runCli, useEmulator, type CliRun } from "./cli.ts";
import { tempConfig, type TempConfig } from "./config-dir.ts";

/** The scene of a CLI test against the emulator; see `useCliScene`. */
export interface CliScene {
  readonly emulator: () => Emulator;
  /** This test's configuration folder: a fresh copy of config-examples/. */
  readonly work: () => TempConfig;
  /** `intune-gitops ...args` in the work folder, signed in as the emulator's demo app; `env` adds. */
  readonly cli: (args: readonly string[], env?: NodeJS.ProcessEnv) => Promise<CliRun>;
  /** The Graph requests the emulator got (sign-in left out), only `method`'s when given. */
  readonly graphRequests: (method?: string) => RequestLogEntry[];
}

/**
 * What the CLI's end-to-end tests share: one emulator for the file (reset before each test), a
 * fresh copy of the examples per test, and the CLI run in it as a user runs it. Call it inside
 * `describe`, before the file's own `beforeEach` (hooks run in the order they are declared).
 */
export function useCliScene(
  options: { readonly emulator?: EmulatorOptions; readonly timeoutMs?: number } = {},
): CliScene {
  const emulator = useEmulator(options.emulator);
  let current: TempConfig | undefined;
  beforeEach(() => {
    current?.cleanup();
    current = tempConfig({ fromExamples: true });
  });
  const work = (): TempConfig => {
    if (current === undefined) throw new Error("useCliScene: work() is for tests, not set-up");
    return current;
  };
  return {
    emulator,
    work,
    cli: (args, env = {}) =>
      runCli(args, {
        env: { ...emulatorEnv(emulator()), ...env },
        cwd: work().dir,
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      }),
    graphRequests: (method) =>
      emulator().requests.filter(
        (request) =>
          request.kind === "graph" && (method === undefined || request.method === method),
      ),
  };
}
