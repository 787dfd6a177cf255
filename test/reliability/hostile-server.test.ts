import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { applyPlan } from "../../src/apply/applier.ts";
import type { ApplyEvent } from "../../src/apply/model.ts";
import { startEmulator, type Emulator } from "../../src/emulator/index.ts";
import { createTlsMaterial, type TlsMaterial } from "../../src/emulator/tls.ts";
import type { HttpGraphClient } from "../../src/graph/client.ts";
import { readLiveState } from "../../src/operations/read-live.ts";
import type { JsonObject } from "../../src/json.ts";
import type { Plan } from "../../src/plan/model.ts";
import { createPlan } from "../../src/plan/planner.ts";
import { renderApplyEvent, renderApplySummary } from "../../src/render/apply-text.ts";
import { renderPlanMarkdown } from "../../src/render/plan-markdown.ts";
import { renderPlanText } from "../../src/render/plan-text.ts";
import { emulatorEnv, runCli } from "../helpers/cli.ts";
import { EXAMPLE_TENANTS, tempConfig, type TempConfig } from "../helpers/config-dir.ts";
import {
  fakeClient,
  json,
  startBystander,
  startFakeGraph,
  type Bystander,
  type FakeGraph,
} from "./fake-graph.ts";
import { ADDRESS, DECLARED, declare, desiredState } from "./pipeline.ts";

/**
 * Plan and apply end to end against a server that answers in ways Graph should not (or that Graph
 * does, but the documentation does not say): the run must stay correct, bounded and quiet about
 * the token. The Graph client's own unit of these cases is in test/graph/client-hostile.test.ts;
 * here each one goes through readLiveState → createPlan → applyPlan → the renderers.
 */
const RA_PATH = "/beta/deviceManagement/remoteAssistancePartners";
const DMP_PATH = "/beta/deviceManagement/deviceManagementPartners";
const GROUP = "#microsoft.graph.groupAssignmentTarget";

let tls: TlsMaterial;
let fake: FakeGraph;
let client: HttpGraphClient;
let bystander: Bystander | undefined;

function seedCollections(): Record<string, JsonObject[]> {
  return {
    [RA_PATH]: [
      { id: "ra-1", displayName: "RA one", onboardingStatus: "notOnboarded" },
      { id: "ra-2", displayName: "RA two", onboardingStatus: "onboarded" },
    ],
    [DMP_PATH]: [{ id: "mdm-1", displayName: "MDM one", partnerAppType: "unknown" }],
  };
}

beforeAll(async () => {
  process.env.NO_PROXY = "127.0.0.1,localhost";
  tls = await createTlsMaterial();
});
beforeEach(async () => {
  fake = await startFakeGraph(tls, seedCollections());
  client = fakeClient(fake, tls);
});
afterEach(async () => {
  client.close();
  await fake.close();
  await bystander?.close();
  bystander = undefined;
});

async function plan(objects = DECLARED, using: HttpGraphClient = client): Promise<Plan> {
  const desired = desiredState(objects);
  const live = await readLiveState(desired, () => Promise.resolve(using));
  return createPlan({ desired, live, toolVersion: "test" });
}

async function apply(planned: Plan) {
  const events: ApplyEvent[] = [];
  const result = await applyPlan(planned, {
    clientFor: () => Promise.resolve(client),
    onEvent: (event) => events.push(event),
  });
  const lines = events
    .map((event) => renderApplyEvent(event, { color: false }))
    .filter((line): line is string => line !== undefined);
  return { result, lines, summary: renderApplySummary(result, { color: false }) };
}

