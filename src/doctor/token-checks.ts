/**
 * The doctor's checks of the access token's claims, decoded (never verified: Graph verifies it)
 * and never printed whole: that it is for the configured tenant (`tid`), for this cloud's Graph
 * (`aud`), and which of the permissions intune-gitops uses it carries. Reading is what every
 * command needs (a failure); writing is only the apply app's business and the audit log is
 * optional (warnings).
 */
import { OPTIONAL_PERMISSIONS, checkPermissions, decodeJwtPayload } from "../auth/permissions.ts";
import { tokenProblem } from "../auth/token-claims.ts";
import type { GraphVersion } from "../resources/types.ts";
import type { DoctorCheck } from "./model.ts";

export interface TokenCheckInput {
  readonly accessToken: string;
  /** The configured tenant id (a GUID). */
  readonly tenantId: string;
  /** What `aud` may be: the cloud's Graph resource and Graph's app id. */
  readonly audiences: readonly string[];
  /** Every Graph version the tenant's configuration uses. */
  readonly graphVersions: readonly GraphVersion[];
  readonly nowMs: number;
}

export function tokenChecks(input: TokenCheckInput): DoctorCheck[] {
  const claims = decodeJwtPayload(input.accessToken);
  if (claims === undefined) {
    return [
      {
        id: "token/claims",
        title: "Token claims readable",
        verdict: "warn",
        detail:
          "the access token is not a JWT: its tenant, audience and permissions cannot be read here (Graph checks them)",
        fix: "nothing to do if the collections below are readable; a token that is not a JWT comes from a custom token endpoint",
      },
    ];
  }
  return [
    tenantCheck(input, claims),
    audienceCheck(input, claims),
    permissionCheck(input, "read"),
    permissionCheck(input, "write"),
    auditPermissionCheck(claims),
  ];
}

function tenantCheck(input: TokenCheckInput, claims: Record<string, unknown>): DoctorCheck {
  const { tid } = claims;
  const matches = typeof tid === "string" && tid.toLowerCase() === input.tenantId.toLowerCase();
  return {
    id: "token/tenant",
    title: "Token is for this tenant",
    verdict: matches ? "pass" : "fail",
    detail: `tid ${typeof tid === "string" ? shown(tid) : "(none)"}${matches ? " is the configured tenantId" : `, but the configured tenantId is ${input.tenantId}`}`,
    ...(matches
      ? {}
      : {
          fix: "check the tenant's spec.tenantId, and that the app is consented in that tenant",
        }),
  };
}

function audienceCheck(input: TokenCheckInput, claims: Record<string, unknown>): DoctorCheck {
  // tokenProblem also checks expiry and the tenant: only its audience verdict is taken here.
  const problem = tokenProblem(
    input.accessToken,
    input.nowMs + 60_000,
    { audiences: input.audiences },
    input.nowMs,
  ).problem;
  const audience = Array.isArray(claims.aud) ? claims.aud.join(", ") : claims.aud;
  const shownAudience = typeof audience === "string" ? shown(audience) : "(none)";
  return {
    id: "token/audience",
    title: "Token is for Microsoft Graph",
    verdict: problem === undefined ? "pass" : "fail",
    detail:
      problem === undefined
        ? `aud ${shownAudience} is Graph for this cloud`
        : `aud ${shownAudience}: ${problem}`,
    ...(problem === undefined
      ? {}
      : {
          fix: "check the tenant's spec.cloud, and INTUNE_GITOPS_GRAPH_URL / AZURE_AUTHORITY_HOST if set",
        }),
  };
}

function permissionCheck(input: TokenCheckInput, operation: "read" | "write"): DoctorCheck {
  const problems = input.graphVersions.flatMap((graphVersion) => {
    const problem = checkPermissions(input.accessToken, { operation, graphVersion });
    return problem === undefined ? [] : [problem];
  });
  const roles = grantedRoles(input.accessToken);
  const title =
    operation === "read"
      ? "Permission to read (plan, export, doctor)"
      : "Permission to write (apply, invoke)";
  if (problems.length === 0) {
    return { id: `token/${operation}`, title, verdict: "pass", detail: `roles: ${roles}` };
  }
  return {
    id: `token/${operation}`,
    title,
    // Reading is what everything needs; writing only the app that applies (plan and drift
    // workflows sign in with a read-only app on purpose).
    verdict: operation === "read" ? "fail" : "warn",
    detail: `roles: ${roles}${operation === "write" ? " (fine for an app that only plans)" : ""}`,
    fix: capitalised(problems.join("; and ")),
  };
}

function auditPermissionCheck(claims: Record<string, unknown>): DoctorCheck {
  const granted = grantedPermissions(claims).map((role) => role.toLowerCase());
  // The same permissions plan's attribution asks for (Microsoft's auditEvent list page).
  const has = OPTIONAL_PERMISSIONS["audit-events"].find((permission) =>
    granted.includes(permission.toLowerCase()),
  );
  return {
    id: "token/audit",
    title: "Permission to read the audit log (who changed a drifted object)",
    verdict: has === undefined ? "warn" : "pass",
    detail: has === undefined ? "no DeviceManagementApps.Read.All among the roles" : `${has}`,
    ...(has === undefined ? { fix: auditFix() } : {}),
  };
}

/** What to do without the audit permission: optional, and what it adds. */
export function auditFix(): string {
  return "optional: add the Microsoft Graph application permission DeviceManagementApps.Read.All (Entra ID > App registrations > the app > API permissions), then grant admin consent: plan then names who changed a drifted object";
}

/** The permissions a token grants: application `roles`, or delegated `scp` scopes. */
export function grantedPermissions(claims: Record<string, unknown>): string[] {
  if (typeof claims.scp === "string") return claims.scp.split(/\s+/).filter((s) => s !== "");
  return Array.isArray(claims.roles)
    ? claims.roles.filter((role): role is string => typeof role === "string")
    : [];
}

function grantedRoles(accessToken: string): string {
  const claims = decodeJwtPayload(accessToken);
  const roles = claims === undefined ? [] : grantedPermissions(claims);
  return roles.length === 0 ? "none" : [...roles].sort().join(", ");
}

/** A claim as it may be shown: printable, bounded. */
function shown(value: string): string {
  const printable = value.replace(/[^\x20-\x7e]/g, "?");
  return printable.length > 100 ? `${printable.slice(0, 97)}...` : printable;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
