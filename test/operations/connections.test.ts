import { describe, expect, it } from "vitest";
import type { DesiredObject, DesiredState, TenantConfig } from "../../src/config/model.ts";
import { createConnectionPool } from "../../src/operations/connections.ts";
import { desiredObject, tenant } from "../helpers/plan-builders.ts";

/** An array that counts how often one of its elements is read. */
function counted<T>(items: T[], counter: { reads: number }): T[] {
  return new Proxy(items, {
    get(target, property, receiver) {
      if (typeof property === "string" && /^\d+$/.test(property)) counter.reads++;
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

describe("createConnectionPool", () => {
  it("finds each tenant and its Graph versions without scanning the configuration per tenant", async () => {
    const count = 400;
    const counter = { reads: 0 };
    const tenants: TenantConfig[] = Array.from({ length: count }, (_, index) => ({
      ...tenant(`tenant-${String(index).padStart(4, "0")}`),
      // A secret in a variable the environment does not set: the connection fails before any
      // request, after the pool has looked the tenant up.
      auth: {
        method: "clientSecret",
        clientId: "7b0c2d4e-6f81-4a93-b5c7-d9e1f3a5b7c9",
        clientSecretEnv: "UNSET_SECRET",
      },
    }));
    const objects: DesiredObject[] = tenants.flatMap((config) =>
      ["a", "b", "c", "d"].map((name) => desiredObject({ tenant: config.name, name })),
    );
    const state: DesiredState = {
      tenants: counted(tenants, counter),
      objects: counted(objects, counter),
      digest: "c0ffee",
      files: [],
    };
    const clientFor = createConnectionPool(state, "read", {
      env: {},
      configDir: ".",
      allowCustomEndpoint: false,
    });
    const outcomes = await Promise.allSettled(tenants.map((config) => clientFor(config.name)));
    for (const outcome of outcomes) {
      expect(outcome.status).toBe("rejected");
      expect(String((outcome as PromiseRejectedResult).reason)).toContain("UNSET_SECRET");
    }
    // A few passes over the configuration in all; one per tenant would be count x 5 count reads.
    expect(counter.reads).toBeLessThanOrEqual(4 * (tenants.length + objects.length));
  });
});