/** Any C0/C1 control character (ESC included) or bidi override that could act on a terminal. */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe("odd but legitimate answers", () => {
  it("tolerates properties and annotations it does not know (Graph adds properties): plans only the declared difference and converges", async () => {
    const extra = {
      "@odata.etag": 'W/"1"',
      futureProperty: { nested: [1, 2] },
      "onboardingStatus@odata.type": "#microsoft.graph.remoteAssistanceOnboardingStatus",
      lastConnectionDateTime: "2030-01-01T00:00:00Z",
    };
    for (const object of fake.collections.get(RA_PATH)!) Object.assign(object, extra);
    const first = await plan();
    expect(first.problems).toEqual([]);
    expect(first.changes.map((change) => change.address)).toEqual([ADDRESS.mdmOne, ADDRESS.raOne]);
    expect(first.changes.find((c) => c.address === ADDRESS.raOne)!.patch).toEqual({
      onboardingStatus: "onboarded",
    });
    const { result } = await apply(first);
    expect(result.summary).toMatchObject({ changed: 2, failed: 0, notConverged: 0 });
    expect(fake.patches.map((patch) => patch.body)).toEqual([
      { partnerAppType: "multiTenantApp" },
      { onboardingStatus: "onboarded" },
    ]);
    // Graph keeps adding its properties; the plan stays empty.
    for (const object of fake.collections.get(RA_PATH)!) object["anotherNewProperty"] = 7;
    expect((await plan()).changes).toEqual([]);
  });

  it("tolerates a property Graph adds to assignment targets, with its default: plan → apply → plan is empty", async () => {
    // Graph fills a (future) target property with its default on every target it stores, the
    // way beta does with deviceAndAppManagementAssignmentFilterType.
    const withDefault = (groups: unknown) =>
      (groups as { target: JsonObject }[]).map((assignment) => ({
        "@odata.type": "#microsoft.graph.deviceManagementPartnerAssignment",
        target: { ...assignment.target, futureTargetSetting: "default" },
      }));
    fake.collections.get(DMP_PATH)![0]!["groupsRequiringPartnerEnrollment"] = withDefault([
      { target: { "@odata.type": GROUP, groupId: "g-1" } },
    ]);
    fake.misbehave = (request, response, { path, body }) => {
      if (request.method !== "PATCH" || !path.startsWith(DMP_PATH)) return false;
      const object = fake.collections.get(DMP_PATH)![0]!;
      const patch = JSON.parse(body) as JsonObject;
      Object.assign(object, patch, {
        groupsRequiringPartnerEnrollment: withDefault(patch["groupsRequiringPartnerEnrollment"]),
      });
      response.writeHead(204).end();
      return true;
    };
    const objects = [
      declare("DeviceManagementPartner", "mdm-one", "MDM one", {
        groupsRequiringPartnerEnrollment: [
          { target: { "@odata.type": GROUP, groupId: "g-1" } },
          { target: { "@odata.type": GROUP, groupId: "g-2" } },
        ],
      }),
    ];
    const first = await plan(objects);
    expect(first.changes).toHaveLength(1);
    const { result } = await apply(first);
    expect(result.summary).toMatchObject({ changed: 1, notConverged: 0 });
    expect((await plan(objects)).changes).toEqual([]);
  });

  it("takes live values of the wrong type as a change to the declared value, never a crash, and writes only declared properties", async () => {
    fake.collections.set(RA_PATH, [
      { id: "ra-1", displayName: "RA one", onboardingStatus: 42 },
      { id: "ra-2", displayName: "RA two", onboardingStatus: { nested: ["x"] } },
    ]);
    fake.collections.set(DMP_PATH, [
      {
        id: "mdm-1",
        displayName: "MDM one",
        partnerAppType: null,
        groupsRequiringPartnerEnrollment: "not a list",
        whenPartnerDevicesWillBeRemovedDateTime: "yesterday",
      },
    ]);
    const first = await plan();
    expect(first.problems).toEqual([]);
    expect(first.changes.map((change) => change.address)).toEqual([
      ADDRESS.mdmOne,
      ADDRESS.raOne,
      "remoteAssistancePartner[contoso].ra-two",
    ]);
    expect(renderPlanText(first, { color: false })).toContain("onboardingStatus: 42 →");
    const { result } = await apply(first);
    expect(result.summary).toMatchObject({ changed: 3, failed: 0, notConverged: 0 });
    for (const patch of fake.patches) {
      expect(Object.keys(patch.body as JsonObject)).toHaveLength(1);
    }
    expect((await plan()).changes).toEqual([]);
  });

  it("shows Intune's message nested as JSON in error.message, in apply's lines and summary", async () => {
    const intune = JSON.stringify({
      _version: 3,
      Message:
        "An error has occurred - Operation ID (for customer support): 00000000-0000-0000-0000-000000000000 - Activity ID: 7c0cbd2d - Url: https://fef.msua06.manage.microsoft.com/x - CustomApiErrorPhrase: partner connection is being torn down",
      CustomApiErrorPhrase: "",
      RetryAfter: null,
      ErrorSourceService: "",
      HttpHeaders: "{}",
    });
    fake.misbehave = (request, response, { path }) => {
      if (request.method !== "PATCH" || !path.endsWith("/ra-1")) return false;
      json(response, 400, {
        error: {
          code: "BadRequest",
          message: intune,
          innerError: { "request-id": "r-123", date: "2030-01-01T00:00:00" },
        },
      });
      return true;
    };
    const { result, lines, summary } = await apply(await plan());
    expect(result.summary).toMatchObject({ changed: 1, failed: 1 });
    const failedLine = lines.find((line) => line.startsWith(`✗ ${ADDRESS.raOne}`))!;
    expect(failedLine).toContain("CustomApiErrorPhrase: partner connection is being torn down");
    expect(failedLine).toContain("r-123");
    expect(failedLine).not.toContain('"_version"');
    expect(summary).toContain("partner connection is being torn down");
    expect(summary).not.toContain("HttpHeaders");
  });

  it("takes a PATCH answered 200 with a body that is not the object as written, and lets the read-back decide", async () => {
    fake.misbehave = (request, response, { path }) => {
      if (request.method !== "PATCH") return false;
      // RA one: 200 with garbage and NOT applied; MDM one: 200 with another object's echo, applied.
      if (path.endsWith("/ra-1")) {
        response.writeHead(200, { "content-type": "application/json" }).end("<html>ok</html>");
        return true;
      }
      fake.collections.get(DMP_PATH)![0]!["partnerAppType"] = "multiTenantApp";
      json(response, 200, { id: "someone-else", displayName: "x" });
      return true;
    };
    const { result, summary } = await apply(await plan());
    expect(fake.patches).toHaveLength(2);
    expect(result.results.find((r) => r.address === ADDRESS.raOne)).toMatchObject({
      status: "not-converged",
      notConverged: [{ property: "onboardingStatus", desired: "onboarded", live: "notOnboarded" }],
    });
    expect(result.results.find((r) => r.address === ADDRESS.mdmOne)?.status).toBe("changed");
    expect(summary).toContain(ADDRESS.raOne);
  });
});

