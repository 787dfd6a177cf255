import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXAMPLES } from "./cli.ts";

/** A throw-away configuration folder; `cleanup()` removes it. */
export interface TempConfig {
  readonly dir: string;
  write(file: string, text: string): void;
  cleanup(): void;
}

export function tempConfig(options: { fromExamples?: boolean } = {}): TempConfig {
  const dir = mkdtempSync(join(tmpdir(), "intune-gitops-test-"));
  if (options.fromExamples) {
    for (const file of ["tenants.yaml", "remote-assistance.yaml", "device-management.yaml"]) {
      cpSync(join(EXAMPLES, file), join(dir, file));
    }
  }
  return {
    dir,
    write: (file, text) => writeFileSync(join(dir, file), text),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The example tenants (contoso: clientSecret from AZURE_CLIENT_SECRET; fabrikam: environment). */
export const EXAMPLE_TENANTS = `
apiVersion: intune-gitops/v1
kind: Tenant
metadata: { name: contoso }
spec:
  tenantId: 6babcaad-604b-40ac-a9d7-9fd97c0b779f
  graphVersion: beta
  auth: { method: clientSecret, clientId: 9a3c1f0e-5b7d-4e2a-8c61-2f4d8b9e7a13, clientSecretEnv: AZURE_CLIENT_SECRET }
---
apiVersion: intune-gitops/v1
kind: Tenant
metadata: { name: fabrikam }
spec:
  tenantId: 3f2b8c4d-1e6a-4b9f-a7d5-8c0e2b4f6a19
  graphVersion: v1.0
  auth: { method: environment }
`;
