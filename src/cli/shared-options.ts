import { resolve } from "node:path";
import { UsageError } from "../errors.ts";
import { parseShard, selectTenants, type Shard } from "./tenant-selection.ts";
import { sanitizeText } from "../render/style.ts";
import type { LoadConfigOptions } from "../config/loader.ts";
import type { CommandContext, OptionValues } from "./command.ts";

/** Options several commands share, with the same spelling and meaning everywhere. */
export const CONFIG_OPTION = {
  config: { type: "string", short: "c" },
  "follow-symlinks": { type: "boolean" },
} as const;
export const TENANT_OPTIONS = {
  tenant: { type: "string", multiple: true },
  shard: { type: "string" },
} as const;
export const OUTPUT_OPTIONS = {
  format: { type: "string", short: "f" },
  "no-color": { type: "boolean" },
} as const;
export const CONNECTION_OPTIONS = {
  "allow-custom-endpoint": { type: "boolean" },
  debug: { type: "boolean" },
} as const;

export const SHARED_OPTIONS_HELP = {
  config:
    "  -c, --config DIR            Configuration folder (default: the current folder)\n" +
    "      --follow-symlinks       Also read files that symbolic links in it lead to outside it",
  tenant: "      --tenant NAME           Only this tenant (repeat for several)",
  shard:
    "      --shard I/N             Only the I-th of N parts of the tenants (for CI matrices): sorted by\n                              name and dealt round-robin, so sizes differ by at most one; an\n                              empty part is success",
  format: (formats: string) => `  -f, --format FORMAT         ${formats} (default: text)`,
  noColor:
    "      --no-color              No ANSI colours (also: NO_COLOR=1 or TERM=dumb; FORCE_COLOR=1 forces them)",
  allowCustomEndpoint:
    "      --allow-custom-endpoint Accept a non-Microsoft, non-loopback INTUNE_GITOPS_GRAPH_URL / AZURE_AUTHORITY_HOST",
  debug:
    "      --debug                 Trace requests (method, path, status, timing) on stderr; never tokens or secrets",
};

export function configDirOf(values: OptionValues, context: CommandContext): string {
  return resolve(context.cwd, typeof values.config === "string" ? values.config : ".");
}

/** How to read the configuration folder, from --follow-symlinks. */
export function loadOptionsOf(values: OptionValues): LoadConfigOptions {
  return { followSymlinks: values["follow-symlinks"] === true };
}

export function formatOf<const F extends string>(values: OptionValues, allowed: readonly F[]): F {
  const format = typeof values.format === "string" ? values.format : allowed[0]!;
  const match = allowed.find((candidate) => candidate === format);
  if (match === undefined) {
    throw new UsageError(`--format ${format}: expected one of ${allowed.join(", ")}`);
  }
  return match;
}

/**
 * Colour only on a terminal that has it: never with --no-color, NO_COLOR (any value) or
 * TERM=dumb; always with FORCE_COLOR (any value but 0 or false), e.g. in CI logs that render it.
 */
export function useColor(values: OptionValues, context: CommandContext): boolean {
  if (values["no-color"] === true) return false;
  if (context.env.NO_COLOR !== undefined && context.env.NO_COLOR !== "") return false;
  const force = context.env.FORCE_COLOR;
  if (force !== undefined && force !== "" && force !== "0" && force !== "false") return true;
  if (context.env.TERM === "dumb") return false;
  return context.stdout.isTTY === true;
}

export function shardOf(values: OptionValues): Shard | undefined {
  return typeof values.shard === "string" ? parseShard(values.shard) : undefined;
}

/** The tenants a run covers, from --tenant and --shard. */
export function selectedTenants(values: OptionValues, declared: readonly string[]): string[] {
  const names = Array.isArray(values.tenant)
    ? values.tenant.filter((name): name is string => typeof name === "string")
    : [];
  const shard = shardOf(values);
  return selectTenants(declared, { names, ...(shard === undefined ? {} : { shard }) });
}

/** A `--debug` sink on stderr (the client and auth modules already redact what they pass). */
export function debugSink(
  values: OptionValues,
  context: CommandContext,
): ((line: string) => void) | undefined {
  if (values.debug !== true) return undefined;
  // Lines quote Graph's own words: control characters are shown, never sent to the terminal.
  return (line) => context.stderr.write(`debug: ${sanitizeText(line)}\n`);
}
