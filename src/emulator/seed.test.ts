import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DEFAULT_SEED_URL, loadSeed, resolveSeed } from "./seed.ts";

const TENANT = "12345678-1234-4234-8234-123456789012";
const APP = { clientId: "87654321-4321-4321-8321-210987654321", secret: "s" };

describe("loadSeed", () => {
  it("loads the default seed: the two tenants of config-examples/tenants.yaml", () => {
    const tenants = resolveSeed(loadSeed(fileURLToPath(DEFAULT_SEED_URL)));
    expect(tenants.map((tenant) => [tenant.name, tenant.tenantId])).toEqual([
      ["contoso", "6babcaad-604b-40ac-a9d7-9fd97c0b779f"],
      ["fabrikam", "3f2b8c4d-1e6a-4b9f-a7d5-8c0e2b4f6a19"],
    ]);
    expect(tenants[1]?.collections.get("deviceManagementPartners")).toHaveLength(2);
  });

  it("reads JSON text as well as YAML, and gives objects without an id a stable one", () => {
    const text = JSON.stringify({
      tenants: [
        {
          name: "t",
          tenantId: TENANT,
          apps: [APP],
          remoteAssistancePartners: [{ displayName: "x" }],
        },
      ],
    });
    const idOf = () =>
      resolveSeed(loadSeed(text))[0]?.collections.get("remoteAssistancePartners")?.[0]?.["id"];
    expect(idOf()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(idOf()).toBe(idOf());
  });

  it("reports every problem at once, objects checked against the metadata", () => {
    const seed = `
tenants:
  - name: t
    tenantId: not-a-guid
    apps: [{ clientId: ${APP.clientId}, secret: s }]
`;
    expect(() => loadSeed(seed)).toThrow(/tenants\[0\]\.tenantId: must be a GUID/);
    const objects = `
tenants:
  - name: t
    tenantId: ${TENANT}
    apps:
      - clientId: ${APP.clientId}
      - clientId: ${APP.clientId}
        secret: s
    remoteAssistancePartners:
      - { onboardingStatus: sideways }
      - { lastConnectionDateTime: yesterday }
    widgets: []
`;
    let message = "";
    try {
      loadSeed(objects);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/tenants\[0\]\.apps\[0\]: give the app a secret/);
    expect(message).toMatch(
      /clientId '87654321-4321-4321-8321-210987654321' appears more than once/,
    );
    expect(message).toMatch(/remoteAssistancePartners\[0\]: .*'sideways'/);
    expect(message).toMatch(
      /remoteAssistancePartners\[1\]: Cannot convert the literal 'yesterday'/,
    );
    expect(message).toMatch(/tenants\[0\]\.widgets: unknown collection/);
  });

  it("refuses a credential it cannot parse", () => {
    const seed = {
      tenants: [
        {
          name: "t",
          tenantId: TENANT,
          apps: [
            {
              ...APP,
              certificatePem: "not a pem",
              federatedCredentials: [{ issuer: "i", subject: "s", publicKeyPem: "nope" }],
            },
          ],
        },
      ],
    };
    expect(() => resolveSeed(seed)).toThrow(
      /certificatePem: no PEM certificate found[\s\S]*federatedCredentials\[0\]\.publicKeyPem/,
    );
  });
});
