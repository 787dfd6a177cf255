import { afterEach, describe, expect, it, vi } from "vitest";
import { TenantDocument } from "./config/schema.ts";
import { z } from "./zod.ts";

describe("zod as the tool configures it", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("runs jitless: no parser is compiled at a schema's first parse", () => {
    expect(z.config().jitless).toBe(true);
    const compile = vi.spyOn(globalThis, "Function");
    const parsed = TenantDocument.safeParse({
      apiVersion: "intune-gitops/v1",
      kind: "Tenant",
      metadata: { name: "contoso" },
      spec: {
        tenantId: "00000000-0000-0000-0000-000000000001",
        auth: { method: "azureCli" },
      },
    });
    expect(parsed.success).toBe(true);
    expect(compile).not.toHaveBeenCalled();
  });
});