describe("a PATCH whose answer is lost: read before sending it again", () => {
  /**
   * The first PATCH to ra-1 gets no answer (the connection goes quiet); `act` says what the server
   * did with it meanwhile. The client times out, and before retrying reads the object.
   */
  function loseFirstAnswerToRaOne(act: (object: JsonObject, body: JsonObject) => void): void {
    let quiet = 1;
    fake.misbehave = (request, _response, { path, body }) => {
      if (request.method !== "PATCH" || !path.endsWith("/ra-1") || quiet === 0) return false;
      quiet--;
      act(fake.collections.get(RA_PATH)![0]!, JSON.parse(body) as JsonObject);
      return true; // never answered
    };
  }

  async function applyImpatiently(planned: Plan) {
    const impatient = fakeClient(fake, tls, { timeoutInMs: 1_000 });
    try {
      return await applyPlan(planned, { clientFor: () => Promise.resolve(impatient) });
    } finally {
      impatient.close();
    }
  }

  const patchesToRaOne = () => fake.patches.filter((patch) => patch.path.endsWith("/ra-1"));

  it("it landed (the read shows the planned values): not sent again, reported written and verified", async () => {
    loseFirstAnswerToRaOne((object, body) => Object.assign(object, body));
    const planned = await plan();
    const result = await applyImpatiently(planned);
    expect(result.summary).toMatchObject({ changed: 2, failed: 0, notConverged: 0 });
    expect(patchesToRaOne().map((patch) => patch.body)).toEqual([
      { onboardingStatus: "onboarded" },
    ]);
    expect((await plan()).changes).toEqual([]);
  });

  it("it did not land (the read shows the values before): sent again with the same body, and converges", async () => {
    loseFirstAnswerToRaOne(() => undefined);
    const planned = await plan();
    const result = await applyImpatiently(planned);
    expect(result.summary).toMatchObject({ changed: 2, failed: 0, notConverged: 0 });
    expect(patchesToRaOne().map((patch) => patch.body)).toEqual([
      { onboardingStatus: "onboarded" },
      { onboardingStatus: "onboarded" },
    ]);
    expect((await plan()).changes).toEqual([]);
  });

  it("someone else wrote a third value meanwhile: not sent again, the object reported failed with both values", async () => {
    loseFirstAnswerToRaOne((object) => Object.assign(object, { onboardingStatus: "onboarding" }));
    const planned = await plan();
    const result = await applyImpatiently(planned);
    expect(patchesToRaOne()).toHaveLength(1);
    const raOne = result.results.find((r) => r.address === ADDRESS.raOne);
    expect(raOne).toMatchObject({ status: "failed", failedIn: "write" });
    expect(raOne?.error?.message).toContain(
      'the PATCH got no answer, and the object now holds values the plan has neither before nor after: onboardingStatus is now "onboarding" (the plan: "notOnboarded" → "onboarded")',
    );
    expect(result.results.find((r) => r.address === ADDRESS.mdmOne)?.status).toBe("changed");
    expect(fake.collections.get(RA_PATH)![0]!["onboardingStatus"]).toBe("onboarding");
  });
});

