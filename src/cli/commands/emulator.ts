import { closeSync, openSync, readFileSync } from "node:fs";
import { devNull } from "node:os";
import { resolve } from "node:path";
import { UsageError } from "../../errors.ts";
import { parseGraphCapture } from "../../graph-capture.ts";
import { ExitError } from "../exit-error.ts";
import type { Command, OptionValues } from "../command.ts";

const HELP = `Usage: intune-gitops emulator [--port N] [--seed FILE] [--patch-status 200|204]
                              [--page-size N] [--latency-ms N] [--faults FILE] [--replay FILE]

Start a local Microsoft Graph for intune-gitops: HTTPS on 127.0.0.1 only, with a certificate
signed by a CA made for this run, the Entra ID token endpoint (client secret, certificate and
federated sign-in), and the Intune partner collections in v1.0 and beta, seeded with two demo
tenants (contoso, fabrikam). Nothing leaves this machine.

When it is ready it prints, on stdout and nothing else, the shell lines that point intune-gitops
at it, then lets go of stdout (so \`eval "$(intune-gitops emulator &)"\` returns); logs go to
stderr. It runs until Ctrl-C or SIGTERM, then stops cleanly.

  export INTUNE_GITOPS_GRAPH_URL=https://127.0.0.1:PORT   Graph root
  export AZURE_AUTHORITY_HOST=https://127.0.0.1:PORT      Entra ID authority (same server)
  export NODE_EXTRA_CA_CERTS=/tmp/.../ca.pem              the CA to trust (removed on exit)
  export AZURE_CLIENT_ID=...  AZURE_CLIENT_SECRET=...     the demo app of the first tenant

Options:
  --port N              TCP port on 127.0.0.1 (default 0: any free port)
  --seed FILE           Tenants, app registrations and objects to serve, YAML or JSON
                        (default: config-examples/.emulator/seed.yaml; format: docs/emulator.md)
  --patch-status CODE   PATCH success status: 204 (default, what Intune returns) or 200 with the
                        updated object (what the Graph docs show)
  --page-size N         Objects per page before @odata.nextLink (default 100)
  --latency-ms N        Delay every answer by N milliseconds (default 0)
  --faults FILE         Scripted failures, YAML or JSON: 429/503 with Retry-After, 5xx,
                        connection resets, hangs, malformed JSON, HTML pages, properties Graph
                        added (docs/emulator.md)
  --replay FILE         Answer Graph GETs with a capture from 'intune-gitops doctor --capture FILE'
                        (a real tenant's answers, redacted): how a difference between the
                        emulator and the real service is shown to a test. The captured tenant is
                        added, with the demo app and the captured permissions, if the seed lacks it
  -h, --help            Show this help

Examples:
  # Run it in one terminal, copy the printed lines into another:
  intune-gitops emulator --port 8443

  # Or start it in the background and point this shell at it (it says how to stop it):
  eval "$(intune-gitops emulator &)"
  intune-gitops plan --config config-examples

  # Exercise retries: every second PATCH is throttled
  intune-gitops emulator --faults faults.yaml --latency-ms 50

  # Serve what a real tenant answered to doctor, then run doctor against it:
  intune-gitops emulator --replay contoso-capture.json

  # Inspect or reset it while it runs (no token needed, loopback only):
  curl --cacert "$NODE_EXTRA_CA_CERTS" "$INTUNE_GITOPS_GRAPH_URL/_emulator/requests"
  curl --cacert "$NODE_EXTRA_CA_CERTS" -X POST "$INTUNE_GITOPS_GRAPH_URL/_emulator/reset"

Exit codes: 0 stopped cleanly (Ctrl-C or SIGTERM), 1 could not start (bad flag, seed or faults
file, port in use).
`;

