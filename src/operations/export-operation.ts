import type { DesiredState } from "../config/model.ts";
import { sortOutEstate, type AlreadyDeclared, type NotSetUp } from "../export/estate.ts";
import { exportedProperties, exportTenant, type ExportedFile } from "../export/exporter.ts";
import type { LiveObject } from "../live-object.ts";
import { RESOURCES } from "../resources/registry.ts";
import type { GraphVersion } from "../resources/types.ts";
import { createConnectionPool, type ConnectionSettings } from "./connections.ts";
import { listCollectionRead, type CollectionRead } from "./read-live.ts";

export interface ExportRunOptions extends ConnectionSettings {
  readonly tenants: readonly string[];
  readonly includeServerManaged: boolean;
  /** Also export rows nobody set up (`ResourceDefinition.notSetUp`). */
  readonly includeNotSetUp: boolean;
  /**
   * The declared objects an export must not declare again (normally every object of the
   * configuration; `--force` leaves out those in the files it replaces).
   */
  readonly declared: DesiredState["objects"];
  readonly abortSignal?: AbortSignal;
  readonly onTenantDone?: (tenant: string, files: readonly ExportedFile[]) => void;
}

export interface ExportRun {
  readonly files: readonly ExportedFile[];
  /** Live objects a declared object already matches: listed, not written. */
  readonly alreadyDeclared: readonly (AlreadyDeclared & { readonly tenant: string })[];
  /** Rows nobody set up, left out (empty with `includeNotSetUp`). */
  readonly notSetUp: readonly (NotSetUp & { readonly tenant: string })[];
}

/**
 * Reads each tenant's partner objects (one listing per kind, in the tenant's Graph version, made
 * as read-live makes a plan's) and turns
 * the ones the configuration does not declare yet into configuration files. Tenants one after
 * another: an export is a one-off, and the output order then matches the input order.
 */
export async function exportTenants(
  state: DesiredState,
  options: ExportRunOptions,
): Promise<ExportRun> {
  const clientFor = createConnectionPool(state, "read", options);
  const files: ExportedFile[] = [];
  const alreadyDeclared: ExportRun["alreadyDeclared"][number][] = [];
  const notSetUp: ExportRun["notSetUp"][number][] = [];
  for (const tenantName of options.tenants) {
    const tenant = state.tenants.find((candidate) => candidate.name === tenantName);
    if (tenant === undefined) throw new Error(`tenant ${tenantName} is not declared`);
    const client = await clientFor(tenantName);
    const objectsByKind = new Map<string, readonly LiveObject[]>();
    // One kind after another: the requests in registry order, as an export always made them.
    for (const read of exportReads(tenantName, tenant.graphVersion, options.includeServerManaged)) {
      objectsByKind.set(read.kind, await listCollectionRead(client, read, options.abortSignal));
    }
    const estate = sortOutEstate({
      tenant: tenantName,
      objectsByKind,
      declared: options.declared,
      includeNotSetUp: options.includeNotSetUp,
    });
    alreadyDeclared.push(
      ...estate.alreadyDeclared.map((entry) => ({ ...entry, tenant: tenantName })),
    );
    notSetUp.push(...estate.notSetUp.map((entry) => ({ ...entry, tenant: tenantName })));
    const tenantFiles = exportTenant({
      tenant: tenantName,
      graphVersion: tenant.graphVersion,
      objectsByKind,
      includeServerManaged: options.includeServerManaged,
      skip: estate.skip,
      takenNames: estate.takenNames,
    });
    options.onTenantDone?.(tenantName, tenantFiles);
    files.push(...tenantFiles);
  }
  return { files, alreadyDeclared, notSetUp };
}

/**
 * The listings an export makes for a tenant: every kind, with what the export writes selected,
 * and what tells a row nobody set up apart (it may be server-managed: read, never written).
 */
function exportReads(
  tenant: string,
  graphVersion: GraphVersion,
  includeServerManaged: boolean,
): CollectionRead[] {
  return RESOURCES.map((resource) => {
    const select = exportedProperties(resource, graphVersion, includeServerManaged).map(
      (property) => property.name,
    );
    for (const name of Object.keys(resource.notSetUp ?? {})) {
      if (!select.includes(name)) select.push(name);
    }
    return {
      tenant,
      kind: resource.kind,
      graphVersion,
      collectionPath: resource.collectionPath,
      select,
    };
  });
}
