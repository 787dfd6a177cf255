/**
 * `validate` start-up: the wall time of `intune-gitops validate --config config-examples` from
 * spawn to exit, against `node -e 0` on the same machine. The commands are run alternately (so
 * that a busy moment hurts both) and compared by their medians.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface StartupCommand {
  readonly label: string;
  readonly args: readonly string[];
}

export interface StartupTiming {
  readonly label: string;
  readonly command: string;
  readonly runsMs: readonly number[];
  readonly medianMs: number;
  /** Exit code of the last run, and the start of its stderr when it failed. */
  readonly exitCode: number | null;
  readonly error?: string;
}

export interface StartupResult {
  readonly bare: StartupTiming;
  readonly validate: readonly StartupTiming[];
}

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** `validate` from the sources (what `node src/cli/bin.ts` runs) and, when built, from dist/. */
export function startupCommands(): StartupCommand[] {
  const commands: StartupCommand[] = [
    {
      label: "validate (sources)",
      args: ["src/cli/bin.ts", "validate", "--config", "config-examples"],
    },
  ];
  if (existsSync(`${ROOT}dist/bundle.cjs`)) {
    commands.push({
      label: "validate (built)",
      args: ["bin/intune-gitops.js", "validate", "--config", "config-examples"],
    });
  }
  return commands;
}

export async function measureStartup(runs: number): Promise<StartupResult> {
  const bare: StartupCommand = { label: "node -e 0", args: ["-e", "0"] };
  const commands = startupCommands();
  const samples = new Map<string, { ms: number[]; exitCode: number | null; error?: string }>();
  for (const command of [bare, ...commands]) samples.set(command.label, { ms: [], exitCode: 0 });
  // One unmeasured round first: the file system cache, not start-up, is what it would measure.
  for (let round = -1; round < runs; round++) {
    for (const command of [bare, ...commands]) {
      const run = await timeRun(command.args);
      if (round < 0) continue;
      const sample = samples.get(command.label)!;
      sample.ms.push(run.ms);
      sample.exitCode = run.exitCode;
      if (run.exitCode !== 0) sample.error = run.stderr.split("\n").slice(0, 3).join(" ").trim();
    }
  }
  const timing = (command: StartupCommand): StartupTiming => {
    const sample = samples.get(command.label)!;
    return {
      label: command.label,
      command: ["node", ...command.args].join(" "),
      runsMs: sample.ms,
      medianMs: median(sample.ms),
      exitCode: sample.exitCode,
      ...(sample.error === undefined ? {} : { error: sample.error }),
    };
  };
  return { bare: timing(bare), validate: commands.map(timing) };
}

function timeRun(
  args: readonly string[],
): Promise<{ ms: number; exitCode: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (exitCode) => resolve({ ms: performance.now() - started, exitCode, stderr }));
  });
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
