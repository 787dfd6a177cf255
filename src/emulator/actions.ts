import type { JsonObject } from "../json.ts";
import { dateTimeOffsetFromMilliseconds } from "./date-time-offset.ts";

const DEVICE_REMOVAL_GRACE_DAYS = 90;

/**
 * What the bound actions do to an object. The metadata says only that they exist (no parameters,
 * no return value); the effects follow their descriptions (shared/graph/audit-and-lifecycle.md): beginOnboarding starts a TeamViewer
 * onboarding (which expires, beta shows when), disconnect removes the connector, terminate ends
 * the partner connection. An action the metadata lists but this table does not is a no-op.
 */
export const ACTION_EFFECTS: Readonly<
  Record<string, (object: JsonObject, nowMs: number) => JsonObject>
> = {
  beginOnboarding: (_object, nowMs) => ({
    onboardingStatus: "onboarding",
    onboardingRequestExpiryDateTime: dateTimeOffsetFromMilliseconds(nowMs + 24 * 3_600_000),
  }),
  disconnect: () => ({
    onboardingStatus: "notOnboarded",
    onboardingRequestExpiryDateTime: "0001-01-01T00:00:00Z",
  }),
  // Microsoft's Jamf integration page: after termination the partner's devices are removed from
  // Intune after 90 days; the connection is no longer configured.
  terminate: (_object, nowMs) => ({
    partnerState: "terminated",
    isConfigured: false,
    whenPartnerDevicesWillBeRemovedDateTime: dateTimeOffsetFromMilliseconds(
      nowMs + DEVICE_REMOVAL_GRACE_DAYS * 86_400_000,
    ),
  }),
};
