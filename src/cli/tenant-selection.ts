import { compareStrings } from "../canonical-json.ts";
import { UsageError } from "../errors.ts";
import { ExitError } from "./exit-error.ts";

/** `--shard I/N`: this job's part of the tenants, 1-based as a GitHub Actions matrix counts. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new UsageError(
      `--shard ${text}: expected I/N with 1 <= I <= N, e.g. --shard 2/4 for the second of four jobs`,
    );
  }
  return { index, count };
}

/**
 * The tenants a run covers: every declared tenant, narrowed by `--tenant NAME` (repeatable) and
 * by `--shard I/N`. Unknown names are an error, not an empty run.
 *
 * Shards: the declared tenants sorted by name (by code point, so the same on every machine and
 * locale) and dealt round-robin, the first to shard 1, the second to shard 2, and so on. So
 * shard sizes differ by at most one, whatever the count, and anyone can work out by hand which
 * job plans a tenant. Adding a tenant moves the ones sorted after it to the next shard:
 * harmless, as every run reads the live tenants afresh. With fewer tenants than shards, some
 * shards are empty (a run with nothing to do, not an error).
 */
export function selectTenants(
  declared: readonly string[],
  options: { readonly names?: readonly string[]; readonly shard?: Shard },
): string[] {
  const sorted = [...declared].sort(compareStrings);
  let selected = sorted;
  if (options.names && options.names.length > 0) {
    const unknown = options.names.filter((name) => !declared.includes(name));
    if (unknown.length > 0) {
      throw new ExitError(
        `--tenant ${unknown.join(", ")}: no such tenant in the configuration (declared: ${declared.join(", ") || "none"})`,
      );
    }
    selected = selected.filter((name) => options.names!.includes(name));
  }
  const shard = options.shard;
  // Dealt over every declared tenant, not over the --tenant selection, so a tenant's shard
  // never depends on the other flags.
  if (shard) {
    const inShard = new Set(sorted.filter((_, index) => (index % shard.count) + 1 === shard.index));
    selected = selected.filter((name) => inShard.has(name));
  }
  return selected;
}
