import { hasErrors, type Diagnostic } from "../diagnostics.ts";
import { compareStrings } from "../canonical-json.ts";
import { RESOURCES } from "../resources/registry.ts";
import type { ResourceDefinition } from "../resources/types.ts";
import { desiredStateDigest } from "./digest.ts";
import { checkDuplicateObjects } from "./duplicates.ts";
import { classifyDocument } from "./envelope.ts";
import type { ConfigResult, DesiredObject, TenantConfig } from "./model.ts";
import { checkObjectDocument, namesOnlyKnownTenants, type ObjectDeclaration } from "./objects.ts";
import { readConfigFile, type ConfigFile } from "./read-files.ts";
import { findInlineSecrets, type SecretFindings } from "./secrets.ts";
import { checkDuplicateTenants, checkTenantDocument, type TenantDeclaration } from "./tenants.ts";
import type { PlainMap, SourceDocument } from "./yaml-document.ts";

/**
 * Builds the validated desired state one file at a time, so that a large configuration is never
 * held whole: each file is parsed, its documents checked, and only what the result and the
 * remaining checks need is kept (the tenants, the objects' declarations with the few positions
 * the duplicate check reports). A parsed document is about 4 KB; 10,000 of them held at once
 * were most of the memory `validate` needed at 2,000 tenants.
 *
 * Tenants may be declared in any file, also after the objects that name them. An object is
 * checked as soon as every tenant it names is known: that gives the same result as checking it
 * at the end, because a tenant's first declaration is the one that counts and the check reads
 * nothing else of the tenants. An object that names a tenant not declared yet, or `tenants:
 * all`, waits with its document until every file is read. Declarations stay in document order,
 * which the duplicate check reports by (the later of two is the duplicate).
 */
export class ConfigAssembler {
  private readonly now: Date;
  private readonly diagnostics: Diagnostic[];
  private readonly tenants: TenantDeclaration[] = [];
  private readonly tenantsByName = new Map<string, TenantDeclaration>();
  /** In document order; a slot is empty while its document waits for its tenants. */
  private readonly declarations: (ObjectDeclaration | undefined)[] = [];
  private readonly waiting: {
    readonly slot: number;
    readonly document: SourceDocument;
    readonly resource: ResourceDefinition;
    readonly value: PlainMap;
    readonly secrets: SecretFindings;
  }[] = [];
  private readonly files: string[] = [];
  private documents = 0;

  constructor(now: Date, initialDiagnostics: readonly Diagnostic[] = []) {
    this.now = now;
    this.diagnostics = [...initialDiagnostics];
  }

  /** A problem found outside the files' content (a file that could not be read). */
  report(diagnostic: Diagnostic): void {
    this.diagnostics.push(diagnostic);
  }

  /** Files must come sorted by path (`compareStrings`), as `parseConfig` sorts them. */
  addFile(file: ConfigFile): void {
    const read = readConfigFile(file);
    this.diagnostics.push(...read.diagnostics);
    if (read.isConfiguration) this.files.push(file.path);
    for (const document of read.documents) this.addDocument(document);
  }

  private addDocument(document: SourceDocument): void {
    const diagnostics = this.diagnostics;
    this.documents++;
    const secrets = findInlineSecrets(document);
    diagnostics.push(...secrets.diagnostics);
    const classified = classifyDocument(document, diagnostics);
    if (!classified) return;
    if (classified.kind === "tenant") {
      const tenant = checkTenantDocument(document, classified.value, secrets, diagnostics);
      this.tenants.push(tenant);
      // The first declaration of a name is the one objects use (a second is an error).
      if (tenant.name !== undefined && !this.tenantsByName.has(tenant.name))
        this.tenantsByName.set(tenant.name, tenant);
      return;
    }
    const { resource, value } = classified;
    if (namesOnlyKnownTenants(value, this.tenantsByName)) {
      this.declarations.push(
        checkObjectDocument(
          document,
          resource,
          value,
          this.tenantsByName,
          secrets,
          diagnostics,
          this.now,
        ),
      );
    } else {
      this.waiting.push({ slot: this.declarations.length, document, resource, value, secrets });
      this.declarations.push(undefined);
    }
  }

  /** The desired state (when there is no error) and every diagnostic, sorted. */
  finish(): ConfigResult {
    const diagnostics = this.diagnostics;
    checkDuplicateTenants(this.tenants, diagnostics);
    for (const { slot, document, resource, value, secrets } of this.waiting) {
      this.declarations[slot] = checkObjectDocument(
        document,
        resource,
        value,
        this.tenantsByName,
        secrets,
        diagnostics,
        this.now,
      );
    }
    this.waiting.length = 0;
    const declarations = this.declarations.flatMap((declaration) =>
      declaration === undefined ? [] : [declaration],
    );
    checkDuplicateObjects(declarations, diagnostics);
    if (this.documents === 0 && !hasErrors(diagnostics)) {
      diagnostics.push({
        severity: "error",
        code: "empty-configuration",
        summary: "the configuration has no documents",
        detail: "pass the folder that holds the configuration's .yaml files with --config DIR",
      });
    }
    const sorted = sortDiagnostics(diagnostics);
    if (hasErrors(sorted)) return { diagnostics: sorted };
    const tenantConfigs: TenantConfig[] = this.tenants
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
    let digest: string | undefined;
    return {
      state: {
        tenants: tenantConfigs,
        objects,
        // Hashed when first read: `validate` reads it only for --format json, and hashing loads
        // node:crypto, which was about a tenth of its start-up (bench/RESULTS.md, change 16).
        get digest() {
          return (digest ??= desiredStateDigest(tenantConfigs, objects));
        },
        files: [...this.files].sort(compareStrings),
      },
      diagnostics: sorted,
    };
  }
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