describe("answers that must be refused", () => {
  it("one id on two pages with different content: a Graph inconsistency for that collection, both versions listed, nothing planned or written from it", async () => {
    const [raOne, raTwo] = fake.collections.get(RA_PATH)!;
    fake.misbehave = (request, response, urls) => {
      if (request.method !== "GET" || urls.path !== RA_PATH) return false;
      const second = (request.url ?? "").includes("skiptoken");
      json(
        response,
        200,
        second
          ? { value: [{ ...raOne, onboardingStatus: "onboarded" }, raTwo] }
          : { value: [raOne], "@odata.nextLink": `${urls.url}${RA_PATH}?$skiptoken=2` },
      );
      return true;
    };
    const planned = await plan();
    expect(planned.problems).toHaveLength(1);
    const summary = planned.problems[0]!.summary;
    expect(summary).toContain(
      'Graph is inconsistent: it listed id "ra-1" twice with different content',
    );
    // Both versions, each with the value that differs.
    expect(summary).toContain('page 1: displayName "RA one", onboardingStatus "notOnboarded"');
    expect(summary).toContain('page 2: displayName "RA one", onboardingStatus "onboarded"');
    expect(planned.changes.map((change) => change.address)).toEqual([ADDRESS.mdmOne]);
    await apply(planned);
    expect(fake.patches.map((patch) => patch.path)).toEqual([`${DMP_PATH}/mdm-1`]);
  });

  it("one id repeated on a later page with the same content: counted once, planned as usual", async () => {
    const [raOne, raTwo] = fake.collections.get(RA_PATH)!;
    fake.misbehave = (request, response, urls) => {
      if (request.method !== "GET" || urls.path !== RA_PATH) return false;
      const second = (request.url ?? "").includes("skiptoken");
      json(
        response,
        200,
        second
          ? { value: [raOne, raTwo] }
          : { value: [raOne], "@odata.nextLink": `${urls.url}${RA_PATH}?$skiptoken=2` },
      );
      return true;
    };
    const planned = await plan();
    expect(planned.problems).toEqual([]);
    expect(planned.changes.map((change) => change.address)).toEqual([
      ADDRESS.mdmOne,
      ADDRESS.raOne,
    ]);
  });

  it.each([
    [{ values: [] }, "the body has no `value` collection"],
    [{ value: { id: "ra-1" } }, "`value` is not an array"],
    [{ value: [{ displayName: "RA one" }] }, "item 0 of `value` has no string `id`"],
  ])(
    "a page of the wrong shape (%j): that collection is reported, the other planned and written",
    async (page, reason) => {
      fake.misbehave = (request, response, { path }) => {
        if (request.method !== "GET" || path !== RA_PATH) return false;
        json(response, 200, page);
        return true;
      };
      const planned = await plan();
      expect(planned.changes.map((change) => change.address)).toEqual([ADDRESS.mdmOne]);
      expect(planned.problems).toHaveLength(1);
      expect(planned.problems[0]!.summary).toContain(reason);
      const { result } = await apply(planned);
      expect(result.summary.changed).toBe(1);
      expect(fake.patches.map((patch) => patch.path)).toEqual([`${DMP_PATH}/mdm-1`]);
    },
  );

  it.each([
    ["another origin on the same host", (urls: { otherOriginUrl: string }) => urls.otherOriginUrl],
    ["plain HTTP on another port", () => bystander!.url],
    // Same host and port, other scheme: a check of `host` instead of `origin` would let it by and
    // send the token in clear text.
    [
      "plain HTTP on the same host and port",
      (urls: { url: string }) => urls.url.replace(/^https:/, "http:"),
    ],
  ])(
    "an @odata.nextLink to %s: refused, the token never leaves, nothing planned or written from that collection",
    async (_name, target) => {
      bystander = await startBystander();
      fake.misbehave = (request, response, urls) => {
        if (request.method !== "GET" || urls.path !== RA_PATH) return false;
        json(response, 200, {
          value: [fake.collections.get(RA_PATH)![0]],
          "@odata.nextLink": `${target(urls)}${RA_PATH}?$skiptoken=2`,
        });
        return true;
      };
      const planned = await plan();
      expect(planned.problems).toHaveLength(1);
      expect(planned.problems[0]!.summary).toMatch(
        /refusing to send the token to .*: @odata.nextLink points outside/,
      );
      expect(planned.changes.map((change) => change.address)).toEqual([ADDRESS.mdmOne]);
      // Only the server's own origin was ever asked, and the bystander never saw a request.
      expect(new Set(fake.server.seen.map((seen) => seen.host))).toEqual(
        new Set([`127.0.0.1:${fake.server.port}`]),
      );
      expect(bystander.seen).toEqual([]);
      await apply(planned);
      expect(fake.patches.map((patch) => patch.path)).toEqual([`${DMP_PATH}/mdm-1`]);
    },
  );

  it("a redirect to another host, on a read or on a PATCH: never followed, Authorization never sent there", async () => {
    bystander = await startBystander();
    const elsewhere = bystander.url;
    fake.misbehave = (request, response, { path }) => {
      const redirectRead = request.method === "GET" && path === DMP_PATH;
      const redirectWrite = request.method === "PATCH" && path.endsWith("/ra-1");
      if (!redirectRead && !redirectWrite) return false;
      response.writeHead(redirectRead ? 302 : 307, { location: `${elsewhere}${path}` }).end();
      return true;
    };
    const planned = await plan();
    // The bystander never received a request, let alone the Authorization header.
    expect(bystander.seen).toEqual([]);
    expect(planned.problems[0]!.summary).toContain("with a redirect to 127.0.0.1:");
    expect(planned.problems[0]!.summary).toContain("not following it");
    expect(planned.changes.map((change) => change.address)).toEqual([ADDRESS.raOne]);
    const { result } = await apply(planned);
    expect(result.results[0]).toMatchObject({ status: "failed", failedIn: "write" });
    expect(result.results[0]!.error?.message).toContain("not following it");
    expect(bystander.seen).toEqual([]);
    // Retrying cannot help: one attempt only.
    expect(fake.patches).toHaveLength(1);
  });

  it("a PATCH redirected (302/303) on the same origin is not turned into a GET", async () => {
    fake.misbehave = (request, response, { path }) => {
      if (request.method !== "PATCH") return false;
      response.writeHead(303, { location: `${path}?moved=1` }).end();
      return true;
    };
    const { result } = await apply(await plan());
    expect(result.summary).toMatchObject({ changed: 0, failed: 2 });
    expect(result.results[0]!.error?.message).toContain("would turn the PATCH into a GET");
    expect(fake.server.seen.filter((seen) => seen.path.includes("moved=1"))).toEqual([]);
  });

  it("an endless response: reading stops at the bound (memory stays bounded), the collection is reported, the rest planned", async () => {
    let written = 0;
    let closed = false;
    fake.misbehave = (request, response, { path }) => {
      if (request.method !== "GET" || path !== RA_PATH) return false;
      response.writeHead(200, { "content-type": "application/json" });
      response.write('{"value":[');
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      response.on("close", () => (closed = true));
      const pump = (): void => {
        // Never ends on its own: only the client closing the connection stops it.
        while (!closed && response.write(chunk)) written += chunk.length;
        if (!closed) response.once("drain", pump);
      };
      pump();
      return true;
    };
    const bounded = fakeClient(fake, tls, { maxResponseBytes: 1024 * 1024 });
    try {
      const planned = await plan(DECLARED, bounded);
      expect(planned.problems).toHaveLength(1);
      expect(planned.problems[0]!.summary).toContain(
        "the response is larger than 1 MB; refusing to read it",
      );
      expect(planned.changes.map((change) => change.address)).toEqual([ADDRESS.mdmOne]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(closed).toBe(true);
      // The client hung up soon after the bound (socket buffers aside), and asked only once.
      expect(written).toBeLessThan(16 * 1024 * 1024);
      expect(fake.server.seen.filter((seen) => seen.path.startsWith(RA_PATH))).toHaveLength(1);
    } finally {
      bounded.close();
    }
  });

  it("a page nested deeper than any Graph object: refused as a page of the wrong shape, no crash", async () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    fake.misbehave = (request, response, { path }) => {
      if (request.method !== "GET" || path !== RA_PATH) return false;
      response.writeHead(200, { "content-type": "application/json" });
      response.end(`{"value":[{"id":"ra-1","displayName":"RA one","onboardingStatus":${deep}}]}`);
      return true;
    };
    const planned = await plan();
    expect(planned.problems).toHaveLength(1);
    expect(planned.problems[0]!.summary).toContain("the body nests deeper than 64 levels");
    expect(planned.changes.map((change) => change.address)).toEqual([ADDRESS.mdmOne]);
    expect(renderPlanText(planned, { color: false })).toContain("nests deeper");
  });

  it("hostile text in live values and Graph messages cannot drive the terminal", async () => {
    const evil = "\u001b[2J\u001b]0;pwned\u0007\u009b31m\r\u202eevil";
    fake.collections.set(RA_PATH, [
      { id: "ra-1", displayName: "RA one", onboardingStatus: evil },
      { id: "ra-2", displayName: "RA two", onboardingStatus: "onboarded" },
    ]);
    fake.misbehave = (request, response, { path }) => {
      if (request.method === "GET" && path === DMP_PATH) {
        json(response, 400, { error: { code: `Bad${evil}`, message: `no ${evil}` } });
        return true;
      }
      if (request.method === "PATCH") {
        json(response, 400, { error: { code: "BadRequest", message: `refused ${evil}` } });
        return true;
      }
      return false;
    };
    const planned = await plan();
    expect(planned.problems).toHaveLength(1);
    expect(renderPlanText(planned, { color: false })).not.toMatch(RAW_CONTROL);
    expect(renderPlanMarkdown(planned)).not.toMatch(RAW_CONTROL);
    const { result, lines, summary } = await apply(planned);
    expect(result.summary.failed).toBe(1);
    for (const line of lines) expect(line).not.toMatch(RAW_CONTROL);
    expect(summary).toContain("refused");
    expect(summary).not.toMatch(RAW_CONTROL);
  });

  it("hostile text in a stale object's new value or a read-back value cannot drive the terminal either", async () => {
    const evil = "\u001b[2J\u009b31m\u202eevil";
    // Stale: RA one moves to a hostile value between plan and apply.
    const stalePlan = await plan();
    fake.collections.get(RA_PATH)![0]!["onboardingStatus"] = evil;
    const stale = await apply(stalePlan);
    expect(stale.result.refusedAsStale).toBe(true);
    for (const line of stale.lines) expect(line).not.toMatch(RAW_CONTROL);
    expect(stale.summary).not.toMatch(RAW_CONTROL);
    // Not converged: Graph stores a hostile value instead of the one written.
    fake.misbehave = (request, response, { path }) => {
      if (request.method !== "PATCH" || !path.endsWith("/ra-1")) return false;
      fake.collections.get(RA_PATH)![0]!["onboardingStatus"] = `${evil}2`;
      response.writeHead(204).end();
      return true;
    };
    const notConverged = await apply(await plan());
    expect(notConverged.result.summary.notConverged).toBe(1);
    for (const line of notConverged.lines) expect(line).not.toMatch(RAW_CONTROL);
    expect(notConverged.summary).not.toMatch(RAW_CONTROL);
  });
});

