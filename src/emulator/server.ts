import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { isJsonObject } from "../json.ts";
import { aadError } from "./aad-errors.ts";
import type { AuditLog } from "./audit-log.ts";
import {
  faultResponse,
  parseFaults,
  type ExtraPropertiesFault,
  type FaultInjector,
  type TokenClaimsFault,
} from "./faults.ts";
import { graphError } from "./graph-errors.ts";
import { handleGraphRequest } from "./graph-routes.ts";
import { jsonResponse, type EmulatorResponse, type RequestIds } from "./http.ts";
import type { GraphApiVersion, GraphSchema } from "./metadata-schema.ts";
import {
  safeTokenForm,
  type RequestKind,
  type RequestLog,
  type RequestLogEntry,
} from "./request-log.ts";
import { applyPortalChange, PortalChangeSchema } from "./portal-change.ts";
import type { CaptureReplay } from "./replay.ts";
import type { ObjectStore } from "./store.ts";
import type { TlsMaterial } from "./tls.ts";
import type { TokenService } from "./tokens.ts";

/**
 * The HTTPS server: it records each request, applies latency and faults, hands the request to
 * the token endpoint, the Graph routes or the admin routes, and writes the answer with the
 * headers every Graph response carries (`request-id`, `client-request-id`).
 */
export interface ServerParts {
  readonly tls: TlsMaterial;
  readonly tokens: TokenService;
  readonly store: ObjectStore;
  readonly audit: AuditLog;
  readonly log: RequestLog;
  readonly faults: FaultInjector;
  readonly schemas: Readonly<Record<GraphApiVersion, GraphSchema>>;
  readonly pageSize: number;
  readonly patchStatus: 200 | 204;
  readonly latencyMs: number;
  /** Clears the log and restores the seed (the admin reset route). */
  readonly reset: () => void;
  /** A capture to answer Graph GETs with (`--replay`). */
  readonly replay?: CaptureReplay;
}

export interface RunningServer {
  readonly server: Server;
  readonly baseUrl: string;
  /** Stops listening and drops every connection, hung ones included. */
  close(): Promise<void>;
}

/** Bodies larger than this are refused: nothing the emulator serves needs more. */
const MAX_BODY_BYTES = 1024 * 1024;

const DISCOVERY_PATH =
  /^\/([^/]+)\/(?:v2\.0\/\.well-known\/openid-configuration|discovery\/v2\.0\/keys)$/;
const TOKEN_PATH = /^\/([^/]+)\/oauth2\/v2\.0\/token$/;

