/**
 * Permission preflight: before any Graph call, read the access token's claims (decoded, never
 * verified: Graph verifies it) and say which permission is missing for what we are about to do,
 * instead of letting the user decode a 403 from the middle of a run.
 *
 * What the operations need (the seed pages' permission tables, which say "one of the following
 * permissions is required"):
 * - read (list): DeviceManagementServiceConfig.Read.All or DeviceManagementServiceConfig.ReadWrite.All;
 * - write (PATCH) on v1.0: DeviceManagementServiceConfig.ReadWrite.All;
 * - write (PATCH) on beta: DeviceManagementServiceConfig.ReadWrite.All or
 *   DeviceManagementConfiguration.ReadWrite.All (the beta update page lists both as alternatives,
 *   and the emulator enforces the same; requiring both would refuse an app Graph accepts);
 * - action (the partner lifecycle POSTs, `intune-gitops invoke`): as write. The action pages list
 *   DeviceManagementServiceConfig.ReadWrite.All (terminate's beta page lists only Read scopes for
 *   a state-changing POST, which shared/graph/endpoints.md records as a documentation error).
 * App-only tokens carry application permissions in `roles`; delegated tokens carry scopes in
 * `scp` (space-separated).
 *
 * Optional (`OPTIONAL_PERMISSIONS`): what adds a feature without which the run still works. Drift
 * attribution reads Intune's audit log, which takes DeviceManagementApps.Read.All or .ReadWrite.All
 * (the auditEvent list page; surprising for a configuration log, but that is what it says). The
 * preflight never fails for these: `missingOptionalPermission` says what to add, once.
 */
import type { GraphVersion } from "../resources/types.ts";

export type GraphOperation = "read" | "write" | "action";

const SERVICE_CONFIG_READ = "DeviceManagementServiceConfig.Read.All";
const SERVICE_CONFIG_WRITE = "DeviceManagementServiceConfig.ReadWrite.All";
const CONFIGURATION_WRITE = "DeviceManagementConfiguration.ReadWrite.All";

/**
 * The permissions an operation needs, as a conjunction of alternatives: every inner list must be
 * satisfied by at least one of its members.
 */
export function requiredPermissions(
  operation: GraphOperation,
  graphVersion: GraphVersion,
): string[][] {
  if (operation === "read") return [[SERVICE_CONFIG_READ, SERVICE_CONFIG_WRITE]];
  return graphVersion === "beta"
    ? [[SERVICE_CONFIG_WRITE, CONFIGURATION_WRITE]]
    : [[SERVICE_CONFIG_WRITE]];
}

/** Features that work only with an extra permission, and the permissions that grant each. */
export const OPTIONAL_PERMISSIONS = {
  "audit-events": ["DeviceManagementApps.Read.All", "DeviceManagementApps.ReadWrite.All"],
} as const satisfies Readonly<Record<string, readonly string[]>>;

export type OptionalFeature = keyof typeof OPTIONAL_PERMISSIONS;

/** The permissions a token's claims grant (application roles, or delegated scopes). */
function grantedPermissions(payload: Record<string, unknown>): {
  readonly granted: readonly string[];
  readonly delegated: boolean;
} {
  const delegated = typeof payload.scp === "string";
  const granted = delegated
    ? String(payload.scp)
        .split(/\s+/)
        .filter((scope) => scope !== "")
    : Array.isArray(payload.roles)
      ? payload.roles.filter((role): role is string => typeof role === "string")
      : [];
  return { granted, delegated };
}

/**
 * The permission an optional feature lacks (`DeviceManagementApps.Read.All`, the least one that
 * grants it), or undefined when the token grants it or cannot be read (Graph will say: a 403 is
 * handled as the same notice). Never an error: the run goes on without the feature.
 */
export function missingOptionalPermission(
  accessToken: string,
  feature: OptionalFeature,
): string | undefined {
  const payload = decodeJwtPayload(accessToken);
  if (payload === undefined) return undefined;
  const granted = new Set(
    grantedPermissions(payload).granted.map((permission) => permission.toLowerCase()),
  );
  const alternatives = OPTIONAL_PERMISSIONS[feature];
  return alternatives.some((permission) => granted.has(permission.toLowerCase()))
    ? undefined
    : alternatives[0];
}

const OPERATION_WORDS: Readonly<Record<GraphOperation, string>> = {
  read: "read",
  write: "write (PATCH)",
  action: "invoke partner actions (POST)",
};

/** The payload of a JWT, decoded without verification; undefined when the string is not a JWT. */
export function decodeJwtPayload(token: string): Record<string, unknown> | undefined {
  const parts = token.split(".");
  if (parts.length !== 3 || parts[1] === undefined || parts[1] === "") return undefined;
  try {
    const json = Buffer.from(parts[1], "base64url").toString("utf8");
    const payload = JSON.parse(json) as unknown;
    return typeof payload === "object" && payload !== null && !Array.isArray(payload)
      ? (payload as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export interface CheckPermissionsOptions {
  readonly operation: GraphOperation;
  readonly graphVersion: GraphVersion;
  /** Receives a note when the token cannot be read (then nothing is checked). */
  readonly debug?: (line: string) => void;
}

/**
 * The missing-permission message for the operation, or undefined when the token grants it (or is
 * not a JWT, in which case Graph will be the judge). The message says what to add and where.
 */
export function checkPermissions(
  accessToken: string,
  options: CheckPermissionsOptions,
): string | undefined {
  const payload = decodeJwtPayload(accessToken);
  if (payload === undefined) {
    options.debug?.(
      "permission preflight skipped: the access token is not a JWT, so its permissions cannot be read",
    );
    return undefined;
  }
  const { granted, delegated } = grantedPermissions(payload);
  const grantedSet = new Set(granted.map((permission) => permission.toLowerCase()));
  const missing = requiredPermissions(options.operation, options.graphVersion).filter(
    (alternatives) => !alternatives.some((permission) => grantedSet.has(permission.toLowerCase())),
  );
  if (missing.length === 0) return undefined;

  const kind = delegated ? "delegated permission" : "application permission";
  const names = missing.map((alternatives) => alternatives.join(" or ")).join(" and ");
  const action = OPERATION_WORDS[options.operation];
  const has = granted.length === 0 ? "none" : [...granted].sort().join(", ");
  const app = appIdOf(payload);
  const where = `Entra ID > App registrations > ${app ?? "the app"} > API permissions > Add a permission > Microsoft Graph > ${
    delegated ? "Delegated permissions" : "Application permissions"
  }`;
  return `missing Microsoft Graph ${kind}${missing.length > 1 ? "s" : ""} ${names} to ${action} on Graph ${options.graphVersion} (the token has: ${has}). Add ${missing.length > 1 ? "them" : "it"} in ${where}, then grant admin consent`;
}

/** The app a token was issued to (`appid` in v1 tokens, `azp` in v2), if it says. */
export function tokenAppId(accessToken: string): string | undefined {
  const payload = decodeJwtPayload(accessToken);
  return payload === undefined ? undefined : appIdOf(payload);
}

function appIdOf(payload: Record<string, unknown>): string | undefined {
  return typeof payload.appid === "string"
    ? payload.appid
    : typeof payload.azp === "string"
      ? payload.azp
      : undefined;
}
