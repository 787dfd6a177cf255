/**
 * The flags `plan` and `apply` share for what a run tells beyond the plan: drift attribution
 * (`--attribution-window`, `--no-attribution`) and the events file (`--events FILE`).
 */
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { UsageError } from "../errors.ts";
import {
  DEFAULT_ATTRIBUTION_WINDOW_DAYS,
  MAX_ATTRIBUTION_WINDOW_DAYS,
} from "../plan/attribution.ts";
import type { RunEventLog } from "../render/run-events.ts";
import { ExitError } from "./exit-error.ts";
import type { CommandContext, OptionValues } from "./command.ts";

export const RUN_EXTRA_OPTIONS = {
  "attribution-window": { type: "string" },
  "no-attribution": { type: "boolean" },
  events: { type: "string" },
} as const;

export const RUN_EXTRAS_HELP = `      --attribution-window D  How far back Intune's audit log is searched for who changed a drifted
                              property: days, e.g. 30d (default) or 90 (at most ${MAX_ATTRIBUTION_WINDOW_DAYS}); read only
                              for tenants with changes, needs DeviceManagementApps.Read.All
      --no-attribution        Do not read the audit log
      --events FILE           Also write JSON Lines: one event per drifted property, per partner
                              health finding and per applied change (tenant, object, property,
                              before, after, actor when known)`;

/** The attribution window from the flags; undefined when attribution is off. */
export function attributionOf(values: OptionValues): { readonly windowDays: number } | undefined {
  const window = values["attribution-window"];
  if (values["no-attribution"] === true) {
    if (typeof window === "string")
      throw new UsageError("--attribution-window and --no-attribution: choose one");
    return undefined;
  }
  if (typeof window !== "string") return { windowDays: DEFAULT_ATTRIBUTION_WINDOW_DAYS };
  const match = /^(\d{1,3})d?$/.exec(window.trim());
  const days = match ? Number(match[1]) : Number.NaN;
  if (!(days >= 1 && days <= MAX_ATTRIBUTION_WINDOW_DAYS)) {
    throw new UsageError(
      `--attribution-window ${window}: expected a number of days from 1 to ${MAX_ATTRIBUTION_WINDOW_DAYS}, e.g. 30d (Intune keeps a year of audit events); --no-attribution turns it off`,
    );
  }
  return { windowDays: days };
}

/**
 * Whether the run writes an events file (`--events FILE`). Without it the events are not made
 * at all: a 2,000-tenant plan has thousands (one per drifted property and health finding), each
 * with its canonical JSON kept to drop repeats.
 */
export function wantsEvents(values: OptionValues): boolean {
  return typeof values.events === "string";
}

/** Writes the run's events to `--events FILE` (nothing without the flag, when none were made). */
export async function writeEventsFile(
  values: OptionValues,
  events: RunEventLog | undefined,
  context: CommandContext,
): Promise<void> {
  const file = values.events;
  if (typeof file !== "string" || events === undefined) return;
  try {
    await writeFile(resolve(context.cwd, file), events.toJsonLines(), { mode: 0o644 });
  } catch (error) {
    throw new ExitError(
      `cannot write the events to ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
