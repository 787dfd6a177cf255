import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseShard, selectTenants, shardOf } from "./tenant-selection.ts";

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

  it("keeps a tenant in its shard when others are added", () => {
    const before = shardOf("contoso", 4);
    expect(
      selectTenants(["contoso", "a", "b", "c", "d", "e"], { shard: { index: before, count: 4 } }),
    ).toContain("contoso");
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
