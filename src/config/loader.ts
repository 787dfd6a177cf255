import { readdir, readFile, stat } from "node:fs/promises";
import { basename, join, relative, resolve, sep } from "node:path";
import { hasErrors, type Diagnostic } from "../diagnostics.ts";
import { compareStrings } from "../canonical-json.ts";
import { RESOURCES } from "../resources/registry.ts";
import { fileTooLarge, MAX_FILE_BYTES } from "./decode.ts";
import { desiredStateDigest } from "./digest.ts";
import { checkDuplicateObjects } from "./duplicates.ts";
import { classifyDocument } from "./envelope.ts";
import type { ConfigResult, DesiredObject, TenantConfig } from "./model.ts";
import { checkObjectDocument, type ObjectDeclaration } from "./objects.ts";
import { readConfigFiles, type ConfigFile } from "./read-files.ts";
import { findInlineSecrets } from "./secrets.ts";
import { checkDuplicateTenants, checkTenantDocument, type TenantDeclaration } from "./tenants.ts";

export type { ConfigFile } from "./read-files.ts";
export type { ConfigResult } from "./model.ts";

/**
 * Loads the configuration: every `*.yaml` / `*.yml` under `dir` (recursively, sorted; `node_modules`
 * and dot-entries skipped; symbolic links to folders not followed), or the one file `dir` names.
 * Never throws for a problem in the configuration or the file system: everything is a diagnostic.
 */
export async function loadConfig(dir: string): Promise<ConfigResult> {
  const root = resolve(dir);
  let rootStat;
  try {
    rootStat = await stat(root);
  } catch {
    return {
      diagnostics: [
        {
          severity: "error",
          code: "config-not-found",
          summary: `the configuration folder ${dir} does not exist`,
          detail: "pass the folder that holds the configuration's .yaml files with --config DIR",
        },
      ],
    };
  }
  const diagnostics: Diagnostic[] = [];
  const paths = rootStat.isDirectory() ? await listYamlFiles(root) : [root];
  const base = rootStat.isDirectory() ? root : resolve(root, "..");
  const files: ConfigFile[] = [];
  for (const path of paths) {
    const name = relative(base, path).split(sep).join("/") || basename(path);
    try {
      // Checked before reading, so that a huge file is never read into memory.
      const size = (await stat(path)).size;
      if (size > MAX_FILE_BYTES) {
        diagnostics.push(fileTooLarge(name, size));
        continue;
      }
      files.push({ path: name, text: await readFile(path) });
    } catch (error) {
      diagnostics.push({
        severity: "error",
        code: "file-unreadable",
        summary: `the file cannot be read (${(error as NodeJS.ErrnoException).code ?? "I/O error"})`,
        detail: "check the file's permissions, or move it out of the configuration folder",
        source: { file: name, line: 1, column: 1 },
      });
    }
  }
  if (paths.length === 0) {
    return {
      diagnostics: [
        {
          severity: "error",
          code: "empty-configuration",
          summary: `no .yaml or .yml files in ${dir}`,
          detail:
            "pass the folder that holds the configuration with --config DIR (default: the current folder)",
        },
      ],
    };
  }
  // The files that could not be read are reported with the rest, and count as problems (not as
  // an empty configuration).
  return parseConfig(files, diagnostics);
}

async function listYamlFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await listYamlFiles(path)));
    else if (
      /\.ya?ml$/i.test(entry.name) &&
      (entry.isFile() || (entry.isSymbolicLink() && (await isFile(path))))
    ) {
      found.push(path);
    }
  }
  return found.sort(compareStrings);
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

/**
 * The pure core of `loadConfig`: files (paths relative to the configuration folder) to the
 * validated desired state and every diagnostic. `state` is present exactly when there is no error.
 * `initialDiagnostics` are problems found before parsing (files too large or unreadable).
 */
export function parseConfig(
  files: readonly ConfigFile[],
  initialDiagnostics: readonly Diagnostic[] = [],
): ConfigResult {
  const read = readConfigFiles(files);
  const diagnostics: Diagnostic[] = [...initialDiagnostics, ...read.diagnostics];
  const tenants: TenantDeclaration[] = [];
  const pending: (() => ObjectDeclaration)[] = [];
  const tenantsByName = new Map<string, TenantDeclaration>();
  for (const document of read.documents) {
    const secrets = findInlineSecrets(document);
    diagnostics.push(...secrets.diagnostics);
    const classified = classifyDocument(document, diagnostics);
    if (!classified) continue;
    if (classified.kind === "tenant") {
      tenants.push(checkTenantDocument(document, classified.value, secrets, diagnostics));
    } else {
      // Objects are checked once every tenant is known: they may come from a later file.
      const { resource, value } = classified;
      pending.push(() =>
        checkObjectDocument(document, resource, value, tenantsByName, secrets, diagnostics),
      );
    }
  }
  checkDuplicateTenants(tenants, diagnostics);
  for (const tenant of tenants) {
    if (tenant.name !== undefined && !tenantsByName.has(tenant.name))
      tenantsByName.set(tenant.name, tenant);
  }
  const declarations = pending.map((check) => check());
  checkDuplicateObjects(declarations, diagnostics);
  if (read.documents.length === 0 && !hasErrors(diagnostics)) {
    diagnostics.push({
      severity: "error",
      code: "empty-configuration",
      summary: "the configuration has no documents",
      detail: "pass the folder that holds the configuration's .yaml files with --config DIR",
    });
  }
  const sorted = sortDiagnostics(diagnostics);
  if (hasErrors(sorted)) return { diagnostics: sorted };
  const tenantConfigs: TenantConfig[] = tenants
    .flatMap((tenant) => (tenant.config ? [tenant.config] : []))
    .sort((a, b) => compareStrings(a.name, b.name));
  const kindOrder = new Map(RESOURCES.map((resource, index) => [resource.kind, index]));
  const objects: DesiredObject[] = declarations
    .flatMap((declaration) => declaration.objects)
    .sort(
      (a, b) =>
        (kindOrder.get(a.kind) ?? 0) - (kindOrder.get(b.kind) ?? 0) ||
        compareStrings(a.tenant, b.tenant) ||
        compareStrings(a.name, b.name),
    );
  return {
    state: {
      tenants: tenantConfigs,
      objects,
      digest: desiredStateDigest(tenantConfigs, objects),
      files: read.files,
    },
    diagnostics: sorted,
  };
}

/** By file, line and column; diagnostics without a place first. Stable otherwise. */
function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => {
    if (!a.source || !b.source) return (a.source ? 1 : 0) - (b.source ? 1 : 0);
    return (
      compareStrings(a.source.file, b.source.file) ||
      a.source.line - b.source.line ||
      a.source.column - b.source.column
    );
  });
}
