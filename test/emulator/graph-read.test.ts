import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator, type EmulatorSeed } from "../../src/emulator/index.ts";
import {
  CONTOSO_JAMF,
  CONTOSO_TEAMVIEWER,
  FABRIKAM,
  FABRIKAM_TEAMVIEWER,
  http,
  json,
  secretToken,
} from "./helpers.ts";

const RA = "/deviceManagement/remoteAssistancePartners";
const DMP = "/deviceManagement/deviceManagementPartners";
/** What every DateTimeOffset read must look like: UTC, Z, 7 digits; or the unset minimum. */
const SERVICE_DATE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z|0001-01-01T00:00:00Z)$/;

let emulator: Emulator;
let token: string;

beforeAll(async () => {
  emulator = await startEmulator();
  token = await secretToken(emulator);
});
afterAll(() => emulator.close());

const get = (path: string, headers: Record<string, string> = {}) =>
  http(emulator, "GET", path, { token, headers });

describe("collections", () => {
  it("lists the token's tenant's objects with @odata.context and every property", async () => {
    const response = await get(`/v1.0${RA}`);
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^application\/json;odata\.metadata=minimal/);
    const body = json(response);
    expect(body["@odata.context"]).toBe(
      `${emulator.url}/v1.0/$metadata#deviceManagement/remoteAssistancePartners`,
    );
    expect(body.value).toEqual([
      {
        id: CONTOSO_TEAMVIEWER,
        displayName: "TeamViewer",
        lastConnectionDateTime: "0001-01-01T00:00:00Z",
        onboardingStatus: "notOnboarded",
        onboardingUrl: "https://start.teamviewer.com/intune/",
      },
    ]);
    expect(body["@odata.nextLink"]).toBeUndefined();
  });

  it("serves each tenant its own objects, from the token's tid", async () => {
    const fabrikamToken = await secretToken(emulator, FABRIKAM);
    const body = json(await http(emulator, "GET", `/beta${RA}`, { token: fabrikamToken }));
    expect(body.value.map((object: { id: string }) => object.id)).toEqual([FABRIKAM_TEAMVIEWER]);
    expect(body.value[0].onboardingStatus).toBe("onboarded");
  });

  it("limits properties with $select (id always included) and says so in @odata.context", async () => {
    const body = json(await get(`/v1.0${DMP}?$select=displayName,partnerAppType`));
    expect(body["@odata.context"]).toBe(
      `${emulator.url}/v1.0/$metadata#deviceManagement/deviceManagementPartners(displayName,partnerAppType)`,
    );
    expect(body.value).toEqual([
      { id: CONTOSO_JAMF, displayName: "Jamf Pro", partnerAppType: "multiTenantApp" },
    ]);
  });

  it("refuses to $select a property the version does not have", async () => {
    const response = await get(`/v1.0${RA}?$select=onboardingRequestExpiryDateTime`);
    expect(response.status).toBe(400);
    expect(json(response).error).toMatchObject({
      code: "BadRequest",
      message:
        "Could not find a property named 'onboardingRequestExpiryDateTime' on type 'microsoft.graph.remoteAssistancePartner'.",
    });
    expect((await get(`/beta${RA}?$select=onboardingRequestExpiryDateTime`)).status).toBe(200);
  });

  it.each([
    ["$top=-1", /\$top query option requires a non-negative integer/],
    ["$filter=displayName eq 'TeamViewer'", /'\$filter' is not supported/],
    ["$skiptoken=garbage", /\$skiptoken/],
  ])("refuses ?%s with 400", async (query, message) => {
    const response = await get(`/v1.0${RA}?${query}`);
    expect(response.status).toBe(400);
    expect(json(response).error.message).toMatch(message);
  });
});

