import { redactJson } from "../redact.ts";
import type { JsonValue } from "../json.ts";
import { canonicalJsonSha256 } from "../canonical-json.ts";
import type { Plan } from "./model.ts";
import { PlanSchema } from "./plan-schema.ts";
import { savedPlanJson } from "./saved-plan-json.ts";

/**
 * Saved plans (`plan --out FILE`, read by `apply FILE`): pretty JSON, format 2
 *
 *   { "intune_gitops_plan": 2, "tool_version", "config_digest", "created_at", "config_commit",
 *     "config_modified", "plan": <the plan, snake_case: saved-plan-json.ts>, "checksum" }
 *
 * `intune_gitops_plan` is the file format version (and says what the file is); `checksum` is the
 * sha256 of the canonical JSON of `plan`, so a file edited by hand is refused rather than
 * applied. A plan holds no token or secret: only addresses, live ids, values and fingerprints, and
 * a registered secret that a server echoed into a live value is replaced by `[redacted]`.
 *
 * Format 1 (until the saved plan moved to snake_case like every other document the tool writes)
 * had the model's camelCase keys inside. It is refused with its own message, never read: its
 * keys would not mean what format 2's mean, and a plan is cheap to make again.
 */
export const PLAN_FILE_FORMAT = 2;

/**
 * Where and when a saved plan was made, shown by `apply` and `show` for the record (the
 * file's `created_at`, `config_commit`, `config_modified`): when (ISO 8601, UTC), the git commit of the configuration (`null` outside a git repository) and
 * whether the configuration had changes not in that commit. Informational: the checksum covers
 * the plan, and what apply checks is the configuration digest. Absent in files written before
 * they were recorded.
 */
export interface PlanOrigin {
  readonly createdAt: string;
  readonly configCommit: string | null;
  readonly configModified: boolean;
}

