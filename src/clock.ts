import { UsageError } from "./errors.ts";

/**
 * The time a run takes as "now", for what depends on the date (accepted deviations expire).
 * `INTUNE_GITOPS_NOW` (an ISO 8601 date-time) fixes it: for tests, and to ask "what will the
 * plan say on 1 February?". Unset, it is the system clock.
 */
export function nowFrom(env: Readonly<Record<string, string | undefined>>): Date {
  const fixed = env["INTUNE_GITOPS_NOW"];
  if (fixed === undefined || fixed === "") return new Date();
  const parsed = new Date(fixed);
  if (!/^\d{4}-\d{2}-\d{2}(T.*)?$/.test(fixed) || Number.isNaN(parsed.getTime())) {
    throw new UsageError(
      `INTUNE_GITOPS_NOW=${JSON.stringify(fixed)} is not an ISO 8601 date or date-time (e.g. 2027-01-31T12:00:00Z); unset it to use the system clock`,
    );
  }
  return parsed;
}
