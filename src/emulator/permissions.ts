import type { GraphApiVersion } from "./metadata-schema.ts";

/**
 * The application permissions (token `roles`) Graph requires, from the seed pages and the
 * endpoint docs (shared/graph/endpoints.md): reads need DeviceManagementServiceConfig.Read.All or
 * .ReadWrite.All; writes (PATCH and actions) need DeviceManagementServiceConfig.ReadWrite.All,
 * and beta also accepts DeviceManagementConfiguration.ReadWrite.All (the beta update page).
 */
export type Operation = "read" | "write";

const READ = [
  "DeviceManagementServiceConfig.Read.All",
  "DeviceManagementServiceConfig.ReadWrite.All",
];
const WRITE: Readonly<Record<GraphApiVersion, readonly string[]>> = {
  "v1.0": ["DeviceManagementServiceConfig.ReadWrite.All"],
  beta: [
    "DeviceManagementServiceConfig.ReadWrite.All",
    "DeviceManagementConfiguration.ReadWrite.All",
  ],
};

/** The roles of which a token needs at least one. */
export function requiredRoles(version: GraphApiVersion, operation: Operation): readonly string[] {
  return operation === "read" ? READ : WRITE[version];
}

export function isAllowed(
  roles: readonly string[],
  version: GraphApiVersion,
  operation: Operation,
): boolean {
  return requiredRoles(version, operation).some((role) => roles.includes(role));
}
