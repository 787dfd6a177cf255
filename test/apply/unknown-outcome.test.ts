import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { applyPlan } from "../../src/apply/applier.ts";
import type { DesiredObject, DesiredState } from "../../src/config/model.ts";
import { createTlsMaterial, type TlsMaterial } from "../../src/emulator/tls.ts";
import type { HttpGraphClient } from "../../src/graph/client.ts";
import type { JsonObject } from "../../src/json.ts";
import { readLiveState } from "../../src/operations/read-live.ts";
import { createPlan } from "../../src/plan/planner.ts";
import { fakeClient, json, startFakeGraph, type FakeGraph } from "../reliability/fake-graph.ts";

/**
 * A PATCH whose connection breaks before the answer (a reset): the write may or may not have
 * landed, so before sending it again the applier reads the object (write.ts,
 * `settleUnknownOutcome`). Against a scripted HTTPS server, because the emulator injects its
 * faults before it acts and so cannot break a connection after applying a PATCH. A reset fails
 * at once, so no test waits for a timeout.
 */
const RA_PATH = "/beta/deviceManagement/remoteAssistancePartners";
const ADDRESS = "remoteAssistancePartner[contoso].ra-one";
const TENANT = {
  name: "contoso",
  tenantId: "6babcaad-604b-40ac-a9d7-9fd97c0b779f",
  cloud: "global",
  graphVersion: "beta",
  auth: { method: "clientSecret", clientId: "unused", clientSecretEnv: "UNUSED" },
  source: { file: "tenants.yaml", line: 1, column: 1 },
} as const;

function declareRaOne(spec: JsonObject): DesiredObject {
  return {
    kind: "RemoteAssistancePartner",
    name: "ra-one",
    tenant: "contoso",
    match: { by: "displayName", displayName: "RA one" },
    graphVersion: "beta",
    spec,
    source: { file: "partners.yaml", line: 1, column: 1 },
    propertySources: {},
  };
}

let tls: TlsMaterial;
let fake: FakeGraph;
let client: HttpGraphClient;

beforeAll(async () => {
  process.env.NO_PROXY = "127.0.0.1,localhost";
  tls = await createTlsMaterial();
});
beforeEach(async () => {
  fake = await startFakeGraph(tls, {
    [RA_PATH]: [
      // Listed first, and already as the plan wants RA one: a read that took any object for
      // the one written would think the write landed.
      { id: "ra-0", displayName: "RA zero", onboardingStatus: "onboarded" },
      { id: "ra-1", displayName: "RA one", onboardingStatus: "notOnboarded" },
    ],
  });
  client = fakeClient(fake, tls);
});
afterEach(async () => {
  client.close();
  await fake.close();
});

const raOne = () => fake.collections.get(RA_PATH)!.find((object) => object["id"] === "ra-1")!;
const patches = () => fake.patches.map((patch) => patch.body);

/**
 * The first PATCH's connection is reset before its answer; `act` is what the server did with
 * the PATCH meanwhile. `onRead` may answer the GETs that come after it (the read that settles).
 */
function resetFirstPatch(
  act: (object: JsonObject, body: JsonObject) => void,
  onRead?: (url: string) => JsonObject | undefined,
): { reads: string[] } {
  let reset = false;
  const reads: string[] = [];
  fake.misbehave = (request, response, { body }) => {
    if (request.method === "GET" && reset) {
      reads.push(request.url ?? "");
      const answer = onRead?.(request.url ?? "");
      if (answer === undefined) return false;
      json(response, Number(answer["status"]), answer["body"]);
      return true;
    }
    if (request.method !== "PATCH" || reset) return false;
    reset = true;
    act(raOne(), JSON.parse(body) as JsonObject);
    request.socket.destroy();
    return true;
  };
  return { reads };
}

async function planAndApply(spec: JsonObject) {
  const desired: DesiredState = {
    tenants: [TENANT],
    objects: [declareRaOne(spec)],
    digest: "test-digest",
    files: [],
  };
  const live = await readLiveState(desired, () => Promise.resolve(client));
  const plan = createPlan({ desired, live, toolVersion: "test" });
  expect(plan.changes.map((change) => change.address)).toEqual([ADDRESS]);
  const result = await applyPlan(plan, { clientFor: () => Promise.resolve(client) });
  return result.results[0]!;
}

