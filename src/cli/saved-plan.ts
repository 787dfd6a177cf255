import { resolve } from "node:path";
import { ExitError } from "./exit-error.ts";
import type { Plan } from "../plan/model.ts";
import { MAX_PLAN_FILE_BYTES, parsePlanFile, type PlanOrigin } from "../plan/plan-file.ts";
import { FileReadError, readRegularFile } from "../read-regular-file.ts";
import { TOOL_VERSION } from "../version.ts";
import type { CommandContext } from "./command.ts";

/** A saved plan and, when the file records it, where and when it was made. */
export interface SavedPlan {
  readonly plan: Plan;
  readonly origin?: PlanOrigin;
}

/**
 * A plan saved by `plan --out`, read and checked (a regular file of bounded size, format,
 * version, checksum) for `apply` and `show`. `consequence` ends the message when it is refused,
 * e.g. "Nothing was written."
 */
export async function readSavedPlan(
  path: string,
  context: CommandContext,
  consequence = "",
): Promise<SavedPlan> {
  const tail = consequence === "" ? "" : ` ${consequence}`;
  let text: string;
  try {
    text = (await readRegularFile(resolve(context.cwd, path), MAX_PLAN_FILE_BYTES)).toString(
      "utf8",
    );
  } catch (error) {
    if (!(error instanceof FileReadError)) throw error;
    throw new ExitError(
      `cannot read the plan file ${path}: ${error.message}.${tail} Pass a plan saved by 'plan --out FILE'.`,
    );
  }
  const parsed = parsePlanFile(text, { toolVersion: TOOL_VERSION });
  if ("error" in parsed) throw new ExitError(`${path}: ${parsed.error}.${tail}`);
  return parsed;
}

/**
 * `Plan made 2026-12-07T05:00:00.000Z from commit 0123…, with changes to the configuration not
 * committed.`: for the record, before apply writes and when show prints.
 */
export function originLine(origin: PlanOrigin | undefined): string {
  if (origin === undefined)
    return "The plan file does not record when or from which commit it was made (an older intune-gitops saved it).";
  const from =
    origin.configCommit === null
      ? "from a configuration outside any git repository"
      : `from commit ${origin.configCommit}${origin.configModified ? ", with changes to the configuration not committed" : ""}`;
  return `Plan made ${origin.createdAt} ${from}.`;
}
