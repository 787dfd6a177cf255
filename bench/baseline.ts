/**
 * THE BASELINE: the per-resource approach other tools take (one resource = one object, its id
 * kept in the tool's state). For every declared object, one after the other: GET the object by
 * id, compare the declared properties, and (when applying) PATCH the changed ones. No listing,
 * no concurrency.
 *
 * It uses the same bearer tokens as the tool (signed in before the clock starts, so its figures
 * leave out sign-in: that flatters the baseline) and one keep-alive connection for the whole run
 * (the cheapest way to send sequential requests).
 */
import https from "node:https";
import type { JsonObject, JsonValue } from "../src/json.ts";
import { valuesEqual } from "../src/plan/normalise.ts";
import { findProperty, getResource } from "../src/resources/registry.ts";
import type { BenchObject } from "./scenario.ts";

export interface BaselineOptions {
  /** Graph root, e.g. `https://127.0.0.1:PORT`. */
  readonly graphUrl: string;
  /** A bearer token for the tenant (cached by the caller). */
  readonly tokenFor: (tenant: string) => Promise<string>;
  /** PATCH what differs (apply), or only compare (plan). */
  readonly write: boolean;
  readonly desiredOf: (object: BenchObject) => Readonly<Record<string, JsonValue>>;
}

/** What the baseline found and did: the bench checks it against the scenario. */
export interface BaselineOutcome {
  readonly objects: number;
  readonly differing: number;
  readonly patched: number;
}

export async function runBaseline(
  objects: readonly BenchObject[],
  options: BaselineOptions,
): Promise<BaselineOutcome> {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
  let differing = 0;
  let patched = 0;
  try {
    for (const object of objects) {
      const token = await options.tokenFor(object.tenant);
      const url = `${options.graphUrl}/beta${object.collectionPath}/${object.id}`;
      const live = await send(agent, "GET", url, token);
      if (live === undefined) throw new Error(`GET ${url}: no body`);
      const desired = options.desiredOf(object);
      const resource = getResource(object.kind);
      const body: JsonObject = {};
      for (const [property, value] of Object.entries(desired)) {
        const type = findProperty(resource, "beta", property)?.type;
        if (type === undefined) throw new Error(`unknown property ${property} of ${object.kind}`);
        if (!valuesEqual(type, value, live[property], "beta")) body[property] = value;
      }
      if (Object.keys(body).length === 0) continue;
      differing++;
      if (!options.write) continue;
      await send(agent, "PATCH", url, token, body);
      patched++;
    }
  } finally {
    agent.destroy();
  }
  return { objects: objects.length, differing, patched };
}

/** One request; the parsed JSON body (undefined for an empty one). Throws on any non-2xx. */
function send(
  agent: https.Agent,
  method: "GET" | "PATCH",
  url: string,
  token: string,
  body?: JsonObject,
): Promise<JsonObject | undefined> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = https.request(
      url,
      {
        method,
        agent,
        timeout: 30_000,
        headers: {
          accept: "application/json",
          authorization: `Bearer ${token}`,
          ...(payload === undefined
            ? {}
            : {
                "content-type": "application/json",
                "content-length": String(Buffer.byteLength(payload)),
              }),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const status = response.statusCode ?? 0;
          if (status < 200 || status >= 300) {
            reject(new Error(`${method} ${url}: HTTP ${status} ${text.slice(0, 300)}`));
            return;
          }
          resolve(text === "" ? undefined : (JSON.parse(text) as JsonObject));
        });
        response.on("error", reject);
      },
    );
    request.on("timeout", () => request.destroy(new Error(`${method} ${url}: timed out`)));
    request.on("error", reject);
    request.end(payload);
  });
}
