import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "../zod.ts";
import { aadError } from "./aad-errors.ts";
import { graphError } from "./graph-errors.ts";
import type { EmulatorResponse, RequestIds } from "./http.ts";
import type { JsonValue } from "../json.ts";

/**
 * Scripted failures, for testing a client's retries and timeouts against a real socket.
 *
 * - `status`: answer with that status (and `Retry-After` when given) and a Graph-style error body,
 *   an HTML page or a truncated JSON body;
 * - `reset`: drop the connection without answering;
 * - `hang`: never answer (until the client gives up or the emulator closes);
 * - `malformed-json`: a JSON content type over a truncated body (status 200 unless given);
 * - `html`: an HTML error page, as a proxy or gateway sends (status 502 unless given);
 * - `token-claims`: on a token request only (ignored elsewhere), a token is issued as usual but
 *   signed over other claims: another tenant's `tid`, another audience (`aud`), or a lifetime of
 *   `expiresInSeconds` (zero or negative: already expired; `expires_in` says the same) — what a
 *   misconfigured or hostile token endpoint hands out;
 * - `extra-properties`: on a Graph GET without `$select` only (ignored elsewhere), the answer as
 *   usual with these properties added to every object: what Graph returns once it has added a
 *   property the metadata copy (and intune-gitops's registry) does not know yet.
 */
export type Fault =
  | {
      readonly kind: "status";
      readonly status: number;
      /** Sent verbatim: seconds (`"2"`, `"2.128"`) or an HTTP date. */
      readonly retryAfter?: string;
      readonly body?: "graph-error" | "html" | "malformed-json";
    }
  | { readonly kind: "reset" }
  | { readonly kind: "hang" }
  | { readonly kind: "malformed-json"; readonly status?: number }
  | { readonly kind: "html"; readonly status?: number }
  | {
      readonly kind: "token-claims";
      readonly tid?: string;
      readonly aud?: string;
      readonly expiresInSeconds?: number;
    }
  | {
      readonly kind: "extra-properties";
      readonly properties: Readonly<Record<string, JsonValue>>;
    };

/** The fault that changes the claims of an issued token. */
export type TokenClaimsFault = Extract<Fault, { readonly kind: "token-claims" }>;

/** The fault that adds properties to the objects of a Graph answer. */
export type ExtraPropertiesFault = Extract<Fault, { readonly kind: "extra-properties" }>;

/**
 * When to inject a fault. A request matches when `method` (any case) and `path` (a RegExp source,
 * tested against the URL path without the query) match; of the matching requests the first
 * `after` pass untouched, then the fault is injected (with `probability`, drawn from the
 * emulator's seeded generator) until it has been injected `times` times. The first rule that
 * injects wins. Admin routes (`/_emulator/...`) are never faulted.
 */
export interface FaultRule {
  readonly method?: string;
  readonly path?: string;
  readonly after?: number;
  readonly times?: number;
  readonly probability?: number;
  readonly fault: Fault;
}

/** A faults file: a list of rules, or `{ randomSeed?, faults: [...] }`. */
export interface FaultsFile {
  readonly randomSeed?: number;
  readonly faults: readonly FaultRule[];
}

const Status = z.number().int().min(100).max(599);
const JsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.null(),
    z.boolean(),
    z.number(),
    z.string(),
    z.array(JsonValueSchema),
    z.record(z.string(), JsonValueSchema),
  ]),
);
const FaultSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("status"),
    status: Status,
    retryAfter: z.union([z.string(), z.number()]).transform(String).optional(),
    body: z.enum(["graph-error", "html", "malformed-json"]).optional(),
  }),
  z.strictObject({ kind: z.literal("reset") }),
  z.strictObject({ kind: z.literal("hang") }),
  z.strictObject({ kind: z.literal("malformed-json"), status: Status.optional() }),
  z.strictObject({ kind: z.literal("html"), status: Status.optional() }),
  z.strictObject({
    kind: z.literal("token-claims"),
    tid: z.string().min(1).optional(),
    aud: z.string().min(1).optional(),
    expiresInSeconds: z.number().int().optional(),
  }),
  z.strictObject({
    kind: z.literal("extra-properties"),
    properties: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "a property name"), JsonValueSchema)
      .refine((properties) => Object.keys(properties).length > 0, "name at least one property"),
  }),
]);
const RuleSchema = z.strictObject({
  method: z.string().min(1).optional(),
  path: z
    .string()
    .refine((source) => isRegExp(source), "must be a valid regular expression")
    .optional(),
  after: z.number().int().min(0).optional(),
  times: z.number().int().min(0).optional(),
  probability: z.number().min(0).max(1).optional(),
  fault: FaultSchema,
});
const FileSchema = z.preprocess(
  // A bare list is a file with no random seed.
  (value) => (Array.isArray(value) ? { faults: value } : value),
  z.strictObject({ randomSeed: z.number().int().optional(), faults: z.array(RuleSchema) }),
);

