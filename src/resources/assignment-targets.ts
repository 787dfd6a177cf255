import type { GraphVersion } from "./types.ts";

/**
 * The concrete assignment target types a `deviceManagementPartnerAssignment.target` may hold.
 *
 * `target` is typed as the abstract `deviceAndAppManagementAssignmentTarget`, so every value must
 * carry the `@odata.type` of a concrete derived type; it is the one `@odata.*` annotation the tool
 * ever sends. Source: `complexTypes` in the shared `schema-v1.0.json` / `schema-beta.json`.
 */
export interface AssignmentTargetType {
  /** The `@odata.type` value, with the leading `#` Graph puts on polymorphic values. */
  readonly odataType: string;
  /** The derived type's own properties (all strings, nullable), e.g. `groupId`. */
  readonly properties: readonly string[];
}

const groupAssignmentTarget = {
  odataType: "#microsoft.graph.groupAssignmentTarget",
  properties: ["groupId"],
} as const satisfies AssignmentTargetType;

/** Derived types shared by v1.0 and beta (beta re-lists the same names in its type mappings). */
const TARGET_TYPES: readonly AssignmentTargetType[] = [
  groupAssignmentTarget,
  // Derives from groupAssignmentTarget, so it inherits `groupId`.
  { odataType: "#microsoft.graph.exclusionGroupAssignmentTarget", properties: ["groupId"] },
  { odataType: "#microsoft.graph.allDevicesAssignmentTarget", properties: [] },
  { odataType: "#microsoft.graph.allLicensedUsersAssignmentTarget", properties: [] },
  {
    odataType: "#microsoft.graph.configurationManagerCollectionAssignmentTarget",
    properties: ["collectionId"],
  },
];

/**
 * Properties of the abstract base type, inherited by every target. v1.0's base type has none;
 * beta adds assignment filters.
 */
export const ASSIGNMENT_TARGET_BASE_PROPERTIES: Readonly<Record<GraphVersion, readonly string[]>> =
  {
    "v1.0": [],
    beta: [
      "deviceAndAppManagementAssignmentFilterId",
      "deviceAndAppManagementAssignmentFilterType",
    ],
  };

/**
 * Target members whose values are GUIDs (Entra group ids, filter ids; a Configuration Manager
 * collection id when it is one): compared regardless of case and sent lower-case.
 */
export const GUID_TARGET_PROPERTIES: ReadonlySet<string> = new Set([
  "groupId",
  "collectionId",
  "deviceAndAppManagementAssignmentFilterId",
]);

/** Members of beta's `deviceAndAppManagementAssignmentFilterType` (non-nullable enum). */
export const ASSIGNMENT_FILTER_TYPES = ["none", "include", "exclude"] as const;

export function assignmentTargetTypes(_version: GraphVersion): readonly AssignmentTargetType[] {
  return TARGET_TYPES;
}

/**
 * The canonical `@odata.type` for a target: Graph's docs write nested types both with and without
 * the leading `#`; the tool compares and sends the `#` form.
 */
export function canonicalTargetType(odataType: string): string {
  return odataType.startsWith("#") ? odataType : `#${odataType}`;
}

/** The `@odata.type` of the assignment wrapper itself, as the seed pages write it. */
export const ASSIGNMENT_ODATA_TYPE = "#microsoft.graph.deviceManagementPartnerAssignment";

/** The short type name users read: `groupAssignmentTarget`. */
export function targetTypeName(odataType: string): string {
  return odataType.replace(/^#?microsoft\.graph\./, "");
}

/** The target types of all the given versions, each once. */
export function targetTypesOf(versions: readonly GraphVersion[]): AssignmentTargetType[] {
  const byType = new Map<string, AssignmentTargetType>();
  for (const version of versions) {
    for (const type of assignmentTargetTypes(version))
      if (!byType.has(type.odataType)) byType.set(type.odataType, type);
  }
  return [...byType.values()];
}
