/**
 * The scenario's configuration as a user keeps it: YAML files on disk, one per tenant (its
 * `Tenant` document, then its objects), which the CLI loads as it would in a repository.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import type { JsonValue } from "../src/json.ts";
import type { Scenario } from "./scenario.ts";

/** Writes the configuration (`inSync`: the live state's values, else the drifted one) to `dir`. */
export function writeConfiguration(scenario: Scenario, dir: string, inSync: boolean): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "tenants"), { recursive: true });
  const byTenant = new Map<string, string[]>();
  for (const object of scenario.objects) {
    const documents = byTenant.get(object.tenant) ?? [];
    byTenant.set(object.tenant, documents);
    documents.push(
      document(
        object.kind,
        {
          name: object.name,
          tenants: object.tenant,
          match: { displayName: object.displayName },
          graphVersion: "beta",
        },
        inSync ? object.live : object.desired,
      ),
    );
  }
  for (const tenant of scenario.tenants) {
    const tenantDocument = document(
      "Tenant",
      { name: tenant.name },
      {
        tenantId: tenant.tenantId,
        cloud: tenant.cloud,
        graphVersion: tenant.graphVersion,
        auth: { ...tenant.auth },
      },
    );
    writeFileSync(
      join(dir, "tenants", `${tenant.name}.yaml`),
      [tenantDocument, ...(byTenant.get(tenant.name) ?? [])].join("---\n"),
    );
  }
}

function document(
  kind: string,
  metadata: Readonly<Record<string, JsonValue>>,
  spec: Readonly<Record<string, JsonValue>>,
): string {
  return stringify({ apiVersion: "intune-gitops/v1", kind, metadata, spec });
}
