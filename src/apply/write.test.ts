import { describe, expect, it } from "vitest";
import { apply, fourChanges } from "../../test/helpers/in-memory-apply.ts";

/**
 * The write phase (write.ts) against the in-memory Graph. Its retries, circuit breaker and lost
 * answers need the real client: test/apply/write-limits.test.ts and unknown-outcome.test.ts.
 */
describe("the write phase", () => {
  it("never sends a write without a budget slot: a wait that fails for any reason skips the write", async () => {
    const { graph, plan } = fourChanges();
    const { result } = await apply(graph, plan, {
      writeBudget: { writes: 1, perMs: 60_000 },
      concurrentTenants: 1,
      concurrencyPerTenant: 1,
      sleep: () => Promise.reject(new Error("the clock broke")),
    });
    // One slot per tenant: the first write of each is sent, the second cannot wait for its slot.
    expect(graph.patches().map((call) => call.id)).toEqual(["contoso-2", "fabrikam-2"]);
    expect(result.results.filter((r) => r.status === "skipped")).toMatchObject([
      { liveId: "contoso-1", skipReason: "interrupted" },
      { liveId: "fabrikam-1", skipReason: "interrupted" },
    ]);
  });
});
