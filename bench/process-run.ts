/**
 * Runs a Node.js program as a process of its own and measures it as the operating system sees
 * it: wall time from spawn to exit, and the process's own CPU time and peak RSS, which it
 * reports as it exits (a one-line `--import` hook writes `process.resourceUsage()` to fd 3, so
 * nothing in the program under test changes and no platform tool such as GNU time is needed).
 */
import { spawn } from "node:child_process";
import type { Readable } from "node:stream";

/** The hook: at exit, the process's resource usage as JSON on file descriptor 3. */
const USAGE_HOOK =
  "data:text/javascript,import{writeSync}from'node:fs';" +
  "process.on('exit',()=>{try{writeSync(3,JSON.stringify(process.resourceUsage()))}catch{}})";

export interface ProcessFigures {
  readonly wallMs: number;
  /** User + system CPU of the process (all its threads), from its start to its exit. */
  readonly cpuMs: number;
  readonly peakRssBytes: number;
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ProcessRunOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Killed after this long (a hung run fails the bench rather than holding it forever). */
  readonly timeoutMs?: number;
}

export function runProcess(
  args: readonly string[],
  options: ProcessRunOptions,
): Promise<ProcessFigures> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ["--import", USAGE_HOOK, ...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe", "pipe"],
    });
    const stdout = collect(child.stdout);
    const stderr = collect(child.stderr);
    const usage = collect(child.stdio[3] as Readable | null);
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 10 * 60_000);
    child.on("error", reject);
    child.on("exit", (exitCode) => {
      const wallMs = performance.now() - started;
      clearTimeout(timer);
      // The pipes drain after the exit event: wait for them before reading.
      void Promise.all([stdout, stderr, usage]).then(([out, err, used]) => {
        let cpuMs = Number.NaN;
        let peakRssBytes = Number.NaN;
        try {
          const parsed = JSON.parse(used) as NodeJS.ResourceUsage;
          cpuMs = (parsed.userCPUTime + parsed.systemCPUTime) / 1000;
          peakRssBytes = parsed.maxRSS * 1024;
        } catch {
          // Killed before its exit handler ran: NaN says "not measured".
        }
        resolve({ wallMs, cpuMs, peakRssBytes, exitCode, stdout: out, stderr: err });
      }, reject);
    });
  });
}

function collect(stream: Readable | null): Promise<string> {
  if (stream === null) return Promise.resolve("");
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    stream.on("error", reject);
  });
}
