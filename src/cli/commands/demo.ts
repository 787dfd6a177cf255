import { spawn } from "node:child_process";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../package-root.ts";
import type { Command } from "../command.ts";

const EXAMPLES_DIR = join(PACKAGE_ROOT, "config-examples");

const HELP = `Usage: intune-gitops demo [--config DIR] [--format text|markdown|json]

Try intune-gitops without a tenant: starts the bundled Microsoft Graph emulator on 127.0.0.1
(HTTPS, its own throw-away CA, seeded from config-examples/.emulator/seed.yaml), points the tool at
it exactly as 'eval "$(intune-gitops emulator &)"' would, runs 'intune-gitops plan' on the example
configuration, prints the plan and stops the emulator. Nothing leaves this machine.

Options:
  --config DIR     Configuration to plan (default: the bundled config-examples/)
  --format FORMAT  text (default), markdown or json
  -h, --help       Show this help

The seed differs from the configuration on purpose, so the plan shows changes.
Exit code: 0 when the plan ran (changes or not), 1 on error.
`;

export const command: Command = {
  name: "demo",
  help: HELP,
  options: { config: { type: "string" }, format: { type: "string" } },
  async run({ values }, context) {
    const { startEmulator } = await import("../../emulator/index.ts");
    const emulator = await startEmulator({ port: 0 });
    try {
      const demoApp = emulator.demoApp;
      const env: NodeJS.ProcessEnv = {
        ...context.env,
        INTUNE_GITOPS_GRAPH_URL: emulator.url,
        AZURE_AUTHORITY_HOST: emulator.url,
        NODE_EXTRA_CA_CERTS: emulator.caFile,
        AZURE_CLIENT_ID: demoApp.clientId,
        AZURE_CLIENT_SECRET: demoApp.secret,
        NO_PROXY: "127.0.0.1,localhost",
      };
      const args = [
        // The same program that runs this command, sources or build alike.
        process.argv[1]!,
        "plan",
        "--config",
        typeof values.config === "string" ? values.config : EXAMPLES_DIR,
        "--format",
        typeof values.format === "string" ? values.format : "text",
      ];
      context.stderr.write(
        `Graph emulator listening on ${emulator.url}; running: intune-gitops ${args.slice(1).join(" ")}\n\n`,
      );
      // A child process, so the emulator's CA is trusted the way a user's shell would trust it
      // (NODE_EXTRA_CA_CERTS is read once at start-up).
      // Inherited streams keep progress (stderr) and the plan (stdout) in the order they happen.
      const exitCode = await new Promise<number>((resolve, reject) => {
        const child = spawn(process.execPath, args, {
          env,
          stdio: ["ignore", "inherit", "inherit"],
        });
        child.on("error", reject);
        child.on("close", (code) => resolve(code ?? 1));
      });
      // plan exits 2 only with --detailed-exitcode; anything but 1 means the demo worked.
      return exitCode === 1 ? 1 : 0;
    } finally {
      await emulator.close();
    }
  },
};