describe("a PATCH whose connection is reset before its answer", () => {
  it("landed: the read shows the plan's values, so it is not sent again; written and verified", async () => {
    const { reads } = resetFirstPatch((object, body) => Object.assign(object, body));
    const result = await planAndApply({ onboardingStatus: "onboarded" });
    expect(result).toMatchObject({ status: "changed" });
    expect(result.notConverged).toBeUndefined();
    expect(patches()).toEqual([{ onboardingStatus: "onboarded" }]);
    // The settling read asks for the changed properties; then the verification read.
    expect(decodeURIComponent(reads[0]!)).toMatch(/\$select=id,displayName,onboardingStatus$/);
    expect(reads).toHaveLength(2);
  });

  it("did not land: the read shows the values before, so the same body is sent again", async () => {
    resetFirstPatch(() => undefined);
    const result = await planAndApply({ onboardingStatus: "onboarded" });
    expect(result.status).toBe("changed");
    expect(patches()).toEqual([
      { onboardingStatus: "onboarded" },
      { onboardingStatus: "onboarded" },
    ]);
    expect(raOne()["onboardingStatus"]).toBe("onboarded");
    // The server sent no request-id: the result has none, rather than an empty one.
    expect(result).not.toHaveProperty("requestId");
  });

  it("half there (one property at the plan's value, one still before): sent again, not taken as landed", async () => {
    resetFirstPatch((object) =>
      Object.assign(object, { onboardingUrl: "https://new.example.com/" }),
    );
    const spec = { onboardingUrl: "https://new.example.com/", onboardingStatus: "onboarded" };
    const result = await planAndApply(spec);
    expect(patches()).toEqual([spec, spec]);
    expect(result.status).toBe("changed");
    expect(raOne()).toMatchObject(spec);
  });

  it("someone else wrote a third value: not sent again, failed with the value found and the plan's", async () => {
    resetFirstPatch((object) =>
      Object.assign(object, {
        onboardingUrl: "https://third.example.com/",
        onboardingStatus: "onboarding",
      }),
    );
    const result = await planAndApply({
      onboardingUrl: "https://new.example.com/",
      onboardingStatus: "onboarded",
    });
    expect(patches()).toHaveLength(1);
    expect(result).toMatchObject({ status: "failed", failedIn: "write" });
    expect(result.error!.message).toBe(
      'the PATCH got no answer, and the object now holds values the plan has neither before nor after: onboardingUrl is now "https://third.example.com/" (the plan: null → "https://new.example.com/"); onboardingStatus is now "onboarding" (the plan: "notOnboarded" → "onboarded"). Someone else is changing it: not sent again; run plan to see its state',
    );
  });

  it("the object is gone: not sent again, failed saying so", async () => {
    resetFirstPatch(() =>
      fake.collections.set(
        RA_PATH,
        fake.collections.get(RA_PATH)!.filter((object) => object["id"] !== "ra-1"),
      ),
    );
    const result = await planAndApply({ onboardingStatus: "onboarded" });
    expect(patches()).toHaveLength(1);
    expect(result).toMatchObject({ status: "failed", failedIn: "write" });
    expect(result.error!.message).toBe(
      "the PATCH got no answer, and the object (id ra-1) is no longer listed: not sent again",
    );
  });

  it("the read fails too: not sent again, failed with both failures", async () => {
    resetFirstPatch(
      () => undefined,
      () => ({ status: 403, body: { error: { code: "Forbidden", message: "no read for you" } } }),
    );
    const result = await planAndApply({ onboardingStatus: "onboarded" });
    expect(patches()).toHaveLength(1);
    expect(result).toMatchObject({ status: "failed", failedIn: "write" });
    expect(result.error!.message).toMatch(
      /^the PATCH got no answer, and reading the object to see whether it landed failed too \(.*Forbidden.*\): not sent again; run plan to see its state$/,
    );
  });
});
