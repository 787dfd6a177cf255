/**
 * What an access token must say before it is sent to Graph: that it is for this tenant (`tid`),
 * for this cloud's Graph (`aud`), and still valid (`exp`). The claims are decoded, not verified
 * (Graph verifies the signature); the point is to catch a token endpoint that hands out the
 * wrong token — another tenant's, another resource's, an expired one — before it reads or
 * writes anything, with a message that says which.
 */
import { decodeJwtPayload } from "./permissions.ts";

/** Microsoft Graph's application id: the `aud` of v1 tokens in every cloud. */
export const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

export interface ExpectedClaims {
  /** The tenant's `tenantId` from the configuration (a GUID). */
  readonly tenantId?: string;
  /** The accepted audiences: the cloud's Graph resource URI and Graph's application id. */
  readonly audiences: readonly string[];
}

/** The Graph resource of a `…/.default` scope, and Graph's app id: what `aud` may be. */
export function graphAudiences(scope: string): string[] {
  return [scope.replace(/\/\.default$/, ""), GRAPH_APP_ID];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const sameAudience = (a: string, b: string) =>
  a.replace(/\/+$/, "").toLowerCase() === b.replace(/\/+$/, "").toLowerCase();

/**
 * The problem with a token, or undefined when it may be used. `expiresOnTimestamp` (ms) is what
 * the token endpoint said; `nowMs` is the current time. A token that is not a JWT is checked for
 * expiry only (`nonJwt` says so, for the debug trace): its claims cannot be read.
 */
export function tokenProblem(
  token: string,
  expiresOnTimestamp: number,
  expected: ExpectedClaims,
  nowMs: number,
): { problem?: string; nonJwt?: true } {
  if (expiresOnTimestamp <= nowMs) {
    return { problem: "the token endpoint returned a token that has already expired" };
  }
  const claims = decodeJwtPayload(token);
  if (claims === undefined) return { nonJwt: true };
  const { exp, tid, aud } = claims;
  if (typeof exp === "number" && exp * 1000 <= nowMs) {
    return {
      problem: `the token endpoint returned a token that expired at ${new Date(exp * 1000).toISOString()}`,
    };
  }
  if (expected.tenantId !== undefined && GUID.test(expected.tenantId)) {
    if (typeof tid !== "string") return { problem: "the token names no tenant (no tid claim)" };
    if (tid.toLowerCase() !== expected.tenantId.toLowerCase()) {
      return {
        problem: `the token is for tenant ${safeClaim(tid)}, not this tenant's tenantId ${expected.tenantId}`,
      };
    }
  }
  const audiences = Array.isArray(aud) ? aud : [aud];
  const matches = audiences.some(
    (candidate) =>
      typeof candidate === "string" &&
      expected.audiences.some((wanted) => sameAudience(candidate, wanted)),
  );
  if (!matches) {
    return {
      problem: `the token is for ${typeof aud === "string" ? safeClaim(aud) : "no audience"}, not Microsoft Graph at ${expected.audiences[0] ?? "(none)"}`,
    };
  }
  return {};
}

/** A claim value as it may be shown: short, printable. */
function safeClaim(value: string): string {
  const printable = value.replace(/[^\x20-\x7e]/g, "?");
  return JSON.stringify(printable.length > 100 ? `${printable.slice(0, 97)}...` : printable);
}
