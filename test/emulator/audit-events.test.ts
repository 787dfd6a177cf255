import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.ts";
import {
  CONTOSO,
  CONTOSO_JAMF,
  CONTOSO_TEAMVIEWER,
  READ_ONLY_APP,
  DEMO_APP,
  http,
  json,
  secretToken,
} from "./helpers.ts";

const RA = "/deviceManagement/remoteAssistancePartners";
const AUDIT = "/deviceManagement/auditEvents";

let emulator: Emulator;
let token: string;

beforeAll(async () => {
  emulator = await startEmulator({ pageSize: 2 });
  token = await secretToken(emulator);
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const get = (path: string) => http(emulator, "GET", path, { token });
const filtered = (version: string, filter: string, extra = "") =>
  get(`/${version}${AUDIT}?$filter=${encodeURIComponent(filter)}${extra}`);

/** Every event of a listing, following @odata.nextLink. */
async function readAll(first: string): Promise<{ events: any[]; pages: number }> {
  const events: any[] = [];
  let next: string | undefined = first;
  let pages = 0;
  while (next !== undefined) {
    const response = await get(next);
    expect(response.status).toBe(200);
    const body = json(response);
    events.push(...body.value);
    next = body["@odata.nextLink"];
    pages++;
  }
  return { events, pages };
}

describe("audit events recorded for an accepted PATCH", () => {
  it("names the app as actor and the request's client-request-id as correlationId, with old and new values", async () => {
    const clientRequestId = randomUUID();
    const response = await http(emulator, "PATCH", `/beta${RA}/${CONTOSO_TEAMVIEWER}`, {
      token,
      body: { onboardingStatus: "onboarded" },
      headers: { "client-request-id": clientRequestId },
    });
    expect(response.status).toBe(204);
    const listing = await get(`/beta${AUDIT}`);
    expect(listing.status).toBe(200);
    const [event, ...others] = json(listing).value;
    expect(others).toEqual([]);
    expect(event).toMatchObject({
      activityOperationType: "Patch",
      activityResult: "Success",
      componentName: "ManagedDevices",
      correlationId: clientRequestId,
      actor: {
        auditActorType: "Application",
        applicationId: DEMO_APP.clientId,
        applicationDisplayName: "intune-gitops demo",
        userPrincipalName: null,
        remoteTenantId: null,
      },
      resources: [
        {
          resourceId: CONTOSO_TEAMVIEWER,
          displayName: "TeamViewer",
          modifiedProperties: [
            { displayName: "OnboardingStatus", oldValue: "notOnboarded", newValue: "onboarded" },
          ],
        },
      ],
    });
    expect(event.activityDateTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
  });

  it("records nothing for a refused PATCH, and v1.0 hides beta's actor members", async () => {
    const refused = await http(emulator, "PATCH", `/beta${RA}/${CONTOSO_TEAMVIEWER}`, {
      token,
      body: { onboardingStatus: "sideways" },
    });
    expect(refused.status).toBe(400);
    expect(json(await get(`/v1.0${AUDIT}`)).value).toEqual([]);
    await http(emulator, "PATCH", `/v1.0${RA}/${CONTOSO_TEAMVIEWER}`, {
      token,
      body: { displayName: "TeamViewer 2" },
    });
    const [event] = json(await get(`/v1.0${AUDIT}`)).value;
    expect(event.actor).not.toHaveProperty("remoteTenantId");
    expect(event.actor).toHaveProperty("applicationId", DEMO_APP.clientId);
  });
});

describe("portal changes", () => {
  it("change the object and record the user principal name (admin route)", async () => {
    const response = await http(emulator, "POST", "/_emulator/portal-change", {
      body: {
        tenant: "contoso",
        collection: "remoteAssistancePartners",
        id: CONTOSO_TEAMVIEWER,
        values: { onboardingUrl: "https://example.com/other" },
        userPrincipalName: "alex@contoso.example",
        remoteTenantId: "11111111-2222-4333-8444-555555555555",
      },
    });
    expect(response.status).toBe(201);
    expect(emulator.objects("contoso", "remoteAssistancePartners")[0]).toMatchObject({
      onboardingUrl: "https://example.com/other",
    });
    const [event] = json(await get(`/beta${AUDIT}`)).value;
    expect(event).toMatchObject({
      actor: {
        auditActorType: "ItPro",
        userPrincipalName: "alex@contoso.example",
        applicationDisplayName: "Microsoft Intune portal extension",
        remoteTenantId: "11111111-2222-4333-8444-555555555555",
      },
      resources: [{ resourceId: CONTOSO_TEAMVIEWER }],
    });
  });

  it("refuses a value the metadata refuses, changing nothing", async () => {
    const response = await http(emulator, "POST", "/_emulator/portal-change", {
      body: {
        tenant: "contoso",
        collection: "remoteAssistancePartners",
        id: CONTOSO_TEAMVIEWER,
        values: { onboardingStatus: 7 },
        userPrincipalName: "alex@contoso.example",
      },
    });
    expect(response.status).toBe(400);
    expect(emulator.auditEvents("contoso")).toEqual([]);
  });
});

describe("GET /deviceManagement/auditEvents", () => {
  beforeEach(() => {
    emulator.portalChange({
      tenant: "contoso",
      collection: "remoteAssistancePartners",
      id: CONTOSO_TEAMVIEWER,
      values: { onboardingStatus: "onboarding" },
      userPrincipalName: "old@contoso.example",
      activityDateTime: "2020-01-01T00:00:00Z",
    });
    emulator.portalChange({
      tenant: "contoso",
      collection: "deviceManagementPartners",
      id: CONTOSO_JAMF,
      values: { displayName: "Jamf" },
      userPrincipalName: "jamie@contoso.example",
    });
    emulator.portalChange({
      tenant: "contoso",
      collection: "remoteAssistancePartners",
      id: CONTOSO_TEAMVIEWER,
      values: { onboardingStatus: "onboarded" },
      userPrincipalName: "alex@contoso.example",
    });
  });

  it("filters on activityDateTime, componentName, activityOperationType and resources/any", async () => {
    const recent = json(
      await filtered("beta", "activityDateTime ge 2024-01-01T00:00:00Z", "&$top=10"),
    );
    expect(recent.value.map((event: any) => event.actor.userPrincipalName)).toEqual([
      "jamie@contoso.example",
      "alex@contoso.example",
    ]);
    const byObject = json(
      await filtered(
        "v1.0",
        `resources/any(r: r/resourceId eq '${CONTOSO_TEAMVIEWER.toUpperCase()}') and activityOperationType ne 'Get'`,
      ),
    );
    expect(byObject.value.map((event: any) => event.actor.userPrincipalName)).toEqual([
      "old@contoso.example",
      "alex@contoso.example",
    ]);
    const enrollment = json(await filtered("beta", "componentName eq 'Enrollment'"));
    expect(enrollment.value.map((event: any) => event.resources[0].resourceId)).toEqual([
      CONTOSO_JAMF,
    ]);
    const none = json(await filtered("beta", "activityOperationType eq 'Delete'"));
    expect(none.value).toEqual([]);
  });

  it("orders by activityDateTime desc and pages with @odata.nextLink, keeping the filter", async () => {
    const { events, pages } = await readAll(
      `/beta${AUDIT}?$filter=${encodeURIComponent("activityOperationType eq 'Patch'")}&$orderby=activityDateTime%20desc`,
    );
    expect(pages).toBe(2); // page size 2, three events
    expect(events.map((event) => event.actor.userPrincipalName)).toEqual([
      "alex@contoso.example",
      "jamie@contoso.example",
      "old@contoso.example",
    ]);
  });

  it("refuses what it does not implement with 400, never ignoring it", async () => {
    const quotedDate = await filtered("beta", "activityDateTime ge '2024-01-01T00:00:00Z'");
    expect(quotedDate.status).toBe(400);
    expect(json(quotedDate).error.message).toContain("incompatible types");
    const unknownProperty = await filtered("beta", "actor/userPrincipalName eq 'a'");
    expect(unknownProperty.status).toBe(400);
    expect(json(unknownProperty).error.message).toContain("supports");
    const select = await get(`/beta${AUDIT}?$select=id`);
    expect(select.status).toBe(400);
    const orderBy = await get(`/beta${AUDIT}?$orderby=displayName`);
    expect(orderBy.status).toBe(400);
  });

  it("answers 403 naming DeviceManagementApps.Read.All to an app without it", async () => {
    const readOnly = await secretToken(emulator, CONTOSO, READ_ONLY_APP);
    const response = await http(emulator, "GET", `/v1.0${AUDIT}`, { token: readOnly });
    expect(response.status).toBe(403);
    expect(json(response).error.message).toContain("DeviceManagementApps.Read.All");
  });

  it("keeps each tenant's log apart, and reset empties it", async () => {
    const fabrikam = await secretToken(emulator, "fabrikam");
    expect(json(await http(emulator, "GET", `/beta${AUDIT}`, { token: fabrikam })).value).toEqual(
      [],
    );
    expect(emulator.auditEvents(CONTOSO)).toHaveLength(3);
    emulator.reset();
    expect(emulator.auditEvents(CONTOSO)).toEqual([]);
  });
});
