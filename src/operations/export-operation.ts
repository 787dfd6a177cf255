import type { DesiredState } from "../config/model.ts";
import { exportedProperties, exportTenant, type ExportedFile } from "../export/exporter.ts";
import type { LiveObject } from "../graph/types.ts";
import { RESOURCES } from "../resources/registry.ts";
import { createConnectionPool, type ConnectionSettings } from "./connections.ts";

export interface ExportRunOptions extends ConnectionSettings {
  readonly tenants: readonly string[];
  readonly includeServerManaged: boolean;
  readonly abortSignal?: AbortSignal;
  readonly onTenantDone?: (tenant: string, files: readonly ExportedFile[]) => void;
}

/**
 * Reads each tenant's partner objects (one GET per kind, in the tenant's Graph version) and turns
 * them into configuration files. Tenants one after another: an export is a one-off, and the
 * output order then matches the input order.
 */
export async function exportTenants(
  state: DesiredState,
  options: ExportRunOptions,
): Promise<ExportedFile[]> {
  const clientFor = createConnectionPool(state, "read", options);
  const files: ExportedFile[] = [];
  for (const tenantName of options.tenants) {
    const tenant = state.tenants.find((candidate) => candidate.name === tenantName)!;
    const client = await clientFor(tenantName);
    const objectsByKind = new Map<string, readonly LiveObject[]>();
    for (const resource of RESOURCES) {
      const select = exportedProperties(
        resource,
        tenant.graphVersion,
        options.includeServerManaged,
      ).map((property) => property.name);
      const objects = await client.listCollection(
        { graphVersion: tenant.graphVersion, collectionPath: resource.collectionPath, select },
        options.abortSignal === undefined ? undefined : { abortSignal: options.abortSignal },
      );
      objectsByKind.set(resource.kind, objects);
    }
    const tenantFiles = exportTenant({
      tenant: tenantName,
      graphVersion: tenant.graphVersion,
      objectsByKind,
      includeServerManaged: options.includeServerManaged,
    });
    options.onTenantDone?.(tenantName, tenantFiles);
    files.push(...tenantFiles);
  }
  return files;
}
