import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { redact } from "../../redact.ts";
import { UsageError } from "../../errors.ts";
import { exportPath } from "../../export/exporter.ts";
import { ExitError } from "../exit-error.ts";
import { exportTenants } from "../../operations/export-operation.ts";
import { plural } from "../../render/plan-values.ts";
import { findResource } from "../../resources/registry.ts";
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
with its auth settings. The configuration with the new files validates and plans to no changes
for them, so the first pull request that edits them shows exactly that edit.

What is written:
  - only objects the configuration does not declare yet: one a declared object already matches
    (say a document with tenants: all) is listed and skipped, so nothing is declared twice;
  - not the rows Intune lists although nobody set them up (a remote assistance partner
    notOnboarded without a URL, a device management partner not configured): the export says
    how many it left out; --include-not-set-up writes them too;
  - writable properties only (timestamps and states the service maintains are left out unless
    --include-server-managed);
  - objects matched by displayName when it is unique in the tenant, by id otherwise;
  - one file per tenant and kind: OUT/<tenant>/<kind>s.yaml, with stable names and key order.
    When that file exists, the new objects go into a new one next to it (<kind>s-2.yaml, ...).

Options:
      --tenant NAME               Tenant to export (repeat for several; required)
${H.config}
  -o, --out DIR                   Where to write (default: the --config folder, so the files join the configuration)
      --force                     Replace OUT/<tenant>/<kind>s.yaml instead of writing a new file next
                                  to it (the objects it declares are exported again)
      --include-not-set-up        Also export rows nobody set up (left out by default)
      --include-server-managed    Also export lastConnectionDateTime, partnerState, ... (rarely wanted)
${H.allowCustomEndpoint}
${H.debug}
  -h, --help                      Show this help

Example:
  intune-gitops export --config intune --tenant contoso
  intune-gitops validate --config intune && intune-gitops plan --config intune   # No changes.

Exit codes: 0 written (or nothing new to write), 1 error (then nothing is written).
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
    "include-not-set-up": { type: "boolean" },
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

    const force = values.force === true;
    const run = await exportTenants(state, {
      tenants,
      includeServerManaged: values["include-server-managed"] === true,
      includeNotSetUp: values["include-not-set-up"] === true,
      // A file --force replaces no longer declares what it held: export that again.
      declared: force
        ? state.objects.filter(
            (object) =>
              resolve(configDir, object.source.file) !==
              join(outDir, exportPath(object.tenant, object.kind)),
          )
        : state.objects,
      env: context.env,
      configDir,
      allowCustomEndpoint: values["allow-custom-endpoint"] === true,
      abortSignal: context.abortSignal,
      onRequest: retryPrinter(context),
      onTenantDone: (tenant, tenantFiles) => {
        const count = tenantFiles.reduce((sum, file) => sum + file.objectCount, 0);
        done++;
        context.stderr.write(
          `[${done}/${tenants.length}] Read ${tenant}: ${plural(count, "new object")}.\n`,
        );
      },
      ...(debug === undefined ? {} : { debug }),
    }).catch(asExitError);

    for (const entry of run.alreadyDeclared) {
      context.stdout.write(
        `skipped ${describeRow(entry)}: already declared as ${sanitizeText(entry.declaredAs)} (${sanitizeText(relative(context.cwd, join(configDir, entry.source.file)))}:${entry.source.line})\n`,
      );
    }
    const targets = run.files.map((file) => ({
      file,
      path: force ? join(outDir, file.path) : freePath(join(outDir, file.path)),
    }));
    for (const { file, path } of targets) {
      await mkdir(dirname(path), { recursive: true });
      // The exporter leaves out values that hold a secret; this is the net under it.
      await writeFile(path, redact(file.text));
      context.stdout.write(
        `wrote ${relative(context.cwd, path)} (${plural(file.objectCount, "object")})\n`,
      );
    }
    for (const { file, path } of targets.filter((target) => target.file.withheld.length > 0)) {
      context.stderr.write(
        `Warning: ${relative(context.cwd, path)}: left out ${file.withheld.join(", ")}: the live value holds a secret or token this run used (the server sent a credential back). The file says so where each was left out.\n`,
      );
    }
    if (run.notSetUp.length > 0) {
      const rows = run.notSetUp.map(describeRow).join(", ");
      context.stderr.write(
        `Left out ${plural(run.notSetUp.length, "row")} nobody set up (${rows}): pass --include-not-set-up to export them too.\n`,
      );
    }
    if (run.files.length === 0) {
      context.stderr.write(
        run.alreadyDeclared.length > 0 || run.notSetUp.length > 0
          ? "Nothing new to write: the configuration already declares every other object.\n"
          : "The tenants have no partner objects: nothing to write.\n",
      );
    }
    return 0;
  },
};

/** `deviceManagementPartner "Jamf Pro" in contoso` */
function describeRow(row: {
  readonly tenant: string;
  readonly kind: string;
  readonly liveId: string;
  readonly displayName: string | null;
}): string {
  const name = row.displayName === null ? `id ${row.liveId}` : JSON.stringify(row.displayName);
  return sanitizeText(`${findResource(row.kind)?.graphType ?? row.kind} ${name} in ${row.tenant}`);
}

/** The path, or the first of `name-2.yaml`, `name-3.yaml`, ... that does not exist yet. */
function freePath(path: string): string {
  if (!existsSync(path)) return path;
  const stem = path.replace(/\.yaml$/, "");
  for (let suffix = 2; ; suffix++) {
    const candidate = `${stem}-${suffix}.yaml`;
    if (!existsSync(candidate)) return candidate;
  }
}

/** A Graph failure is the tenant's answer, not a bug in this tool: an error, said plainly. */
function asExitError(error: unknown): never {
  if (error instanceof Error && error.name === "GraphRequestError") {
    throw new ExitError(`${sanitizeText(error.message)}. Nothing was written.`);
  }
  throw error;
}
