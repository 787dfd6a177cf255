import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { redact } from "../../auth/redact.ts";
import { ExitError, UsageError } from "../../errors.ts";
import { exportTenants } from "../../operations/export-operation.ts";
import { sanitizeText } from "../../render/style.ts";
import type { Command } from "../command.ts";
import { startLoadingGraphModules } from "../../operations/connections.ts";
import { loadConfigOrExit } from "../load-config.ts";
import { retryPrinter } from "../progress.ts";
import {
  CONFIG_OPTION,
  CONNECTION_OPTIONS,
  SHARED_OPTIONS_HELP as H,
  configDirOf,
  loadOptionsOf,
  debugSink,
  selectedTenants,
  useColor,
} from "../shared-options.ts";

const HELP = `Usage: intune-gitops export --tenant NAME [options]

Writes the partner objects a tenant has now as configuration YAML, to start managing a tenant
that already exists. The tenant must be declared (kind: Tenant) under --config: export signs in
with its auth settings. The files validate and plan to no changes, so the first pull request
that edits them shows exactly that edit.

What is written:
  - writable properties only (timestamps and states the service maintains are left out unless
    --include-server-managed);
  - objects matched by displayName when it is unique in the tenant, by id otherwise;
  - one file per tenant and kind: OUT/<tenant>/<kind>s.yaml, with stable names and key order,
    so exporting again diffs cleanly in git.

Options:
      --tenant NAME               Tenant to export (repeat for several; required)
${H.config}
  -o, --out DIR                   Where to write (default: the --config folder, so the files join the configuration)
      --force                     Overwrite existing files (otherwise nothing is written when one exists)
      --include-server-managed    Also export lastConnectionDateTime, partnerState, ... (rarely wanted)
${H.allowCustomEndpoint}
${H.debug}
  -h, --help                      Show this help

Example:
  intune-gitops export --config intune --tenant contoso
  intune-gitops validate --config intune && intune-gitops plan --config intune   # No changes.

Exit codes: 0 written, 1 error (nothing is written when a file exists without --force).
`;

export const command: Command = {
  name: "export",
  help: HELP,
  options: {
    ...CONFIG_OPTION,
    ...CONNECTION_OPTIONS,
    tenant: { type: "string", multiple: true },
    out: { type: "string", short: "o" },
    force: { type: "boolean" },
    "include-server-managed": { type: "boolean" },
    "no-color": { type: "boolean" },
  },
  async run({ values }, context) {
    if (!Array.isArray(values.tenant) || values.tenant.length === 0) {
      throw new UsageError(
        "export needs --tenant NAME (the tenant to read, as declared under --config)",
      );
    }
    const configDir = configDirOf(values, context);
    startLoadingGraphModules();
    const state = await loadConfigOrExit(configDir, context, {
      color: useColor(values, context),
      ...loadOptionsOf(values),
    });
    const tenants = selectedTenants(
      values,
      state.tenants.map((tenant) => tenant.name),
    );
    const outDir = typeof values.out === "string" ? resolve(context.cwd, values.out) : configDir;
    const debug = debugSink(values, context);
    let done = 0;

    const files = await exportTenants(state, {
      tenants,
      includeServerManaged: values["include-server-managed"] === true,
      env: context.env,
      configDir,
      allowCustomEndpoint: values["allow-custom-endpoint"] === true,
      abortSignal: context.abortSignal,
      onRequest: retryPrinter(context),
      onTenantDone: (tenant, tenantFiles) => {
        const count = tenantFiles.reduce((sum, file) => sum + file.objectCount, 0);
        done++;
        context.stderr.write(
          `[${done}/${tenants.length}] Read ${tenant}: ${count} object${count === 1 ? "" : "s"}.\n`,
        );
      },
      ...(debug === undefined ? {} : { debug }),
    }).catch(asExitError);

    const targets = files.map((file) => ({ file, path: join(outDir, file.path) }));
    const existing = targets.filter((target) => existsSync(target.path));
    if (existing.length > 0 && values.force !== true) {
      throw new ExitError(
        `not overwriting ${existing.map((target) => relative(context.cwd, target.path)).join(", ")}: nothing was written. Pass --force to replace, or --out another folder.`,
      );
    }
    for (const { file, path } of targets) {
      await mkdir(dirname(path), { recursive: true });
      // The exporter leaves out values that hold a secret; this is the net under it.
      await writeFile(path, redact(file.text));
      context.stdout.write(
        `wrote ${relative(context.cwd, path)} (${file.objectCount} object${file.objectCount === 1 ? "" : "s"})\n`,
      );
    }
    for (const { file } of targets.filter((target) => target.file.withheld.length > 0)) {
      context.stderr.write(
        `Warning: ${file.path}: left out ${file.withheld.join(", ")}: the live value holds a secret or token this run used (the server sent a credential back). The file says so where each was left out.\n`,
      );
    }
    if (files.length === 0)
      context.stderr.write("The tenants have no partner objects: nothing to write.\n");
    return 0;
  },
};

/** A Graph failure is the tenant's answer, not a bug in this tool: an error, said plainly. */
function asExitError(error: unknown): never {
  if (error instanceof Error && error.name === "GraphRequestError") {
    throw new ExitError(`${sanitizeText(error.message)}. Nothing was written.`);
  }
  throw error;
}