describe("paging", () => {
  let paged: Emulator;
  let pagedToken: string;
  const ids = Array.from(
    { length: 5 },
    (_, index) => `00000000-0000-4000-8000-00000000000${index}`,
  );

  beforeAll(async () => {
    const seed: EmulatorSeed = {
      tenants: [
        {
          name: "many",
          tenantId: "12345678-1234-4234-8234-123456789012",
          apps: [
            {
              clientId: "87654321-4321-4321-8321-210987654321",
              secret: "s",
              roles: ["DeviceManagementServiceConfig.Read.All"],
            },
          ],
          remoteAssistancePartners: ids.map((id, index) => ({
            id,
            displayName: `Partner ${index}`,
          })),
        },
      ],
    };
    paged = await startEmulator({ seed, pageSize: 2 });
    pagedToken = await secretToken(paged, "many", {
      clientId: "87654321-4321-4321-8321-210987654321",
      secret: "s",
    });
  });
  afterAll(() => paged.close());

  async function follow(firstUrl: string): Promise<{ pages: unknown[][]; links: string[] }> {
    const pages: unknown[][] = [];
    const links: string[] = [];
    let url: string | undefined = firstUrl;
    while (url !== undefined) {
      const response = await http(paged, "GET", url, { token: pagedToken });
      expect(response.status).toBe(200);
      const body = json(response);
      pages.push(body.value);
      url = body["@odata.nextLink"];
      if (url !== undefined) links.push(url);
    }
    return { pages, links };
  }

  it("splits a collection at the page size with absolute @odata.nextLink URLs carrying a $skiptoken", async () => {
    const { pages, links } = await follow(`/v1.0${RA}`);
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat().map((object) => (object as { id: string }).id)).toEqual(ids);
    for (const link of links)
      expect(link).toMatch(new RegExp(`^${paged.url}/v1\\.0${RA}\\?.*\\$skiptoken=`));
  });

  it("keeps $select and $top in the next links; $top is the page size, as in Graph", async () => {
    const { pages, links } = await follow(`/beta${RA}?$select=displayName&$top=1`);
    expect(pages.map((page) => page.length)).toEqual([1, 1, 1, 1, 1]);
    expect(pages.flat()).toContainEqual({ id: ids[4], displayName: "Partner 4" });
    for (const link of links) {
      const query = new URL(link).searchParams;
      expect(query.get("$select")).toBe("displayName");
      expect(query.get("$top")).toBe("1");
    }
  });
});

describe("single objects", () => {
  it("reads one object with @odata.context …/$entity, ids matched regardless of case", async () => {
    const response = await get(
      `/beta${RA}/${CONTOSO_TEAMVIEWER.toUpperCase()}?$select=displayName`,
    );
    expect(response.status).toBe(200);
    expect(json(response)).toEqual({
      "@odata.context": `${emulator.url}/beta/$metadata#deviceManagement/remoteAssistancePartners(displayName)/$entity`,
      id: CONTOSO_TEAMVIEWER,
      displayName: "TeamViewer",
    });
  });

  it("answers an unknown id with 404 in Graph's error shape", async () => {
    const response = await get(`/v1.0${RA}/0f0f0f0f-0000-4000-8000-000000000000`, {
      "client-request-id": "my-id-1",
    });
    expect(response.status).toBe(404);
    const { error } = json(response);
    expect(error.code).toBe("ResourceNotFound");
    expect(JSON.parse(error.message).Message).toMatch(/^Resource not found/);
    expect(error.innerError).toEqual({
      date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/),
      "request-id": response.headers["request-id"],
      "client-request-id": "my-id-1",
    });
  });

  it("answers unknown segments and versions with 400, as Graph does", async () => {
    const segment = await get("/v1.0/deviceManagement/remoteAssistancePartnerz");
    expect(segment.status).toBe(400);
    expect(json(segment).error.message).toBe(
      "Resource not found for the segment 'remoteAssistancePartnerz'.",
    );
    const version = await get(`/v2.0${RA}`);
    expect(version.status).toBe(400);
    expect(json(version).error.message).toBe("Invalid version: v2.0");
  });
});

