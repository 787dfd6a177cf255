import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.ts";
import { loadSeedPages } from "../helpers/seeds.ts";
import {
  CONTOSO,
  CONTOSO_JAMF,
  CONTOSO_TEAMVIEWER,
  READ_ONLY_APP,
  http,
  json,
  secretToken,
  tokenRequest,
  GRAPH_SCOPE,
  DEMO_APP,
} from "./helpers.ts";

const RA = "/deviceManagement/remoteAssistancePartners";
const DMP = "/deviceManagement/deviceManagementPartners";

let emulator: Emulator;
let token: string;

beforeAll(async () => {
  emulator = await startEmulator();
  token = await secretToken(emulator);
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const patch = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  http(emulator, "PATCH", path, { token, body, headers });
const read = async (path: string) => json(await http(emulator, "GET", path, { token }));

describe("PATCH", () => {
  it("answers 204 with no body and changes the object for both versions", async () => {
    const response = await patch(`/v1.0${RA}/${CONTOSO_TEAMVIEWER}`, {
      onboardingStatus: "onboarded",
      lastConnectionDateTime: "2016-12-31T23:58:36.6670033-08:00",
    });
    expect(response.status).toBe(204);
    expect(response.text).toBe("");
    const expected = {
      onboardingStatus: "onboarded",
      lastConnectionDateTime: "2017-01-01T07:58:36.6670033Z",
    };
    expect(await read(`/v1.0${RA}/${CONTOSO_TEAMVIEWER}`)).toMatchObject(expected);
    expect(await read(`/beta${RA}/${CONTOSO_TEAMVIEWER}`)).toMatchObject(expected);
    expect(emulator.objects("contoso", "remoteAssistancePartners")[0]).toMatchObject(expected);
  });

  it("answers 200 with the updated object when started with patchStatus 200", async () => {
    const documented = await startEmulator({ patchStatus: 200 });
    try {
      const response = await http(documented, "PATCH", `/beta${RA}/${CONTOSO_TEAMVIEWER}`, {
        token: await secretToken(documented),
        body: { displayName: "TeamViewer Tensor" },
      });
      expect(response.status).toBe(200);
      expect(json(response)).toMatchObject({
        "@odata.context": `${documented.url}/beta/$metadata#deviceManagement/remoteAssistancePartners/$entity`,
        id: CONTOSO_TEAMVIEWER,
        displayName: "TeamViewer Tensor",
        onboardingStatus: "notOnboarded",
        onboardingRequestExpiryDateTime: "0001-01-01T00:00:00Z",
      });
    } finally {
      await documented.close();
    }
  });

  it("replaces a collection property whole and keeps 100 ns precision", async () => {
    const groups = [
      {
        target: {
          "@odata.type": "#microsoft.graph.groupAssignmentTarget",
          groupId: "4f1c2d3e-8a9b-4c7d-9e0f-1a2b3c4d5e6f",
        },
      },
      // The docs write nested types without the leading '#'; both are accepted.
      {
        target: {
          "@odata.type": "microsoft.graph.groupAssignmentTarget",
          groupId: "7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e",
        },
      },
    ];
    const response = await patch(`/v1.0${DMP}/${CONTOSO_JAMF}`, {
      groupsRequiringPartnerEnrollment: groups,
      lastHeartbeatDateTime: "2024-02-29T23:59:59.9999999-00:30",
    });
    expect(response.status).toBe(204);
    const partner = await read(`/v1.0${DMP}/${CONTOSO_JAMF}`);
    expect(partner.groupsRequiringPartnerEnrollment.map((group: any) => group.target)).toEqual([
      {
        "@odata.type": "#microsoft.graph.groupAssignmentTarget",
        groupId: "4f1c2d3e-8a9b-4c7d-9e0f-1a2b3c4d5e6f",
      },
      {
        "@odata.type": "#microsoft.graph.groupAssignmentTarget",
        groupId: "7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e",
      },
    ]);
    expect(partner.lastHeartbeatDateTime).toBe("2024-03-01T00:29:59.9999999Z");
  });

  it("accepts beta assignment filters on targets, and the seed page's two deprecated properties, on beta only", async () => {
    const betaBody = {
      whenPartnerDevicesWillBeRemoved: "2017-01-01T00:00:34.890321-08:00",
      groupsRequiringPartnerEnrollment: [
        {
          target: {
            "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget",
            deviceAndAppManagementAssignmentFilterId: "f0f0f0f0-0000-4000-8000-000000000000",
            deviceAndAppManagementAssignmentFilterType: "include",
          },
        },
      ],
    };
    expect((await patch(`/beta${DMP}/${CONTOSO_JAMF}`, betaBody)).status).toBe(204);
    const beta = await read(`/beta${DMP}/${CONTOSO_JAMF}`);
    // Accepted, but not returned: the current beta metadata, SDK and types no longer have it.
    expect(beta).not.toHaveProperty("whenPartnerDevicesWillBeRemoved");
    expect(
      beta.groupsRequiringPartnerEnrollment[0].target.deviceAndAppManagementAssignmentFilterType,
    ).toBe("include");
    const v1 = await read(`/v1.0${DMP}/${CONTOSO_JAMF}`);
    expect(v1).not.toHaveProperty("whenPartnerDevicesWillBeRemoved");
    expect(v1.groupsRequiringPartnerEnrollment[0].target).toEqual({
      "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget",
    });
    const refused = await patch(`/v1.0${DMP}/${CONTOSO_JAMF}`, {
      whenPartnerDevicesWillBeRemoved: "2017-01-01T00:00:00Z",
    });
    expect(refused.status).toBe(400);
  });

  it("refuses a group target without its group (the SDK's serializer bug sends exactly that)", async () => {
    for (const version of ["v1.0", "beta"]) {
      for (const type of ["groupAssignmentTarget", "exclusionGroupAssignmentTarget"]) {
        const response = await patch(`/${version}${DMP}/${CONTOSO_JAMF}`, {
          groupsRequiringPartnerEnrollment: [
            { target: { "@odata.type": `#microsoft.graph.${type}` } },
          ],
        });
        expect(response.status).toBe(400);
        expect(json(response).error.message).toContain("'groupId'");
      }
    }
    const stored = emulator.objects("contoso", "deviceManagementPartners")[0]!;
    expect(JSON.stringify(stored)).not.toContain('"groupId":null');
  });

  it("stores beta filter fields, hides them on v1.0, and a v1.0 PATCH of the collection drops them", async () => {
    const filtered = {
      "@odata.type": "#microsoft.graph.groupAssignmentTarget",
      groupId: "4f1c2d3e-8a9b-4c7d-9e0f-1a2b3c4d5e6f",
      deviceAndAppManagementAssignmentFilterId: "f0f0f0f0-0000-4000-8000-000000000000",
      deviceAndAppManagementAssignmentFilterType: "exclude",
    };
    const targets = (value: { groupsRequiringPartnerEnrollment: { target: unknown }[] }) =>
      value.groupsRequiringPartnerEnrollment.map((element) => element.target);
    await patch(`/beta${DMP}/${CONTOSO_JAMF}`, {
      groupsRequiringPartnerEnrollment: [{ target: filtered }],
    });
    expect(targets(await read(`/beta${DMP}/${CONTOSO_JAMF}`))).toEqual([filtered]);
    const v1Target = { "@odata.type": filtered["@odata.type"], groupId: filtered.groupId };
    expect(targets(await read(`/v1.0${DMP}/${CONTOSO_JAMF}`))).toEqual([v1Target]);

    // The same target sent back through v1.0, as a v1.0 client must: its filter is gone.
    await patch(`/v1.0${DMP}/${CONTOSO_JAMF}`, {
      groupsRequiringPartnerEnrollment: [{ target: v1Target }],
    });
    expect(targets(await read(`/beta${DMP}/${CONTOSO_JAMF}`))).toEqual([
      {
        ...v1Target,
        deviceAndAppManagementAssignmentFilterId: null,
        deviceAndAppManagementAssignmentFilterType: "none",
      },
    ]);
  });

  it.each(loadSeedPages().map((page) => [page.file, page] as const))(
    "accepts the example request body of seed page %s",
    async (_file, page) => {
      const collection = page.graphType === "remoteAssistancePartner" ? RA : DMP;
      const id = page.graphType === "remoteAssistancePartner" ? CONTOSO_TEAMVIEWER : CONTOSO_JAMF;
      const response = await patch(`/${page.graphVersion}${collection}/${id}`, page.request);
      expect(response.text).toBe("");
      expect(response.status).toBe(204);
      const after = await read(`/${page.graphVersion}${collection}/${id}`);
      for (const [name, value] of Object.entries(page.request)) {
        if (name.startsWith("@") || typeof value !== "string") continue;
        // The two obsolete names are accepted but no longer returned (beta metadata dropped them).
        if (/WillBe(Removed|MarkedAsNonCompliant)$/.test(name))
          expect(after).not.toHaveProperty(name);
        else if (/DateTime|WillBe/.test(name))
          expect(after[name]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
        else expect(after[name]).toBe(value);
      }
    },
  );

  it.each<[string, string, unknown, RegExp]>([
    [
      "an unknown property",
      RA,
      { onboardingColor: "blue" },
      /The property 'onboardingColor' does not exist on type 'microsoft\.graph\.remoteAssistancePartner'/,
    ],
    [
      "a wrong type",
      DMP,
      { isConfigured: "yes" },
      /Cannot convert a primitive value to the expected type 'Edm\.Boolean'/,
    ],
    ["an object for a string", RA, { displayName: { text: "x" } }, /unexpected 'StartObject' node/],
    [
      "a bad enum member",
      RA,
      { onboardingStatus: "Onboarded" },
      /'Onboarded' .* not a member of the enum type 'microsoft\.graph\.remoteAssistanceOnboardingStatus'/,
    ],
    [
      "a malformed DateTimeOffset",
      RA,
      { lastConnectionDateTime: "2016-12-31 23:58" },
      /Cannot convert the literal '2016-12-31 23:58' to the expected type 'Edm\.DateTimeOffset'/,
    ],
    [
      "an impossible date",
      RA,
      { lastConnectionDateTime: "2023-02-29T00:00:00Z" },
      /Edm\.DateTimeOffset/,
    ],
    [
      "null on a non-nullable property",
      RA,
      { onboardingStatus: null },
      /A null value was found for the property named 'onboardingStatus'/,
    ],
    [
      "null for a collection",
      DMP,
      { groupsRequiringPartnerEnrollment: null },
      /A null value was found for the property named 'groupsRequiringPartnerEnrollment'/,
    ],
    [
      "a changed id",
      RA,
      { id: "00000000-0000-4000-8000-000000000000" },
      /The key property 'id' cannot be changed/,
    ],
    [
      "an unknown target type",
      DMP,
      {
        groupsRequiringPartnerEnrollment: [
          { target: { "@odata.type": "#microsoft.graph.scopeTagGroupAssignmentTarget" } },
        ],
      },
      /A type named 'microsoft\.graph\.scopeTagGroupAssignmentTarget' could not be resolved by the model/,
    ],
    [
      "a target without its concrete type",
      DMP,
      {
        groupsRequiringPartnerEnrollment: [
          { target: { groupId: "4f1c2d3e-8a9b-4c7d-9e0f-1a2b3c4d5e6f" } },
        ],
      },
      /abstract type 'microsoft\.graph\.deviceAndAppManagementAssignmentTarget'/,
    ],
    [
      "a target property of another type",
      DMP,
      {
        groupsRequiringPartnerEnrollment: [
          {
            target: { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget", groupId: "x" },
          },
        ],
      },
      /The property 'groupId' does not exist on type 'microsoft\.graph\.allDevicesAssignmentTarget'/,
    ],
    [
      "a beta filter on v1.0",
      DMP,
      {
        groupsRequiringPartnerEnrollment: [
          {
            target: {
              "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget",
              deviceAndAppManagementAssignmentFilterType: "include",
            },
          },
        ],
      },
      /does not exist on type/,
    ],
    [
      "another entity's @odata.type",
      RA,
      { "@odata.type": "#microsoft.graph.deviceManagementPartner" },
      /not assignable to the expected type 'microsoft\.graph\.remoteAssistancePartner'/,
    ],
    ["a JSON array", RA, [{ displayName: "x" }], /unexpected 'StartArray' node/],
    ["invalid JSON", RA, "{ displayName: ", /Invalid JSON/],
  ])(
    "refuses %s with 400 BadRequest and leaves the object alone",
    async (_case, collection, body, message) => {
      const id = collection === RA ? CONTOSO_TEAMVIEWER : CONTOSO_JAMF;
      const before = emulator.objects(CONTOSO, collection);
      const response = await patch(`/v1.0${collection}/${id}`, body, {
        "content-type": "application/json",
        "client-request-id": "c-1",
      });
      expect(response.status).toBe(400);
      const { error } = json(response);
      expect(error.code).toBe("BadRequest");
      expect(error.message).toMatch(message);
      expect(error.innerError).toMatchObject({
        "request-id": response.headers["request-id"],
        "client-request-id": "c-1",
      });
      expect(error.innerError.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
      expect(emulator.objects(CONTOSO, collection)).toEqual(before);
    },
  );

  it("answers 404 for an unknown id, 415 for a non-JSON body and 405 for an unsupported method", async () => {
    const missing = await patch(`/v1.0${RA}/0f0f0f0f-0000-4000-8000-000000000000`, {
      displayName: "x",
    });
    expect(missing.status).toBe(404);
    expect(json(missing).error.code).toBe("ResourceNotFound");
    const text = await http(emulator, "PATCH", `/v1.0${RA}/${CONTOSO_TEAMVIEWER}`, {
      token,
      body: "displayName=x",
      headers: { "content-type": "text/plain" },
    });
    expect(text.status).toBe(415);
    const deletion = await http(emulator, "DELETE", `/v1.0${RA}/${CONTOSO_TEAMVIEWER}`, { token });
    expect(deletion.status).toBe(405);
  });
});

describe("actions", () => {
  it("beginOnboarding, then disconnect, move the onboarding status", async () => {
    const begin = await http(emulator, "POST", `/beta${RA}/${CONTOSO_TEAMVIEWER}/beginOnboarding`, {
      token,
    });
    expect(begin.status).toBe(204);
    const onboarding = await read(`/beta${RA}/${CONTOSO_TEAMVIEWER}`);
    expect(onboarding.onboardingStatus).toBe("onboarding");
    expect(Date.parse(onboarding.onboardingRequestExpiryDateTime)).toBeGreaterThan(Date.now());
    const disconnect = await http(emulator, "POST", `/v1.0${RA}/${CONTOSO_TEAMVIEWER}/disconnect`, {
      token,
    });
    expect(disconnect.status).toBe(204);
    expect((await read(`/v1.0${RA}/${CONTOSO_TEAMVIEWER}`)).onboardingStatus).toBe("notOnboarded");
  });

  it("terminate ends the partner connection; actions refuse parameters and other collections", async () => {
    expect(
      (await http(emulator, "POST", `/v1.0${DMP}/${CONTOSO_JAMF}/terminate`, { token })).status,
    ).toBe(204);
    const terminated = await read(`/beta${DMP}/${CONTOSO_JAMF}`);
    expect(terminated.partnerState).toBe("terminated");
    expect(terminated.isConfigured).toBe(false);
    // Microsoft's Jamf documentation: the partner's devices leave Intune 90 days after termination.
    const removal = Date.parse(terminated.whenPartnerDevicesWillBeRemovedDateTime);
    expect(removal - Date.now()).toBeGreaterThan(89 * 86_400_000);
    expect(removal - Date.now()).toBeLessThanOrEqual(90 * 86_400_000);
    const withParameter = await http(emulator, "POST", `/v1.0${DMP}/${CONTOSO_JAMF}/terminate`, {
      token,
      body: { now: true },
    });
    expect(withParameter.status).toBe(400);
    const wrongCollection = await http(
      emulator,
      "POST",
      `/v1.0${DMP}/${CONTOSO_JAMF}/beginOnboarding`,
      { token },
    );
    expect(wrongCollection.status).toBe(400);
    const missing = await http(
      emulator,
      "POST",
      `/v1.0${RA}/0f0f0f0f-0000-4000-8000-000000000000/disconnect`,
      { token },
    );
    expect(missing.status).toBe(404);
  });
});

describe("authentication and permissions", () => {
  it.each([
    ["no token", undefined, "Access token is empty."],
    ["a token that is not a JWT", "not-a-jwt", /JWT is not well formed/],
    ["a JWT with a forged signature", "forged", /Invalid signature/],
  ])("answers %s with 401 InvalidAuthenticationToken", async (_case, kind, message) => {
    let authorization: string | undefined;
    if (kind === "not-a-jwt") authorization = "Bearer not-a-jwt";
    if (kind === "forged") {
      const [header, payload] = token.split(".");
      authorization = `Bearer ${header}.${payload}.${Buffer.from("forged").toString("base64url")}`;
    }
    const response = await http(emulator, "GET", `/v1.0${RA}`, {
      headers: authorization ? { authorization } : {},
    });
    expect(response.status).toBe(401);
    expect(response.headers["www-authenticate"]).toMatch(/^Bearer /);
    const { error } = json(response);
    expect(error.code).toBe("InvalidAuthenticationToken");
    expect(error.message).toMatch(message);
    expect(error.innerError["request-id"]).toBe(response.headers["request-id"]);
  });

  it("answers an expired token with 401", async () => {
    const expiring = await startEmulator({ tokenLifetimeSeconds: -1 });
    try {
      const issued = await tokenRequest(expiring, CONTOSO, {
        grant_type: "client_credentials",
        client_id: DEMO_APP.clientId,
        client_secret: DEMO_APP.secret,
        scope: GRAPH_SCOPE,
      });
      const response = await http(expiring, "GET", `/v1.0${RA}`, {
        token: json(issued).access_token,
      });
      expect(response.status).toBe(401);
      expect(json(response).error).toMatchObject({
        code: "InvalidAuthenticationToken",
        message: "Lifetime validation failed, the token is expired.",
      });
    } finally {
      await expiring.close();
    }
  });

  it("lets the read-only app read but answers its PATCH and actions with 403, Intune's JSON inside the message", async () => {
    const readOnly = await secretToken(emulator, CONTOSO, READ_ONLY_APP);
    expect((await http(emulator, "GET", `/beta${RA}`, { token: readOnly })).status).toBe(200);
    const response = await http(emulator, "PATCH", `/beta${RA}/${CONTOSO_TEAMVIEWER}`, {
      token: readOnly,
      body: { displayName: "x" },
    });
    expect(response.status).toBe(403);
    const { error } = json(response);
    expect(error.code).toBe("Forbidden");
    const inner = JSON.parse(error.message);
    expect(inner._version).toBe(3);
    expect(inner.Message).toMatch(
      /Application must have one of the following scopes: DeviceManagementServiceConfig\.ReadWrite\.All, DeviceManagementConfiguration\.ReadWrite\.All/,
    );
    const action = await http(
      emulator,
      "POST",
      `/v1.0${RA}/${CONTOSO_TEAMVIEWER}/beginOnboarding`,
      { token: readOnly },
    );
    expect(action.status).toBe(403);
    expect(emulator.objects(CONTOSO, RA)[0]?.["displayName"]).toBe("TeamViewer");
  });
});