export function serializePlanFile(plan: Plan, origin?: PlanOrigin): string {
  // As JSON values (no `undefined`), so that the checksum covers exactly what the file holds,
  // and with secrets cut out: a plan file is uploaded as a CI artifact. Only live values can hold
  // one (a server echoing a token into a property); the fingerprints, which apply checks, were
  // computed over the real values, so a redacted `before` changes nothing about applying.
  const data = redactJson(savedPlanJson(plan));
  const file = {
    intune_gitops_plan: PLAN_FILE_FORMAT,
    tool_version: plan.toolVersion,
    config_digest: plan.configDigest,
    ...(origin === undefined
      ? {}
      : {
          created_at: origin.createdAt,
          config_commit: origin.configCommit,
          config_modified: origin.configModified,
        }),
    plan: data,
    checksum: planChecksum(data),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

export interface ParsePlanFileOptions {
  /** This tool's version: a plan is applied only by the version that made it. */
  readonly toolVersion: string;
}

/**
 * Reads a saved plan, refusing (with a message that says what to do) anything that is not a plan
 * file this version wrote and nobody changed since.
 */
/**
 * The largest plan file `apply` reads: a change is about 1 KB, so this is tens of thousands of
 * changes, and what is read is buffered and parsed whole (the memory is several times the size).
 */
export const MAX_PLAN_FILE_BYTES = 32 * 1024 * 1024;

export function parsePlanFile(
  text: string,
  options: ParsePlanFileOptions,
): { plan: Plan; origin?: PlanOrigin } | { error: string } {
  try {
    return readPlanFile(text, options);
  } catch (error) {
    // JSON.parse reads any depth; the checksum and the schema recurse, and a file made to be
    // nested deeper than the stack must be refused like any other bad file, not crash.
    if (error instanceof RangeError) {
      return { error: "the plan file is nested too deeply to be a plan: run plan again" };
    }
    throw error;
  }
}

function readPlanFile(
  text: string,
  options: ParsePlanFileOptions,
): { plan: Plan; origin?: PlanOrigin } | { error: string } {
  const runAgain = "run plan again to make a new one";
  if (text.trim() === "") return { error: `the plan file is empty: ${runAgain}` };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? `: ${error.message}` : "";
    return { error: `the plan file is not valid JSON (truncated?)${reason}; ${runAgain}` };
  }
  if (
    typeof data === "object" &&
    data !== null &&
    "format_version" in data &&
    "changes" in data &&
    !("intune_gitops_plan" in data)
  ) {
    return {
      error:
        "this is the output of 'plan --format json', which is for reading: apply needs the plan file that 'plan --out FILE' saves (checksummed, with everything apply checks)",
    };
  }
  if (
    typeof data !== "object" ||
    data === null ||
    Array.isArray(data) ||
    !("intune_gitops_plan" in data)
  ) {
    return { error: 'this is not an intune-gitops plan file (it has no "intune_gitops_plan" key)' };
  }
  const file = data as Record<string, unknown>;
  const format = file["intune_gitops_plan"];
  if (format === 1) {
    return {
      error: `plan file format 1 (written by an older intune-gitops, with camelCase keys) is not one intune-gitops ${options.toolVersion} reads: it reads format ${PLAN_FILE_FORMAT} (snake_case keys) and refuses an older file rather than misread it: run 'intune-gitops plan --out FILE' again with this version, review the new plan and apply that`,
    };
  }
  if (format !== PLAN_FILE_FORMAT) {
    return {
      error: `plan file format ${JSON.stringify(format)} is not one intune-gitops ${options.toolVersion} reads (it reads format ${PLAN_FILE_FORMAT}): run plan again with this version`,
    };
  }
  const madeBy = file["tool_version"];
  if (typeof madeBy !== "string") {
    return { error: `the plan file does not say which intune-gitops made it: ${runAgain}` };
  }
  if (madeBy !== options.toolVersion) {
    return {
      error: `plan made by intune-gitops ${madeBy}, this is ${options.toolVersion}: run plan again with this version`,
    };
  }
  const plan = file["plan"];
  if (plan === undefined) return { error: `the plan file has no plan: ${runAgain}` };
  if (file["checksum"] !== planChecksum(plan as JsonValue)) {
    return {
      error: `the plan file's checksum does not match its content (edited by hand?): ${runAgain}`,
    };
  }
  const parsed = PlanSchema.safeParse(plan);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${["plan", ...issue.path].join(".")}: ${issue.message}`)
      .join("; ");
    return { error: `the plan file does not hold a valid plan (${issues}): ${runAgain}` };
  }
  if (parsed.data.toolVersion !== madeBy || parsed.data.configDigest !== file["config_digest"]) {
    return {
      error: `the plan file's header does not match its plan (edited by hand?): ${runAgain}`,
    };
  }
  const unknownKeys = Object.keys(file).filter((key) => !FILE_KEYS.has(key));
  if (unknownKeys.length > 0) {
    return { error: `the plan file has unexpected keys (${unknownKeys.join(", ")}): ${runAgain}` };
  }
  const origin = originOf(file);
  if (origin === "invalid") {
    return {
      error: `the plan file's created_at, config_commit or config_modified is not valid: ${runAgain}`,
    };
  }
  return origin === undefined ? { plan: parsed.data } : { plan: parsed.data, origin };
}

function originOf(file: Record<string, unknown>): PlanOrigin | undefined | "invalid" {
  const {
    created_at: createdAt,
    config_commit: configCommit,
    config_modified: configModified,
  } = file;
  if (createdAt === undefined && configCommit === undefined && configModified === undefined)
    return undefined;
  if (
    typeof createdAt !== "string" ||
    Number.isNaN(Date.parse(createdAt)) ||
    !(
      configCommit === null ||
      (typeof configCommit === "string" && /^[0-9a-f]{40,64}$/.test(configCommit))
    ) ||
    typeof configModified !== "boolean"
  )
    return "invalid";
  return { createdAt, configCommit, configModified };
}

const FILE_KEYS = new Set([
  "intune_gitops_plan",
  "tool_version",
  "config_digest",
  "created_at",
  "config_commit",
  "config_modified",
  "plan",
  "checksum",
]);

function planChecksum(plan: JsonValue): string {
  return canonicalJsonSha256(plan);
}
