/**
 * Progress on stderr, so a run over hundreds of tenants is never silent and stdout stays the
 * result alone (`--format json` stays parseable): a `[n/N]` counter per tenant read, and every
 * retry Graph forces, with its wait, without `--debug`. Failures are counted here, never
 * explained: the plan's problems say why, once.
 */
import type { GraphRequestEvent } from "../graph/client.ts";
import type { ReadProgressEvent } from "../operations/read-live.ts";
import { formatSeconds } from "../format-duration.ts";
import { plural } from "../render/plan-values.ts";
import { sanitizeText } from "../render/style.ts";
import type { CommandContext } from "./command.ts";

/** One line per tenant as its reads complete: `[3/400] Read customer-002: 1 collection, 1 object.` */
export function readProgressPrinter(
  context: CommandContext,
  totalTenants: number,
): (event: ReadProgressEvent) => void {
  const pending = new Map<
    string,
    { collections: number; objects: number; done: number; failed: number }
  >();
  let finished = 0;
  return (event) => {
    if (event.type === "tenant-start") {
      pending.set(event.tenant, { collections: event.collections, objects: 0, done: 0, failed: 0 });
      return;
    }
    const tenant = pending.get(event.tenant);
    if (tenant === undefined) return;
    tenant.done++;
    if (event.type === "collection-failed") {
      tenant.failed++;
      // A failure before any read (sign-in, permissions) ends the tenant at once.
      if (event.kind === undefined) tenant.done = tenant.collections;
    } else {
      tenant.objects += event.objects;
    }
    if (tenant.done < tenant.collections) return;
    pending.delete(event.tenant);
    finished++;
    const counter = `[${finished}/${totalTenants}]`;
    const name = sanitizeText(event.tenant);
    context.stderr.write(
      tenant.failed === 0
        ? `${counter} Read ${name}: ${plural(tenant.collections, "collection")}, ${plural(tenant.objects, "object")}.\n`
        : `${counter} ✗ ${name}: ${tenant.failed === tenant.collections || event.kind === undefined ? "not read" : `${tenant.failed} of ${tenant.collections} collections not read`} (why: in the plan's problems).\n`,
    );
  };
}

/**
 * Each retry as it is decided: `Graph throttled fabrikam (429); retrying in 3 s (attempt 2 of
 * 6).` A retry is self-healing, so it is news, not an error; but a wait the user cannot see is
 * a hang to them.
 */
export function retryPrinter(context: CommandContext): (event: GraphRequestEvent) => void {
  return (event) => {
    if (event.retryInMs === undefined) return;
    const tenant = sanitizeText(event.tenant);
    const what =
      event.status === 429
        ? `Graph throttled ${tenant} (429)`
        : event.status !== undefined
          ? `Graph answered ${event.status} for ${tenant}`
          : `No answer from Graph for ${tenant}${event.networkError === undefined ? "" : ` (${sanitizeText(event.networkError)})`}`;
    context.stderr.write(
      `${what}; retrying in ${formatSeconds(event.retryInMs)} (attempt ${event.attempt + 1} of ${event.maxAttempts}).\n`,
    );
  };
}
