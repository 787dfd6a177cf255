import { parseConfig } from "../../src/config/loader.ts";
import type { ConfigResult } from "../../src/config/model.ts";
import type { Diagnostic } from "../../src/diagnostics.ts";

/** Two tenants: contoso on beta, fabrikam on v1.0 (as in config-examples/). */
export const TENANTS = `apiVersion: intune-gitops/v1
kind: Tenant
metadata:
  name: contoso
spec:
  tenantId: 6babcaad-604b-40ac-a9d7-9fd97c0b779f
  graphVersion: beta
  auth:
    method: environment
---
apiVersion: intune-gitops/v1
kind: Tenant
metadata:
  name: fabrikam
spec:
  tenantId: 3f2b8c4d-1e6a-4b9f-a7d5-8c0e2b4f6a19
  graphVersion: v1.0
  auth:
    method: environment
`;

/**
 * A partner object document. `spec` lines are indented by the helper. Without `graphVersion` the
 * `spec:` key is on line 7 and its first property on line 8, column 3; `graphVersion` adds a line.
 */
export function objectYaml(options: {
  kind?: string;
  name?: string;
  tenants?: string;
  match?: string;
  graphVersion?: string;
  spec: string;
}): string {
  const metadata = [
    `  name: ${options.name ?? "partner"}`,
    `  tenants: ${options.tenants ?? "all"}`,
    `  match: ${options.match ?? "{ displayName: Partner }"}`,
    ...(options.graphVersion ? [`  graphVersion: ${options.graphVersion}`] : []),
  ];
  const spec = options.spec
    .replace(/^\n+|\s+$/g, "")
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
  return `apiVersion: intune-gitops/v1\nkind: ${options.kind ?? "RemoteAssistancePartner"}\nmetadata:\n${metadata.join("\n")}\nspec:\n${spec}\n`;
}

export function check(files: Record<string, string | Uint8Array>): ConfigResult {
  return parseConfig(Object.entries(files).map(([path, text]) => ({ path, text })));
}

/** With the standard tenants next to it. */
export function checkObject(yaml: string): ConfigResult {
  return check({ "tenants.yaml": TENANTS, "object.yaml": yaml });
}

/** `severity code file:line:column` per diagnostic: compact and exact. */
export function brief(result: ConfigResult | readonly Diagnostic[]): string[] {
  const diagnostics = "diagnostics" in result ? result.diagnostics : result;
  return diagnostics.map(
    (d) =>
      `${d.severity} ${d.code}${d.source ? ` ${d.source.file}:${d.source.line}:${d.source.column}` : ""}`,
  );
}