describe("through the CLI (tokens from the emulator, Graph from the hostile server)", () => {
  let emulator: Emulator;
  let config: TempConfig;
  let caFile: string;

  beforeAll(async () => {
    emulator = await startEmulator();
    config = tempConfig();
    config.write("tenants.yaml", EXAMPLE_TENANTS.split("---")[0]!);
    config.write(
      "partners.yaml",
      `apiVersion: intune-gitops/v1
kind: RemoteAssistancePartner
metadata: { name: ra-one, tenants: contoso, match: { displayName: RA one } }
spec: { onboardingStatus: onboarded }
---
apiVersion: intune-gitops/v1
kind: DeviceManagementPartner
metadata: { name: mdm-one, tenants: contoso, match: { displayName: MDM one } }
spec: { partnerAppType: multiTenantApp }
`,
    );
    // One file trusting both CAs: the emulator's (token endpoint) and the fake Graph's.
    caFile = join(config.dir, "both-ca.pem");
    writeFileSync(caFile, `${emulator.caPem}\n${tls.caPem}`);
  });
  afterAll(async () => {
    config.cleanup();
    await emulator.close();
  });

  const run = (args: string[]) =>
    runCli([...args, "--config", config.dir], {
      env: {
        ...emulatorEnv(emulator),
        INTUNE_GITOPS_GRAPH_URL: fake.server.url,
        NODE_EXTRA_CA_CERTS: caFile,
      },
    });

  it("plan and apply print Graph's hostile text inert, with no stack trace", async () => {
    const evil = "\u001b[2J\u001b]0;pwned\u0007\u009b31m\u202eevil";
    fake.misbehave = (request, response, { path }) => {
      if (request.method === "GET" && path === DMP_PATH) {
        json(response, 400, { error: { code: "BadRequest", message: `read ${evil}` } });
        return true;
      }
      if (request.method === "PATCH") {
        json(response, 400, { error: { code: "BadRequest", message: `write ${evil}` } });
        return true;
      }
      return false;
    };
    const plan = await run(["plan", "--debug"]);
    expect(plan.code).toBe(1);
    expect(plan.stdout + plan.stderr).toContain("read");
    expect(plan.stdout).not.toMatch(RAW_CONTROL);
    expect(plan.stderr).not.toMatch(RAW_CONTROL);
    expect(plan.stderr).not.toMatch(/\n\s+at .*:\d+:\d+/);

    fake.misbehave = (request, response) => {
      if (request.method !== "PATCH") return false;
      json(response, 400, { error: { code: "BadRequest", message: `write ${evil}` } });
      return true;
    };
    const apply = await run(["apply", "--auto-approve", "--debug"]);
    expect(apply.code).toBe(1);
    expect(apply.stdout).toContain("write");
    expect(apply.stdout).not.toMatch(RAW_CONTROL);
    expect(apply.stderr).not.toMatch(RAW_CONTROL);
  });

  it("export reports a Graph failure as an error (not as a bug), inert, and writes nothing", async () => {
    const evil = "\u001b[2J\u009b31m\u202eevil";
    fake.misbehave = (request, response, { path }) => {
      if (request.method !== "GET" || path !== DMP_PATH) return false;
      json(response, 403, { error: { code: "Forbidden", message: `denied ${evil}` } });
      return true;
    };
    const out = join(config.dir, "exported");
    const exported = await run(["export", "--tenant", "contoso", "--out", out, "--debug"]);
    expect(exported.code).toBe(1);
    expect(exported.stderr).toMatch(/^Error: .*HTTP 403 Forbidden: denied/m);
    expect(exported.stdout + exported.stderr).not.toMatch(/internal error|This is a bug/);
    expect(exported.stderr).not.toMatch(/\n\s+at .*:\d+:\d+/);
    expect(exported.stderr).not.toMatch(RAW_CONTROL);
    expect(existsSync(out)).toBe(false);
  });
});
