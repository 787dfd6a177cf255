import { describe, expect, it } from "vitest";
import { change } from "../../test/helpers/plan-builders.ts";
import type { JsonObject } from "../json.ts";
import { newToolRequestId } from "../tool-request-id.ts";
import { allAttributed, attributeChanges } from "./attribution.ts";

const LIVE_ID = "7443c8b9-c8b9-7443-b9c8-4374b9c84374";
const OUR_APP = "9a3c1f0e-5b7d-4e2a-8c61-2f4d8b9e7a13";

/** An auditEvent as Graph shapes it (shared/graph/audit-and-lifecycle.md §1). */
function event(options: {
  at: string;
  properties?: { displayName: string; oldValue: string | null; newValue: string | null }[];
  resourceId?: string;
  upn?: string;
  appId?: string;
  correlationId?: string;
  remoteTenantId?: string;
}): JsonObject {
  const person = options.upn !== undefined;
  return {
    id: `event-${options.at}`,
    activityDateTime: options.at,
    correlationId: options.correlationId ?? "6c1d9e9e-2f6c-4a53-9a57-0e4f7f3b1a10",
    actor: {
      auditActorType: person ? "ItPro" : "Application",
      userPrincipalName: options.upn ?? null,
      applicationId: options.appId ?? "5926fc8e-304e-4f59-8bed-58ca97cc39a4",
      applicationDisplayName: person ? "Microsoft Intune portal extension" : "some app",
      remoteTenantId: options.remoteTenantId ?? null,
    },
    resources: [
      {
        resourceId: options.resourceId ?? LIVE_ID.toUpperCase(),
        modifiedProperties: options.properties ?? [],
      },
    ],
  };
}

const status = (oldValue: string, newValue: string) => [
  { displayName: "OnboardingStatus", oldValue, newValue },
];

describe("attributeChanges", () => {
  it("takes the newest event that changed the property, matching id and name in any case", () => {
    const [entry] = attributeChanges(
      [change()],
      [
        event({ at: "2026-12-01T10:00:00Z", upn: "old@x.example", properties: status("a", "b") }),
        event({
          at: "2026-12-03T10:00:00.1234567Z",
          upn: "alex@x.example",
          remoteTenantId: "11111111-2222-4333-8444-555555555555",
          properties: status("notOnboarded", "onboarding"),
        }),
        // Newer, but about another object, or listing the property unchanged: no evidence.
        event({
          at: "2026-12-05T10:00:00Z",
          upn: "x@x.example",
          resourceId: "other",
          properties: status("a", "b"),
        }),
        event({
          at: "2026-12-06T10:00:00Z",
          upn: "y@x.example",
          properties: status("same", "same"),
        }),
      ],
      { appId: OUR_APP },
    );
    expect(entry).toEqual({
      address: "remoteAssistancePartner[contoso].teamviewer",
      tenant: "contoso",
      property: "onboardingStatus",
      lastChange: {
        at: "2026-12-03T10:00:00.1234567Z",
        actor: {
          type: "user",
          name: "alex@x.example",
          userPrincipalName: "alex@x.example",
          applicationName: "Microsoft Intune portal extension",
          applicationId: "5926fc8e-304e-4f59-8bed-58ca97cc39a4",
          remoteTenantId: "11111111-2222-4333-8444-555555555555",
        },
        oldValue: "notOnboarded",
        newValue: "onboarding",
        propertyListed: true,
        eventId: "event-2026-12-03T10:00:00.1234567Z",
        correlationId: "6c1d9e9e-2f6c-4a53-9a57-0e4f7f3b1a10",
        byThisTool: null,
      },
    });
  });

  it("orders by instant, not by text: a shorter timestamp can be the later one", () => {
    const [entry] = attributeChanges(
      [change()],
      [
        event({
          at: "2026-12-03T10:00:00.9000000Z",
          upn: "first@x.example",
          properties: status("a", "b"),
        }),
        event({
          at: "2026-12-03T10:00:01Z",
          upn: "second@x.example",
          properties: status("b", "c"),
        }),
      ],
      { appId: undefined },
    );
    expect(entry?.lastChange?.actor.name).toBe("second@x.example");
  });

  it("recognises this tool by its client-request-id first, then by the app id, and says which", () => {
    const ours = attributeChanges(
      [change()],
      [
        event({
          at: "2026-12-03T10:00:00Z",
          appId: OUR_APP,
          correlationId: newToolRequestId(),
          properties: status("a", "b"),
        }),
      ],
      { appId: OUR_APP },
    );
    expect(ours[0]?.lastChange).toMatchObject({
      byThisTool: "client-request-id",
      actor: { type: "application", name: "some app" },
    });
    const sameApp = attributeChanges(
      [change()],
      [
        event({
          at: "2026-12-03T10:00:00Z",
          appId: OUR_APP.toUpperCase(),
          properties: status("a", "b"),
        }),
      ],
      { appId: OUR_APP },
    );
    expect(sameApp[0]?.lastChange?.byThisTool).toBe("app-id");
    const otherApp = attributeChanges(
      [change()],
      [event({ at: "2026-12-03T10:00:00Z", appId: "another-app", properties: status("a", "b") })],
      { appId: OUR_APP },
    );
    expect(otherApp[0]?.lastChange?.byThisTool).toBeNull();
  });

  it("counts an event that names the object without listing properties, and says so", () => {
    const [entry] = attributeChanges(
      [change()],
      [event({ at: "2026-12-03T10:00:00Z", upn: "a@x.example" })],
      {
        appId: undefined,
      },
    );
    expect(entry?.lastChange).toMatchObject({
      propertyListed: false,
      oldValue: null,
      newValue: null,
    });
  });

  it("leaves a property nobody logged as null, and allAttributed says more pages may help", () => {
    const attributions = attributeChanges(
      [
        change({
          changes: [
            { property: "onboardingStatus", before: "a", after: "b" },
            { property: "onboardingUrl", before: null, after: "https://x.example/" },
          ],
        }),
      ],
      [event({ at: "2026-12-03T10:00:00Z", upn: "a@x.example", properties: status("a", "b") })],
      { appId: undefined },
    );
    expect(attributions.map((entry) => [entry.property, entry.lastChange === null])).toEqual([
      ["onboardingStatus", false],
      ["onboardingUrl", true],
    ]);
    expect(allAttributed(attributions)).toBe(false);
    expect(allAttributed(attributions.slice(0, 1))).toBe(true);
  });
});
