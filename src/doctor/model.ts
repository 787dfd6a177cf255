/**
 * What `intune-gitops doctor` found about one tenant: a list of checks, each with a verdict and,
 * unless it passed, what to do. Plain data, made by the pure functions of this folder from the
 * answers the doctor operation collected, and rendered by `render/doctor-*.ts`.
 */
import type { CloudName } from "../clouds.ts";
import type { GraphVersion } from "../resources/types.ts";

/**
 * - `pass`: as intune-gitops needs it;
 * - `warn`: works, but something is missing or unexpected (an optional permission, a Graph
 *   version the configuration does not use, properties the registry does not know);
 * - `fail`: plan or apply will not work for this tenant until it is fixed.
 */
export type Verdict = "pass" | "warn" | "fail";

export interface DoctorCheck {
  /**
   * Stable, for machines: `token/tenant`, `token/audience`, `token/read`, `token/write`,
   * `token/audit`, `read/{version}/{collection}`, `select/{version}/{collection}`,
   * `schema/{version}/{collection}`, `audit-events`.
   */
  readonly id: string;
  /** One line saying what was checked, e.g. `remoteAssistancePartners readable on beta`. */
  readonly title: string;
  readonly verdict: Verdict;
  /** What was seen (Graph's words quoted where it answered with an error). */
  readonly detail: string;
  /** What to do about it; absent when the check passed. */
  readonly fix?: string;
  /** For collection checks: the collection name and version. */
  readonly collection?: string;
  readonly graphVersion?: GraphVersion;
  /** For the schema watch: properties Graph returned that the registry does not know. */
  readonly unknownProperties?: readonly string[];
  /** For the schema watch: properties the registry knows that Graph did not return. */
  readonly missingProperties?: readonly string[];
}

export interface DoctorReport {
  readonly tenant: string;
  readonly tenantId: string;
  readonly cloud: CloudName;
  /** The Graph root the checks ran against (the cloud's, or the overridden one). */
  readonly graphUrl: string;
  readonly checks: readonly DoctorCheck[];
}

/** The worst verdict: what the exit code and the JSON `status` follow. */
export function overallVerdict(checks: readonly DoctorCheck[]): Verdict {
  if (checks.some((check) => check.verdict === "fail")) return "fail";
  if (checks.some((check) => check.verdict === "warn")) return "warn";
  return "pass";
}

/** How many checks have each verdict. */
export function countVerdicts(checks: readonly DoctorCheck[]): Readonly<Record<Verdict, number>> {
  const counts: Record<Verdict, number> = { pass: 0, warn: 0, fail: 0 };
  for (const check of checks) counts[check.verdict]++;
  return counts;
}
