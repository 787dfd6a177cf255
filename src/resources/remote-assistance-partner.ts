import type { PropertyDefinition, ResourceDefinition } from "./types.ts";

/**
 * `remoteAssistancePartner`: a Remote Assistance partner service (TeamViewer) and its onboarding
 * state. Source: the shared Graph metadata (`schema-v1.0.json`, `schema-beta.json`) and the seed
 * "Update remoteAssistancePartner" pages (v1.0 and beta).
 */
const common: readonly PropertyDefinition[] = [
  {
    name: "displayName",
    type: { kind: "string" },
    nullable: true,
    description: "Display name of the partner.",
  },
  {
    name: "onboardingUrl",
    type: { kind: "url" },
    nullable: true,
    description:
      "URL of the partner's onboarding portal, where an administrator can configure their Remote Assistance service.",
  },
  {
    name: "onboardingStatus",
    type: {
      kind: "enum",
      enumType: "remoteAssistanceOnboardingStatus",
      members: ["notOnboarded", "onboarding", "onboarded"],
    },
    nullable: false,
    description: "A friendly description of the current TeamViewer connector status.",
  },
  {
    name: "lastConnectionDateTime",
    type: { kind: "dateTimeOffset" },
    nullable: false,
    serverManaged: true,
    description: "Timestamp of the last request sent to Intune by the TEM partner.",
  },
];

export const RemoteAssistancePartner: ResourceDefinition = {
  kind: "RemoteAssistancePartner",
  graphType: "remoteAssistancePartner",
  collectionPath: "/deviceManagement/remoteAssistancePartners",
  auditComponent: "ManagedDevices",
  displayNameProperty: "displayName",
  description:
    "A Remote Assistance partner (TeamViewer): its onboarding portal and onboarding status.",
  // Intune lists TeamViewer in every tenant; never onboarded and without a portal URL, it is unused.
  notSetUp: { onboardingStatus: "notOnboarded", onboardingUrl: null },
  health: [
    {
      // Beta only: the expiry is not in v1.0, so the check is skipped for objects read there.
      check: "expiry",
      property: "onboardingRequestExpiryDateTime",
      noun: "onboarding request",
      when: { property: "onboardingStatus", equals: "onboarding" },
      threshold: {
        setting: "onboardingExpiryWarningHours",
        defaultHours: 72,
        description:
          "Hours before an onboarding request expires (onboardingRequestExpiryDateTime, Graph beta, while onboardingStatus is onboarding) from which it is reported; an expired one always is. Default: 72.",
      },
    },
  ],
  properties: {
    "v1.0": common,
    beta: [
      ...common,
      {
        name: "onboardingRequestExpiryDateTime",
        type: { kind: "dateTimeOffset" },
        nullable: false,
        serverManaged: true,
        description:
          "When the onboarding status is onboarding, the date and time the onboarding request expires.",
      },
    ],
  },
};
