import { createHash } from "node:crypto";
import { ExitError, UsageError } from "../errors.ts";

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
 * Which shard a tenant belongs to. A hash of the tenant's name, not its position in a list, so
 * adding or removing one tenant moves no other tenant to another job.
 */
export function shardOf(tenantName: string, count: number): number {
  const digest = createHash("sha256").update(tenantName).digest();
  return (digest.readUInt32BE(0) % count) + 1;
}

/**
 * The tenants a run covers: every declared tenant, narrowed by `--tenant NAME` (repeatable) and
 * by `--shard I/N`. Unknown names are an error, not an empty run.
 */
export function selectTenants(
  declared: readonly string[],
  options: { readonly names?: readonly string[]; readonly shard?: Shard },
): string[] {
  let selected = [...declared].sort();
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
  if (shard) selected = selected.filter((name) => shardOf(name, shard.count) === shard.index);
  return selected;
}
