import type { Diagnostic, SourceLocation } from "../diagnostics.ts";
import { formatLocation } from "../diagnostics.ts";
import { issuesToDiagnostics } from "./issues.ts";
import type { AuthConfig, TenantConfig } from "./model.ts";
import { ALL_TENANTS, TenantDocument } from "./schema.ts";
import { childOf } from "./schema-walk.ts";
import { isSensitivePath, type SecretFindings } from "./secrets.ts";
import type { Path, PlainMap, SourceDocument } from "./yaml-document.ts";

/** A `kind: Tenant` document after validation. */
export interface TenantDeclaration {
  /** `metadata.name` when it is a string, valid or not: resources naming it are not "unknown". */
  readonly name?: string;
  readonly nameSource: SourceLocation;
  /** Set when the whole document is valid. */
  readonly config?: TenantConfig;
  /** Where `spec.tenantId` is (the document itself is not kept, only what reports need). */
  readonly tenantIdSource: SourceLocation;
}

export function checkTenantDocument(
  document: SourceDocument,
  value: PlainMap,
  secrets: SecretFindings,
  diagnostics: Diagnostic[],
): TenantDeclaration {
  const result = TenantDocument.safeParse(value);
  const errorsBefore = diagnostics.length;
  if (!result.success) {
    diagnostics.push(
      ...issuesToDiagnostics(result.error.issues, {
        document,
        schema: TenantDocument,
        data: value,
        prefix: [],
        redact: isSensitivePath,
        reported: (path) => secrets.paths.some((reported) => isPrefix(reported, path)),
      }),
    );
  }
  const rawName = childOf(childOf(value, "metadata"), "name");
  const name = typeof rawName === "string" ? rawName : undefined;
  const nameSource = document.locate(["metadata", "name"]);
  const tenantIdSource = document.locate(["spec", "tenantId"]);
  if (name === ALL_TENANTS) {
    diagnostics.push({
      severity: "error",
      code: "reserved-name",
      summary: `metadata.name: "${ALL_TENANTS}" is reserved`,
      detail: `resources write tenants: ${ALL_TENANTS} to mean every tenant: choose another name`,
      source: nameSource,
    });
  }
  const valid =
    result.success && secrets.diagnostics.length === 0 && diagnostics.length === errorsBefore;
  if (!valid || !result.success)
    return { ...(name !== undefined ? { name } : {}), nameSource, tenantIdSource };
  const data = result.data;
  const config: TenantConfig = {
    name: data.metadata.name,
    tenantId: data.spec.tenantId,
    cloud: data.spec.cloud as TenantConfig["cloud"],
    graphVersion: data.spec.graphVersion,
    auth: data.spec.auth satisfies AuthConfig,
    ...(data.spec.health === undefined ? {} : { health: definedSettings(data.spec.health) }),
    source: document.start,
  };
  return { name: config.name, nameSource, config, tenantIdSource };
}

/** The settings written, without the ones left out (zod types them as possibly undefined). */
function definedSettings(
  settings: Readonly<Record<string, number | undefined>>,
): Record<string, number> {
  const defined: Record<string, number> = {};
  for (const [name, value] of Object.entries(settings))
    if (value !== undefined) defined[name] = value;
  return defined;
}

/** Two tenants with one name, or one tenant id declared twice: reported at the second. */
export function checkDuplicateTenants(
  tenants: readonly TenantDeclaration[],
  diagnostics: Diagnostic[],
): void {
  const byName = new Map<string, TenantDeclaration>();
  const byId = new Map<string, TenantDeclaration>();
  for (const tenant of tenants) {
    if (tenant.name !== undefined) {
      const first = byName.get(tenant.name);
      if (first) {
        diagnostics.push({
          severity: "error",
          code: "duplicate-tenant",
          summary: `tenant "${tenant.name}" is declared twice`,
          detail: `the first declaration is at ${formatLocation(first.nameSource)}: remove one, or rename one`,
          source: tenant.nameSource,
        });
      } else {
        byName.set(tenant.name, tenant);
      }
    }
    const config = tenant.config;
    if (!config) continue;
    const id = config.tenantId.toLowerCase();
    const first = byId.get(id);
    if (first?.config) {
      diagnostics.push({
        severity: "error",
        code: "duplicate-tenant-id",
        summary: `tenants "${first.config.name}" and "${config.name}" have the same tenantId`,
        detail: `one tenant must be declared once (the other is at ${formatLocation(first.tenantIdSource)}), or its objects would be managed twice: remove one, or correct the tenantId`,
        source: tenant.tenantIdSource,
      });
    } else {
      byId.set(id, tenant);
    }
  }
}

export function isPrefix(prefix: Path, path: Path): boolean {
  return prefix.length <= path.length && prefix.every((segment, index) => path[index] === segment);
}
