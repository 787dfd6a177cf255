import type { PropertyDefinition, ResourceDefinition } from "./types.ts";

/**
 * `deviceManagementPartner`: the connection between the tenant and a third-party device
 * management (MDM) partner. Source: the shared Graph metadata and the seed beta "Update
 * deviceManagementPartner" page, which also lists two properties the current metadata dropped
 * (`whenPartnerDevicesWillBeRemoved`, `whenPartnerDevicesWillBeMarkedAsNonCompliant`): they are
 * kept for beta, deprecated in favour of their `...DateTime` successors.
 */
const common: readonly PropertyDefinition[] = [
  {
    name: "displayName",
    type: { kind: "string" },
    nullable: true,
    description: "Partner display name.",
  },
  {
    name: "partnerAppType",
    type: {
      kind: "enum",
      enumType: "deviceManagementPartnerAppType",
      members: ["unknown", "singleTenantApp", "multiTenantApp"],
    },
    nullable: false,
    description: "Partner app type.",
  },
  {
    name: "singleTenantAppId",
    type: { kind: "string", holds: "guid" },
    nullable: true,
    description: "Partner single-tenant app id.",
  },
  {
    name: "partnerState",
    type: {
      kind: "enum",
      enumType: "deviceManagementPartnerTenantState",
      members: ["unknown", "unavailable", "enabled", "terminated", "rejected", "unresponsive"],
    },
    nullable: false,
    serverManaged: true,
    description: "Partner state of this tenant.",
  },
  {
    name: "isConfigured",
    type: { kind: "boolean" },
    nullable: false,
    serverManaged: true,
    description: "Whether the device management partner is configured.",
  },
  {
    name: "lastHeartbeatDateTime",
    type: { kind: "dateTimeOffset" },
    nullable: false,
    serverManaged: true,
    description:
      "Timestamp of the last heartbeat after the admin enabled the option Connect to device management partner.",
  },
  {
    name: "whenPartnerDevicesWillBeRemovedDateTime",
    type: { kind: "dateTimeOffset" },
    nullable: true,
    serverManaged: true,
    description: "Date and time (UTC) when partner devices will be removed.",
  },
  {
    name: "whenPartnerDevicesWillBeMarkedAsNonCompliantDateTime",
    type: { kind: "dateTimeOffset" },
    nullable: true,
    serverManaged: true,
    description: "Date and time (UTC) when partner devices will be marked as non-compliant.",
  },
  {
    name: "groupsRequiringPartnerEnrollment",
    type: { kind: "assignments" },
    nullable: true,
    description:
      "User groups whose devices enroll through the partner, as a set of assignment targets.",
  },
];

export const DeviceManagementPartner: ResourceDefinition = {
  kind: "DeviceManagementPartner",
  graphType: "deviceManagementPartner",
  collectionPath: "/deviceManagement/deviceManagementPartners",
  auditComponent: "Enrollment",
  displayNameProperty: "displayName",
  description:
    "A device management (MDM) partner connection: its app, state and the groups that enroll through it.",
  // Intune lists the partners it knows of in every tenant; one nobody connected is not configured.
  notSetUp: { isConfigured: false },
  health: [
    {
      check: "state",
      property: "partnerState",
      unhealthy: ["unavailable", "terminated", "rejected", "unresponsive"],
    },
    {
      // A partner nobody connected sends no heartbeat: only a configured one is expected to.
      check: "stale",
      property: "lastHeartbeatDateTime",
      noun: "heartbeat",
      when: { property: "isConfigured", equals: true },
      threshold: {
        setting: "heartbeatMaxAgeHours",
        defaultHours: 24,
        description:
          "Hours without a heartbeat (lastHeartbeatDateTime) after which a configured device management partner is reported unhealthy. Default: 24.",
      },
    },
  ],
  properties: {
    "v1.0": common,
    beta: [
      ...common,
      {
        name: "whenPartnerDevicesWillBeRemoved",
        type: { kind: "dateTimeOffset" },
        nullable: true,
        serverManaged: true,
        deprecated:
          "dropped from Graph's beta metadata (the seed page says it 'will become obsolete soon'): Graph still accepts it on beta but no longer returns it, so every plan shows it as a change; use whenPartnerDevicesWillBeRemovedDateTime",
        description: "Date and time (UTC) when partner devices will be removed (obsolete).",
      },
      {
        name: "whenPartnerDevicesWillBeMarkedAsNonCompliant",
        type: { kind: "dateTimeOffset" },
        nullable: true,
        serverManaged: true,
        deprecated:
          "dropped from Graph's beta metadata (the seed page says it 'will become obsolete soon'): Graph still accepts it on beta but no longer returns it, so every plan shows it as a change; use whenPartnerDevicesWillBeMarkedAsNonCompliantDateTime",
        description:
          "Date and time (UTC) when partner devices will be marked as non-compliant (obsolete).",
      },
    ],
  },
};
