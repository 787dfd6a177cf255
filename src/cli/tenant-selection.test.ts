import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseShard, selectTenants } from "./tenant-selection.ts";

describe("tenant selection", () => {
  it("covers every tenant exactly once across the shards", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 12 }),
        (tenants, count) => {
          const seen = new Map<string, number>();
          for (let index = 1; index <= count; index++) {
            for (const name of selectTenants(tenants, { shard: { index, count } })) {
              seen.set(name, (seen.get(name) ?? 0) + 1);
            }
          }
          expect([...seen.keys()].sort()).toEqual([...tenants].sort());
          expect([...seen.values()].every((times) => times === 1)).toBe(true);
        },
      ),
    );
  });

  it("balances the shards: sizes differ by at most one, for any count", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { maxLength: 80 }),
        fc.integer({ min: 1, max: 16 }),
        (tenants, count) => {
          const sizes = Array.from(
            { length: count },
            (_, index) => selectTenants(tenants, { shard: { index: index + 1, count } }).length,
          );
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it("deals the tenants, sorted by name, round-robin: the documented assignment", () => {
    const tenants = Array.from(
      { length: 60 },
      (_, index) => `customer-${String(index).padStart(3, "0")}`,
    );
    const sizes = [1, 2, 3, 4].map(
      (index) => selectTenants(tenants, { shard: { index, count: 4 } }).length,
    );
    expect(sizes).toEqual([15, 15, 15, 15]);
    expect(selectTenants(["contoso", "fabrikam"], { shard: { index: 1, count: 4 } })).toEqual([
      "contoso",
    ]);
    expect(selectTenants(["contoso", "fabrikam"], { shard: { index: 2, count: 4 } })).toEqual([
      "fabrikam",
    ]);
    expect(selectTenants(["fabrikam", "contoso"], { shard: { index: 3, count: 4 } })).toEqual([]);
    expect(selectTenants(["c", "a", "b"], { shard: { index: 2, count: 2 } })).toEqual(["b"]);
  });

  it("narrows to --tenant names and refuses unknown ones", () => {
    expect(selectTenants(["b", "a", "c"], { names: ["c", "a"] })).toEqual(["a", "c"]);
    expect(() => selectTenants(["a"], { names: ["zz"] })).toThrow(/--tenant zz: no such tenant/);
  });

  it("parses I/N and rejects nonsense", () => {
    expect(parseShard("2/4")).toEqual({ index: 2, count: 4 });
    for (const bad of ["0/4", "5/4", "1/0", "x", "1-2", ""]) {
      expect(() => parseShard(bad), bad).toThrow(/expected I\/N/);
    }
  });
});
