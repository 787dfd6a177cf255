import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.ts";
import { createGraphClient, type HttpGraphClient } from "../../src/graph/client.ts";
import { attributeDrift } from "../../src/operations/attribute-drift.ts";
import { change, plan } from "../helpers/plan-builders.ts";
import { CONTOSO_TEAMVIEWER, DEMO_APP, secretToken } from "../emulator/helpers.ts";

/**
 * The audit-log reading against the emulator over HTTPS (pages of 2 events): it pages newest
 * first, stops as soon as every drifted property is found, and stops at the page bound.
 */
let emulator: Emulator;
let client: HttpGraphClient;
const NOW = new Date();
const auditGets = () =>
  emulator.requests.filter((request) => /\/deviceManagement\/auditEvents$/.test(request.path));

beforeAll(async () => {
  emulator = await startEmulator({ pageSize: 2 });
  const token = await secretToken(emulator);
  client = createGraphClient({
    graphUrl: emulator.url,
    tenant: "contoso",
    getAccessToken: () => Promise.resolve(token),
    ca: emulator.caPem,
  });
});
afterAll(async () => {
  client.close();
  await emulator.close();
});
beforeEach(() => {
  emulator.reset();
  // Three and four days ago, older status changes (page 5); two days ago Alex set the status
  // (page 4); since then, six changes of the URL (pages 1 to 3).
  for (const days of [4, 3]) {
    emulator.portalChange({
      tenant: "contoso",
      collection: "remoteAssistancePartners",
      id: CONTOSO_TEAMVIEWER,
      values: { onboardingStatus: days === 4 ? "onboarded" : "notOnboarded" },
      userPrincipalName: "old@contoso.example",
      activityDateTime: new Date(NOW.getTime() - days * 86_400_000).toISOString(),
    });
  }
  emulator.portalChange({
    tenant: "contoso",
    collection: "remoteAssistancePartners",
    id: CONTOSO_TEAMVIEWER,
    values: { onboardingStatus: "onboarding" },
    userPrincipalName: "alex@contoso.example",
    activityDateTime: new Date(NOW.getTime() - 2 * 86_400_000).toISOString(),
  });
  for (let index = 0; index < 6; index++) {
    emulator.portalChange({
      tenant: "contoso",
      collection: "remoteAssistancePartners",
      id: CONTOSO_TEAMVIEWER,
      values: { onboardingUrl: `https://example.com/${index}` },
      userPrincipalName: "sam@contoso.example",
    });
  }
});

const drifted = plan({
  changes: [
    change({
      liveId: CONTOSO_TEAMVIEWER,
      changes: [{ property: "onboardingStatus", before: "onboarding", after: "onboarded" }],
    }),
  ],
});
const access = () => Promise.resolve({ reader: client, appId: DEMO_APP.clientId });

describe("attributeDrift", () => {
  it("pages newest first and stops at the page that holds the last drifted property", async () => {
    const before = auditGets().length;
    const attribution = await attributeDrift(drifted, access, { windowDays: 30, now: NOW });
    expect(attribution.gaps).toEqual([]);
    expect(attribution.properties[0]?.lastChange).toMatchObject({
      actor: { name: "alex@contoso.example" },
      oldValue: "notOnboarded",
      newValue: "onboarding",
    });
    // Pages 1–3 hold the URL changes, page 4 Alex's status change: no fifth request.
    expect(auditGets().length - before).toBe(4);
  });

  it("stops at the page bound and says older changes were not looked at", async () => {
    const before = auditGets().length;
    const attribution = await attributeDrift(drifted, access, {
      windowDays: 30,
      now: NOW,
      maxPages: 2,
    });
    expect(auditGets().length - before).toBe(2);
    expect(attribution.properties[0]?.lastChange).toBeNull();
    expect(attribution.gaps).toEqual([
      {
        tenant: "contoso",
        reason: "pages",
        message:
          "read the newest 4 audit events (2 pages) of the window; older changes were not looked at",
      },
    ]);
  });

  it("looks no further back than the window", async () => {
    const attribution = await attributeDrift(drifted, access, { windowDays: 1, now: NOW });
    expect(attribution.properties[0]?.lastChange).toBeNull();
    expect(attribution.gaps).toEqual([]);
    const filters = auditGets().map((request) => request.query["$filter"] ?? "");
    expect(filters.at(-1)).toMatch(
      /^activityDateTime ge \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ and componentName eq 'ManagedDevices'$/,
    );
  });
});