/** Validates fault rules (from a file, an API call or the admin route); throws listing every problem. */
export function parseFaults(value: unknown, where = "faults"): FaultsFile {
  const result = FileSchema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `  ${issue.path.join(".") || "(root)"}: ${issue.message}`,
  );
  throw new Error(`${where} is invalid:\n${problems.join("\n")}`);
}

/** Reads a faults file (YAML or JSON) from a path, or from text when it has a line break or starts with `[`/`{`. */
export function loadFaults(pathOrText: string): FaultsFile {
  const isText = pathOrText.includes("\n") || /^\s*[[{]/.test(pathOrText);
  const where = isText ? "faults" : `faults file ${pathOrText}`;
  let parsed: unknown;
  try {
    parsed = parseYaml(isText ? pathOrText : readFileSync(pathOrText, "utf8"));
  } catch (error) {
    throw new Error(`${where}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return parseFaults(parsed, where);
}

/** Picks the fault (if any) for each request, keeping the per-rule counts. */
export class FaultInjector {
  #rules: readonly {
    readonly rule: FaultRule;
    readonly path?: RegExp;
    matched: number;
    injected: number;
  }[] = [];
  #random: () => number = () => 0;
  readonly #randomSeed: number;

  constructor(rules: readonly FaultRule[], randomSeed: number) {
    this.#randomSeed = randomSeed;
    this.setRules(rules);
  }

  /** Replaces the rules and restarts the counts and the random sequence. */
  setRules(rules: readonly FaultRule[]): void {
    this.#rules = rules.map((rule) => ({
      rule,
      ...(rule.path === undefined ? {} : { path: new RegExp(rule.path) }),
      matched: 0,
      injected: 0,
    }));
    this.#random = mulberry32(this.#randomSeed);
  }

  pick(method: string, path: string): Fault | undefined {
    for (const entry of this.#rules) {
      const { rule } = entry;
      if (rule.method !== undefined && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (entry.path && !entry.path.test(path)) continue;
      entry.matched++;
      if (entry.matched <= (rule.after ?? 0)) continue;
      if (rule.times !== undefined && entry.injected >= rule.times) continue;
      if (rule.probability !== undefined && this.#random() >= rule.probability) continue;
      entry.injected++;
      return rule.fault;
    }
    return undefined;
  }
}

/**
 * The response of a fault that answers. `surface` picks the error body's dialect: Graph's
 * `{error:{code,...}}` or the token endpoint's AADSTS body.
 */
export function faultResponse(
  fault: Fault & { kind: "status" | "html" | "malformed-json" },
  ids: RequestIds,
  surface: "graph" | "identity",
): EmulatorResponse {
  if (fault.kind === "html") return htmlPage(fault.status ?? 502, ids);
  if (fault.kind === "malformed-json") return malformedJson(fault.status ?? 200);
  const headers: Record<string, string> =
    fault.retryAfter === undefined ? {} : { "retry-after": fault.retryAfter };
  const withHeaders = (response: EmulatorResponse): EmulatorResponse => ({
    ...response,
    headers: { ...response.headers, ...headers },
  });
  if (fault.body === "html") return withHeaders(htmlPage(fault.status, ids));
  if (fault.body === "malformed-json") return withHeaders(malformedJson(fault.status));
  if (surface === "identity") {
    return withHeaders({
      ...aadError(ids, {
        status: 400,
        error:
          fault.status === 429 || fault.status === 503 ? "temporarily_unavailable" : "server_error",
        code: 50000,
        description:
          "There was an error issuing a token or an issue with our sign-in service. (Injected by the emulator's faults.)",
      }),
      status: fault.status,
    });
  }
  const [code, message] = GRAPH_FAULT_TEXT[fault.status] ?? [
    "UnknownError",
    `Injected failure with status ${fault.status}.`,
  ];
  return graphError(ids, fault.status, code, message, headers);
}

/** Graph's code and message for the statuses clients must survive. */
const GRAPH_FAULT_TEXT: Readonly<Record<number, readonly [string, string]>> = {
  408: ["RequestTimeout", "The request timed out."],
  429: ["TooManyRequests", "Please retry again later."],
  500: ["InternalServerError", "An internal server error occurred."],
  502: ["BadGateway", "The server received an invalid response from an upstream server."],
  503: ["ServiceUnavailable", "The service is temporarily unavailable. Please retry later."],
  504: ["GatewayTimeout", "The gateway did not receive a response in time."],
};

function htmlPage(status: number, ids: RequestIds): EmulatorResponse {
  return {
    status,
    headers: { "content-type": "text/html; charset=utf-8" },
    body: `<!DOCTYPE html>\n<html><head><title>${status} Service Error</title></head><body><h1>Service Error</h1><p>The service is unavailable. Reference: ${ids.requestId}</p></body></html>\n`,
  };
}

function malformedJson(status: number): EmulatorResponse {
  return {
    status,
    headers: { "content-type": "application/json; charset=utf-8" },
    // A body cut off mid-way, as when a connection drops behind a proxy.
    body: '{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#deviceManagement","value":[{"id":"',
  };
}

/** A small, fast, seedable generator (mulberry32): same seed, same faults. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function isRegExp(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}