export const command: Command = {
  name: "emulator",
  help: HELP,
  unfilteredOutput: true,
  options: {
    port: { type: "string" },
    seed: { type: "string" },
    "patch-status": { type: "string" },
    "page-size": { type: "string" },
    "latency-ms": { type: "string" },
    faults: { type: "string" },
    replay: { type: "string" },
  },
  async run({ values }, context) {
    const port = integerFlag(values, "port", 0, 0, 65_535);
    const pageSize = integerFlag(values, "page-size", 100, 1, 1_000_000);
    const latencyMs = integerFlag(values, "latency-ms", 0, 0, 3_600_000);
    const patchStatusText = stringFlag(values, "patch-status") ?? "204";
    if (patchStatusText !== "200" && patchStatusText !== "204") {
      throw new UsageError(`emulator: --patch-status must be 200 or 204, not "${patchStatusText}"`);
    }
    const { loadFaults, loadSeed, startEmulator } = await import("../../emulator/index.ts");
    const seedPath = stringFlag(values, "seed");
    const faultsPath = stringFlag(values, "faults");
    const seed =
      seedPath === undefined
        ? undefined
        : readFlagFile("--seed", () => loadSeed(resolve(context.cwd, seedPath)));
    const replayPath = stringFlag(values, "replay");
    const replay =
      replayPath === undefined
        ? undefined
        : readFlagFile("--replay", () =>
            parseGraphCapture(
              readFileSync(resolve(context.cwd, replayPath), "utf8"),
              `capture ${replayPath}`,
            ),
          );
    const faults =
      faultsPath === undefined
        ? undefined
        : readFlagFile("--faults", () => loadFaults(resolve(context.cwd, faultsPath)));

    const emulator = await startEmulator({
      port,
      pageSize,
      latencyMs,
      patchStatus: patchStatusText === "200" ? 200 : 204,
      ...(seed === undefined ? {} : { seed }),
      ...(replay === undefined ? {} : { replay }),
      ...(faults === undefined ? {} : { faults: faults.faults }),
      ...(faults?.randomSeed === undefined ? {} : { randomSeed: faults.randomSeed }),
    }).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
        throw new ExitError(
          `port ${port} on 127.0.0.1 is already in use: choose another with --port N, or --port 0 for any free port`,
        );
      }
      throw error;
    });
    try {
      const exports: [string, string | undefined][] = [
        ["INTUNE_GITOPS_GRAPH_URL", emulator.url],
        ["AZURE_AUTHORITY_HOST", emulator.url],
        ["NODE_EXTRA_CA_CERTS", emulator.caFile],
        ["AZURE_CLIENT_ID", emulator.demoApp.clientId],
        ["AZURE_CLIENT_SECRET", emulator.demoApp.secret],
      ];
      const tenants = emulator.tenants
        .map((tenant) => `${tenant.name} (${tenant.tenantId})`)
        .join(", ");
      context.stderr.write(
        `Graph emulator listening on ${emulator.url} (127.0.0.1 only) for ${tenants}.\n` +
          `Request log: ${emulator.url}/_emulator/requests. Stop with Ctrl-C or: kill ${process.pid}\n`,
      );
      // Last, so that a script reading stdout knows the emulator is ready when the lines arrive.
      await writeText(
        context.stdout,
        exports
          .filter((entry): entry is [string, string] => entry[1] !== undefined)
          .map(([name, value]) => `export ${name}=${shellQuote(value)}\n`)
          .join(""),
      );
      if (context.stdout === process.stdout) releaseStdout();
      await new Promise<void>((resolveWait) => {
        if (context.abortSignal.aborted) resolveWait();
        context.abortSignal.addEventListener("abort", () => resolveWait(), { once: true });
      });
      context.stderr.write(`Graph emulator stopping after ${emulator.requests.length} requests.\n`);
      return 0;
    } finally {
      await emulator.close();
    }
  },
};

function writeText(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolveWrite, reject) => {
    stream.write(text, (error) => (error ? reject(error) : resolveWrite()));
  });
}

/**
 * Once the export lines are out, hand stdout back to whoever reads it: a shell running
 * \`eval "$(intune-gitops emulator &)"\` waits for end-of-file, which never comes while this
 * long-lived process holds the pipe open. Node cannot close its stdout stream, so fd 1 is closed
 * and reopened on the null device (so nothing else can land on that descriptor).
 */
function releaseStdout(): void {
  if (process.stdout.isTTY || process.platform === "win32") return;
  try {
    closeSync(1);
    openSync(devNull, "w");
  } catch {
    // Best effort: at worst the shell waits, as it would have without this.
  }
}

function stringFlag(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

function integerFlag(
  values: OptionValues,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const text = stringFlag(values, name);
  if (text === undefined) return fallback;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(
      `emulator: --${name} must be a whole number from ${min} to ${max}, not "${text}"`,
    );
  }
  return value;
}

/** A seed or faults file the user named: any problem in it is a usage error, shown without a stack. */
function readFlagFile<T>(flag: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new UsageError(
      `emulator: ${flag}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Single-quotes a value for POSIX shells unless it is plainly safe, so `eval` reads it back intact. */
function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
