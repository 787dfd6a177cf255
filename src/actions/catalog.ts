import type { CloudName } from "../clouds.ts";

/**
 * The partner lifecycle actions `intune-gitops invoke` runs: Graph's bound actions on the two
 * partner types (beta; shared/graph/schema-beta.json `boundActions`). They are never derived from
 * a diff: each changes the partner's state in a way a PATCH cannot, and one cannot be undone.
 */
export interface PartnerAction {
  /** Graph's action name, as typed on the command line. */
  readonly name: string;
  /** The configuration kind it applies to. */
  readonly kind: "RemoteAssistancePartner" | "DeviceManagementPartner";
  /** One line: what happens, for the preview. */
  readonly effect: string;
  /** Further facts the person confirming must know. */
  readonly notes: readonly string[];
  /** Cannot be undone: also needs `--allow-destructive`. */
  readonly destructive: boolean;
  /** Clouds where the partner service does not exist, with the reason. */
  readonly unsupportedClouds: Readonly<Partial<Record<CloudName, string>>>;
  /** The live properties shown before and after. */
  readonly shownProperties: readonly string[];
}

const NO_TEAMVIEWER_IN_US_GOVERNMENT =
  "TeamViewer is not supported in the US government clouds (GCC High and DoD)";

export const PARTNER_ACTIONS: readonly PartnerAction[] = [
  {
    name: "beginOnboarding",
    kind: "RemoteAssistancePartner",
    effect: "starts onboarding the TeamViewer connector: onboardingStatus becomes onboarding",
    notes: [
      "A Global or Intune administrator must then finish it by signing in to TeamViewer at the onboarding URL before the request expires.",
    ],
    destructive: false,
    unsupportedClouds: {
      usgov: NO_TEAMVIEWER_IN_US_GOVERNMENT,
      usgovdod: NO_TEAMVIEWER_IN_US_GOVERNMENT,
    },
    shownProperties: ["onboardingStatus", "onboardingUrl", "onboardingRequestExpiryDateTime"],
  },
  {
    name: "disconnect",
    kind: "RemoteAssistancePartner",
    effect:
      "removes the active TeamViewer connector: onboardingStatus becomes notOnboarded and remote assistance sessions can no longer be started from Intune",
    notes: ["Connecting again needs beginOnboarding and a person signing in to TeamViewer."],
    destructive: false,
    unsupportedClouds: {},
    shownProperties: ["onboardingStatus", "onboardingUrl"],
  },
  {
    name: "terminate",
    kind: "DeviceManagementPartner",
    effect:
      "ends the partner connection: partnerState becomes terminated and the partner is no longer configured",
    notes: [
      "This cannot be undone: no PATCH brings the connection back; the partner must be set up again from its own console.",
      "The partner's devices are removed from Intune after a grace period (90 days per Microsoft's Jamf documentation).",
    ],
    destructive: true,
    unsupportedClouds: {},
    shownProperties: [
      "partnerState",
      "isConfigured",
      "partnerAppType",
      "whenPartnerDevicesWillBeRemovedDateTime",
    ],
  },
];

export function findPartnerAction(name: string): PartnerAction | undefined {
  return PARTNER_ACTIONS.find((action) => action.name === name);
}
