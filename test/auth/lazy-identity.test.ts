import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

/**
 * `validate` must never load @azure/identity: the auth and graph modules may be imported freely,
 * and the library is loaded only when a credential is actually built. Checked in a fresh Node
 * process with a resolve hook that records every request for the package.
 */
const root = fileURLToPath(new URL("../../", import.meta.url));

const script = `
import { registerHooks } from "node:module";
const loaded = [];
registerHooks({
  resolve(specifier, context, next) {
    if (specifier.startsWith("@azure/identity")) loaded.push(specifier);
    return next(specifier, context);
  },
});
const report = (stage) => console.log(stage + " " + JSON.stringify(loaded));
for (const file of ["src/operations/connect.ts", "src/operations/read-live.ts", "src/auth/credential.ts", "src/auth/token-provider.ts", "src/auth/endpoints.ts"]) {
  await import(new URL(file, ${JSON.stringify(`file://${root}`)}).href);
}
report("imported");
const { createCredential } = await import(new URL("src/auth/credential.ts", ${JSON.stringify(`file://${root}`)}).href);
await createCredential(
  { name: "t", tenantId: "00000000-0000-0000-0000-000000000000", cloud: "global", graphVersion: "v1.0",
    auth: { method: "clientSecret", clientId: "c", clientSecretEnv: "S" }, source: { file: "x", line: 1, column: 1 } },
  { env: { S: "not-a-real-secret" }, configDir: ".", allowCustomEndpoint: false },
);
report("credential");
`;

describe("@azure/identity", () => {
  it("is loaded only when a credential is built", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--input-type=module", "-e", script],
      {
        cwd: root,
        env: { ...process.env, NO_PROXY: "127.0.0.1,localhost" },
      },
    );
    const lines = stdout.trim().split("\n");
    expect(lines[0]).toBe("imported []");
    expect(lines[1]).toBe('credential ["@azure/identity"]');
  });
});