describe("what each version shows", () => {
  it("hides beta-only properties on v1.0 and shows them on beta, from one shared store", async () => {
    const v1 = json(await get(`/v1.0${RA}/${CONTOSO_TEAMVIEWER}`));
    const beta = json(await get(`/beta${RA}/${CONTOSO_TEAMVIEWER}`));
    expect(v1).not.toHaveProperty("onboardingRequestExpiryDateTime");
    expect(beta.onboardingRequestExpiryDateTime).toBe("0001-01-01T00:00:00Z");
    const { ["@odata.context"]: _v1Context, ...v1Rest } = v1;
    expect(beta).toMatchObject(v1Rest);
  });

  it("shows the beta assignment-filter properties of targets on beta only", async () => {
    const v1Target = json(await get(`/v1.0${DMP}`)).value[0].groupsRequiringPartnerEnrollment[0]
      .target;
    const betaTarget = json(await get(`/beta${DMP}`)).value[0].groupsRequiringPartnerEnrollment[0]
      .target;
    expect(v1Target).toEqual({
      "@odata.type": "#microsoft.graph.groupAssignmentTarget",
      groupId: "4f1c2d3e-8a9b-4c7d-9e0f-1a2b3c4d5e6f",
    });
    expect(betaTarget).toEqual({
      ...v1Target,
      deviceAndAppManagementAssignmentFilterId: null,
      deviceAndAppManagementAssignmentFilterType: "none",
    });
  });

  it("writes every date as the service does: UTC, Z, 7 digits, or 0001-01-01T00:00:00Z when unset", async () => {
    const fabrikamToken = await secretToken(emulator, FABRIKAM);
    const partners = json(
      await http(emulator, "GET", `/beta${DMP}`, { token: fabrikamToken }),
    ).value;
    // The seed wrote 2025-03-14T08:05:17.0000001+01:00 and left the other one unset.
    expect(
      partners.map((partner: { lastHeartbeatDateTime: string }) => partner.lastHeartbeatDateTime),
    ).toEqual(["2025-03-14T07:05:17.0000001Z", "0001-01-01T00:00:00Z"]);
    const dates = partners.flatMap((partner: Record<string, unknown>) =>
      Object.entries(partner).filter(
        ([name, value]) => name.includes("DateTime") && value !== null,
      ),
    );
    expect(dates.length).toBeGreaterThan(1);
    for (const [, value] of dates) expect(value).toMatch(SERVICE_DATE);
  });
});

describe("headers", () => {
  it("sends a fresh request-id on every response and echoes client-request-id", async () => {
    const first = await get(`/v1.0${RA}`, {
      "client-request-id": "4b6c5f2e-0000-4000-8000-000000000001",
    });
    const second = await get(`/v1.0${RA}`);
    expect(first.headers["request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.headers["request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.headers["request-id"]).not.toBe(second.headers["request-id"]);
    expect(first.headers["client-request-id"]).toBe("4b6c5f2e-0000-4000-8000-000000000001");
    // Without one, Graph reports its own request-id as the client-request-id.
    expect(second.headers["client-request-id"]).toBe(second.headers["request-id"]);
  });

  it("puts request-id on token endpoint answers too", async () => {
    const response = await http(emulator, "GET", "/contoso/v2.0/.well-known/openid-configuration");
    expect(response.headers["request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("fidelity with Microsoft's Graph SDKs", () => {
  it("answers /$count with the number $count=true reports, not as an object id", async () => {
    for (const version of ["v1.0", "beta"]) {
      const listed = json(await get(`/${version}${DMP}?$count=true`));
      expect(listed["@odata.count"]).toBe(listed.value.length);
      const counted = await get(`/${version}${DMP}/$count`);
      expect(counted.status).toBe(200);
      expect(counted.headers["content-type"]).toMatch(/^text\/plain/);
      expect(counted.text).toBe(String(listed.value.length));
    }
  });

  it("does not return the two properties the current beta metadata dropped", async () => {
    const partners = json(await get(`/beta${DMP}`)).value as Record<string, unknown>[];
    for (const partner of partners) {
      expect(partner).not.toHaveProperty("whenPartnerDevicesWillBeRemoved");
      expect(partner).not.toHaveProperty("whenPartnerDevicesWillBeMarkedAsNonCompliant");
      expect(partner).toHaveProperty("whenPartnerDevicesWillBeRemovedDateTime");
    }
    const selected = await get(`/beta${DMP}?$select=whenPartnerDevicesWillBeRemoved`);
    expect(selected.status).toBe(400);
  });
});
