import type { JsonObject } from "../json.ts";
import { dateTimeOffsetFromMilliseconds } from "./date-time-offset.ts";

/**
 * What the bound actions do to an object. The metadata says only that they exist (no parameters,
 * no return value); the effects follow their descriptions: beginOnboarding starts a TeamViewer
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
  terminate: () => ({ partnerState: "terminated" }),
};
