import { describe, expect, it } from "vitest";
import type { ResolvedTenant } from "./seed.ts";
import { createTokenService } from "./tokens.ts";

/**
 * Every token request and every Graph call looks its tenant up: at fleet scale (thousands of
 * tenants) a scan of the tenant list per lookup makes the emulator O(tenants²) per run.
 */
describe("TokenService tenant lookup", () => {
  it("finds a tenant by id or name without scanning the tenant list", async () => {
    const count = 2000;
    let reads = 0;
    const tenants: ResolvedTenant[] = Array.from({ length: count }, (_, index) => ({
      name: `Tenant-${index}`,
      tenantId: `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`,
      apps: [],
      collections: new Map(),
    }));
    // Counts how often a tenant is taken from the list.
    const counted = new Proxy(tenants, {
      get(target, property, receiver) {
        if (typeof property === "string" && /^\d+$/.test(property)) reads++;
        return Reflect.get(target, property, receiver) as unknown;
      },
    });
    const service = await createTokenService(counted, 3600);
    const before = reads;
    for (const tenant of tenants) {
      expect(service.tenantById(tenant.tenantId.toUpperCase())).toBe(tenant);
      expect(service.tenant(tenant.name.toLowerCase())).toBe(tenant);
      expect(service.tenant(tenant.tenantId)).toBe(tenant);
    }
    expect(service.tenant("nobody")).toBeUndefined();
    expect(service.tenantById("nobody")).toBeUndefined();
    // Indexing once is fine (count reads at most); a scan per lookup is count² / 2 reads.
    expect(reads).toBeLessThanOrEqual(before + count);
    expect(reads).toBeLessThanOrEqual(2 * count);
  });
});