export async function startServer(parts: ServerParts, port: number): Promise<RunningServer> {
  let baseUrl = "";
  const server = createServer(
    { key: parts.tls.keyPem, cert: parts.tls.certPem },
    (request, response) => {
      handle(parts, baseUrl, request, response).catch((error: unknown) => {
        // A bug in a handler: answer 500 rather than leave the client hanging.
        if (response.headersSent) {
          response.destroy();
          return;
        }
        const ids = { requestId: randomUUID(), clientRequestId: randomUUID() };
        write(
          response,
          graphError(ids, 500, "InternalServerError", `Emulator error: ${String(error)}`),
          ids,
        );
      });
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // Loopback only: the emulator must never be reachable from another machine.
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let closed: Promise<void> | undefined;
  return {
    server,
    baseUrl,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

async function handle(
  parts: ServerParts,
  baseUrl: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const requestId = randomUUID();
  const clientRequestId = header(request, "client-request-id");
  const ids: RequestIds = { requestId, clientRequestId: clientRequestId ?? requestId };
  const method = request.method ?? "GET";
  const url = new URL(request.url ?? "/", baseUrl);
  const path = url.pathname;
  const kind = classify(path);
  const body = await readBody(request);
  const entry = parts.log.record({
    kind,
    method,
    path,
    query: Object.fromEntries(url.searchParams),
    requestId,
    ...(clientRequestId === undefined ? {} : { clientRequestId }),
  });
  if (body === undefined) {
    finish(
      entry,
      response,
      graphError(
        ids,
        413,
        "RequestEntityTooLarge",
        `The request body exceeds ${MAX_BODY_BYTES} bytes.`,
      ),
      ids,
    );
    return;
  }
  const logBody = loggableBody(kind, body);
  if (logBody !== undefined) entry.body = logBody;

  // Verified once, before any fault, so the log says whose request was faulted.
  const access =
    kind === "graph" ? parts.tokens.verify(header(request, "authorization"), baseUrl) : undefined;
  if (access?.ok) entry.tenant = access.claims.tid;

  let tokenClaims: TokenClaimsFault | undefined;
  let extraProperties: ExtraPropertiesFault | undefined;
  if (kind !== "admin") {
    if (parts.latencyMs > 0)
      await new Promise((resolve) => setTimeout(resolve, parts.latencyMs).unref());
    const picked = parts.faults.pick(method, path);
    // A token-claims fault changes the token issued below (token requests only); it is not an
    // answer of its own.
    if (picked?.kind === "token-claims" && kind === "token") {
      entry.fault = picked;
      tokenClaims = picked;
    }
    // Likewise extra properties change a Graph GET's answer (without $select only).
    if (
      picked?.kind === "extra-properties" &&
      kind === "graph" &&
      method === "GET" &&
      !url.searchParams.has("$select")
    ) {
      entry.fault = picked;
      extraProperties = picked;
    }
    const fault =
      picked?.kind === "token-claims" || picked?.kind === "extra-properties" ? undefined : picked;
    if (fault) {
      entry.fault = fault;
      if (fault.kind === "reset") {
        resetConnection(request);
        return;
      }
      if (fault.kind === "hang") return; // closed by the client's timeout or by close()
      finish(
        entry,
        response,
        faultResponse(fault, ids, kind === "graph" ? "graph" : "identity"),
        ids,
      );
      return;
    }
  }

  switch (kind) {
    case "admin":
      finish(entry, response, handleAdmin(parts, method, path, body, ids), ids);
      return;
    case "discovery": {
      const segment = DISCOVERY_PATH.exec(path)?.[1] ?? "";
      const tenant = parts.tokens.tenant(segment);
      if (tenant) entry.tenant = tenant.tenantId;
      const answer = path.endsWith("/keys")
        ? parts.tokens.keys(segment, ids)
        : parts.tokens.openIdConfiguration(baseUrl, segment, ids);
      finish(entry, response, answer, ids);
      return;
    }
    case "token": {
      if (method !== "POST") {
        const description = `The endpoint only accepts POST, OPTIONS requests. Received a ${method} request.`;
        finish(
          entry,
          response,
          aadError(ids, { status: 400, error: "invalid_request", code: 900561, description }),
          ids,
        );
        return;
      }
      const segment = TOKEN_PATH.exec(path)?.[1] ?? "";
      const outcome = parts.tokens.issue(
        baseUrl,
        segment,
        new URLSearchParams(body),
        ids,
        tokenClaims,
      );
      if (outcome.tenantId !== undefined) entry.tenant = outcome.tenantId;
      finish(entry, response, outcome.response, ids);
      return;
    }
    case "graph": {
      const replayed =
        access?.ok === true
          ? parts.replay?.answer(access.claims.tid, method, path, url.searchParams, baseUrl)
          : undefined;
      if (replayed !== undefined) {
        entry.replayed = true;
        finish(entry, response, replayed, ids);
        return;
      }
      const outcome = handleGraphRequest(
        {
          schemas: parts.schemas,
          store: parts.store,
          baseUrl,
          pageSize: parts.pageSize,
          patchStatus: parts.patchStatus,
          audit: parts.audit,
          appDisplayName: (tenantId, appId) =>
            parts.tokens
              .tenantById(tenantId)
              ?.apps.find((app) => app.clientId.toLowerCase() === appId.toLowerCase())
              ?.displayName ?? appId,
        },
        {
          method,
          path,
          query: url.searchParams,
          access: access!,
          contentType: header(request, "content-type"),
          body,
          ids,
        },
      );
      if (outcome.tenantId !== undefined) entry.tenant = outcome.tenantId;
      const answer =
        extraProperties === undefined
          ? outcome.response
          : withExtraProperties(outcome.response, extraProperties);
      finish(entry, response, answer, ids);
      return;
    }
  }
}

/** A 200 JSON answer with the fault's properties added to each object (a list's or the one). */
function withExtraProperties(
  answer: EmulatorResponse,
  fault: ExtraPropertiesFault,
): EmulatorResponse {
  if (answer.status !== 200 || answer.body === undefined) return answer;
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    return answer;
  }
  if (!isJsonObject(body)) return answer;
  const value = body["value"];
  const changed = Array.isArray(value)
    ? {
        ...body,
        value: value.map((item) => (isJsonObject(item) ? { ...item, ...fault.properties } : item)),
      }
    : { ...body, ...fault.properties };
  return { ...answer, body: JSON.stringify(changed) };
}

/**
 * `GET /_emulator/requests`, `POST /_emulator/reset`, `PUT /_emulator/faults`,
 * `GET /_emulator/health`, `POST /_emulator/portal-change` (see portal-change.ts).
 */
function handleAdmin(
  parts: ServerParts,
  method: string,
  path: string,
  body: string,
  ids: RequestIds,
): EmulatorResponse {
  const route = `${method} ${path.replace(/\/$/, "")}`;
  switch (route) {
    case "GET /_emulator/health":
      return jsonResponse(200, { status: "ok" });
    case "GET /_emulator/requests":
      return jsonResponse(200, { value: parts.log.entries });
    case "POST /_emulator/reset":
      parts.reset();
      return { status: 204 };
    case "POST /_emulator/portal-change":
      return portalChange(parts, body, ids);
    case "PUT /_emulator/faults":
      try {
        parts.faults.setRules(parseFaults(JSON.parse(body || "[]"), "request body").faults);
        return { status: 204 };
      } catch (error) {
        return graphError(
          ids,
          400,
          "BadRequest",
          error instanceof Error ? error.message : String(error),
        );
      }
    default:
      return graphError(
        ids,
        404,
        "NotFound",
        `No admin route ${route}. Routes: GET /_emulator/requests, POST /_emulator/reset, PUT /_emulator/faults, GET /_emulator/health, POST /_emulator/portal-change.`,
      );
  }
}

/** Simulates a person's change in the admin center; answers 201 with the audit event recorded. */
function portalChange(parts: ServerParts, body: string, ids: RequestIds): EmulatorResponse {
  let input: unknown;
  try {
    input = JSON.parse(body || "null");
  } catch (error) {
    return graphError(ids, 400, "BadRequest", `Invalid JSON. ${String(error)}`);
  }
  const parsed = PortalChangeSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "(body)"}: ${issue.message}`,
    );
    return graphError(ids, 400, "BadRequest", `Invalid portal change: ${issues.join("; ")}`);
  }
  const outcome = applyPortalChange(
    { store: parts.store, audit: parts.audit, tokens: parts.tokens, schema: parts.schemas.beta },
    parsed.data,
  );
  if ("error" in outcome) return graphError(ids, 400, "BadRequest", outcome.error);
  return jsonResponse(201, outcome.event);
}

function classify(path: string): RequestKind {
  if (path.startsWith("/_emulator/")) return "admin";
  if (DISCOVERY_PATH.test(path)) return "discovery";
  if (TOKEN_PATH.test(path)) return "token";
  return "graph";
}

/** What the log keeps of a body: never a secret (see `RequestLogEntry`). */
function loggableBody(kind: RequestKind, body: string): unknown {
  if (body === "") return undefined;
  if (kind === "token") return safeTokenForm(new URLSearchParams(body));
  if (kind !== "graph") return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

function finish(
  entry: RequestLogEntry,
  response: ServerResponse,
  answer: EmulatorResponse,
  ids: RequestIds,
): void {
  entry.status = answer.status;
  write(response, answer, ids);
}

function write(response: ServerResponse, answer: EmulatorResponse, ids: RequestIds): void {
  if (response.destroyed) return;
  const body = answer.body === undefined ? undefined : Buffer.from(answer.body);
  response.writeHead(answer.status, {
    "request-id": ids.requestId,
    "client-request-id": ids.clientRequestId,
    "x-ms-ags-diagnostic": JSON.stringify({
      ServerInfo: {
        DataCenter: "Local Emulator",
        Slice: "E",
        Ring: "0",
        ScaleUnit: "000",
        RoleInstance: "127.0.0.1",
      },
    }),
    "cache-control": "no-cache",
    ...answer.headers,
    ...(body === undefined ? {} : { "content-length": String(body.length) }),
  });
  response.end(body);
}

/** A TCP RST where the platform allows it (the client sees ECONNRESET), else a plain close. */
function resetConnection(request: IncomingMessage): void {
  try {
    request.socket.resetAndDestroy();
  } catch {
    request.socket.destroy();
  }
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The body as text, or undefined when it is larger than `MAX_BODY_BYTES`. */
async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
