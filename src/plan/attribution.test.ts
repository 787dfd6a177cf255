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

describe("attributeChanges, on events Graph shapes differently", () => {
  const ON_OBJECT = { resourceId: LIVE_ID, modifiedProperties: status("a", "b") };

  it("reads an event with no actor, id, time or correlation id, and no property list, as unknown", () => {
    const [entry] = attributeChanges([change()], [{ resources: [{ resourceId: LIVE_ID }] }], {
      appId: OUR_APP,
    });
    expect(entry?.lastChange).toStrictEqual({
      at: "",
      actor: {
        type: "application",
        name: "(unknown)",
        userPrincipalName: null,
        applicationName: null,
        applicationId: null,
        remoteTenantId: null,
      },
      oldValue: null,
      newValue: null,
      propertyListed: false,
      eventId: "",
      correlationId: null,
      byThisTool: null,
    });
  });

  it("names the actor: a blank user principal name is none, the service principal name stands in for the app's", () => {
    const actorOf = (actor: JsonObject) =>
      attributeChanges([change()], [{ actor, resources: [ON_OBJECT] }], { appId: undefined })[0]
        ?.lastChange?.actor;
    expect(
      actorOf({
        auditActorType: "Application",
        userPrincipalName: "  ",
        applicationDisplayName: "",
        servicePrincipalName: "deploy-bot",
        applicationId: OUR_APP,
      }),
    ).toStrictEqual({
      type: "application",
      name: "deploy-bot",
      userPrincipalName: null,
      applicationName: "deploy-bot",
      applicationId: OUR_APP,
      remoteTenantId: null,
    });
    expect(actorOf({ applicationId: OUR_APP })).toMatchObject({
      type: "application",
      name: OUR_APP,
    });
    // An administrator whose name the log left out is not called by the portal's app name.
    expect(
      actorOf({
        auditActorType: "ItPro",
        applicationDisplayName: "Microsoft Intune portal extension",
      }),
    ).toMatchObject({
      type: "user",
      name: "(unknown)",
      applicationName: "Microsoft Intune portal extension",
    });
    expect(actorOf({ auditActorType: "ItPro", userPrincipalName: "alex@x.example" })).toMatchObject(
      { type: "user", name: "alex@x.example" },
    );
  });

  it("credits this tool by app id only for an application, and never without this run's app id", () => {
    const byThisTool = (actor: JsonObject, appId: string | undefined) =>
      attributeChanges([change()], [{ actor, resources: [ON_OBJECT] }], { appId })[0]?.lastChange
        ?.byThisTool;
    // A person signed in through an app with the same id is not this tool.
    expect(
      byThisTool(
        { auditActorType: "ItPro", userPrincipalName: "alex@x.example", applicationId: OUR_APP },
        OUR_APP,
      ),
    ).toBeNull();
    expect(byThisTool({ applicationId: OUR_APP }, undefined)).toBeNull();
    expect(byThisTool({ applicationId: OUR_APP }, OUR_APP)).toBe("app-id");
    expect(byThisTool({}, OUR_APP)).toBeNull();
  });

  it("skips resources, entries and names that are not what Graph documents, and finds the property after them", () => {
    const [entry] = attributeChanges(
      [change()],
      [
        { id: "no-list", activityDateTime: "2026-12-04T10:00:00Z", resources: "everything" },
        {
          id: "odd",
          activityDateTime: "2026-12-03T10:00:00Z",
          resources: [
            null,
            { resourceId: 42 },
            {
              resourceId: LIVE_ID,
              modifiedProperties: [
                null,
                "OnboardingStatus",
                { displayName: 7, oldValue: "a", newValue: "b" },
                { displayName: "OnboardingStatus", oldValue: null, newValue: "onboarded" },
              ],
            },
          ],
        },
      ],
      { appId: undefined },
    );
    expect(entry?.lastChange).toMatchObject({
      eventId: "odd",
      oldValue: null,
      newValue: "onboarded",
      propertyListed: true,
    });
  });

  it("matches an object whose live id is upper-case", () => {
    const [entry] = attributeChanges(
      [change({ liveId: LIVE_ID.toUpperCase() })],
      [{ id: "e", resources: [ON_OBJECT] }],
      { appId: undefined },
    );
    expect(entry?.lastChange?.eventId).toBe("e");
  });

  it("takes an event without a readable time as the oldest, and keeps Graph's order within one instant", () => {
    const at = "2026-12-03T10:00:00Z";
    const named = (id: string, activityDateTime: string): JsonObject => ({
      id,
      activityDateTime,
      resources: [ON_OBJECT],
    });
    const newest = (events: JsonObject[]) =>
      attributeChanges([change()], events, { appId: undefined })[0]?.lastChange?.eventId;
    expect(newest([named("undated", "yesterday"), named("dated", at)])).toBe("dated");
    expect(newest([named("first", at), named("second", at), named("third", at)])).toBe("first");
    expect(newest([named("older", "2026-12-02T10:00:00Z"), named("first", at)])).toBe("first");
  });

  it("lists the properties by address, then by property name", () => {
    const properties = (names: string[]) =>
      names.map((property) => ({ property, before: null, after: "x" }));
    const attributions = attributeChanges(
      [
        change({ address: "b[t].x", changes: properties(["zeta", "alpha"]) }),
        change({ address: "a[t].y", changes: properties(["omega"]) }),
      ],
      [],
      { appId: undefined },
    );
    expect(attributions.map((entry) => `${entry.address} ${entry.property}`)).toEqual([
      "a[t].y omega",
      "b[t].x alpha",
      "b[t].x zeta",
    ]);
  });
});

describe("attributeChanges, who is a person", () => {
  it("takes an actor with a user principal name as a person, whatever the actor type says", () => {
    const [entry] = attributeChanges(
      [change()],
      [
        {
          actor: { userPrincipalName: "alex@x.example", applicationId: OUR_APP },
          resources: [{ resourceId: LIVE_ID }],
        },
      ],
      { appId: OUR_APP },
    );
    expect(entry?.lastChange?.actor).toMatchObject({ type: "user", name: "alex@x.example" });
    expect(entry?.lastChange?.byThisTool).toBeNull();
  });
});
