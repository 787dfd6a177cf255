/**
 * One HTTP exchange over `node:https` (or `node:http`, for loopback URLs only), with the limits
 * the Graph client needs and global `fetch` does not give us control over:
 * - keep-alive agents shared by every transport with the same trust and proxy settings (one
 *   pool of TLS connections per process, not one per tenant: with hundreds of tenants on the same
 *   Graph host, per-tenant pools cost a handshake and ~80 KB of native memory per connection);
 *   an extra CA is trusted when one is given (in-process tests; the CLI relies on
 *   NODE_EXTRA_CA_CERTS);
 * - a hard timeout on the whole exchange (connect, headers and body);
 * - a bound on the response body, so a huge or endless response cannot exhaust memory;
 * - redirects are never followed here: the caller sees the 3xx and decides (a bearer token must
 *   never travel to another host).
 * No retries, no JSON, no tokens: that is the client's business.
 */
import http from "node:http";
import https from "node:https";
import tls from "node:tls";
import { isLoopbackHost } from "./loopback-host.ts";
import { formatSeconds } from "./format-duration.ts";

export interface HttpRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutInMs: number;
  readonly maxResponseBytes: number;
  readonly abortSignal?: AbortSignal;
}

export interface HttpResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

/**
 * A failure before a complete response arrived. `code` is Node's error code (`ECONNRESET`,
 * `ECONNREFUSED`, a TLS code…) or one of ours: `ETIMEDOUT` (our timeout fired),
 * `ERESPONSETOOLARGE`, `EABORTED` (the caller's signal).
 */
export class HttpTransportError extends Error {
  override name = "HttpTransportError";
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.code = code;
  }
}

export interface HttpTransportOptions {
  /** Extra CA certificate(s), PEM, trusted in addition to the system's. */
  readonly ca?: string;
  /** Environment to read HTTPS_PROXY / NO_PROXY from (Node ≥ 24.5 agents); none by default. */
  readonly proxyEnv?: NodeJS.ProcessEnv;
}

export interface HttpTransport {
  send(request: HttpRequest): Promise<HttpResponse>;
  /**
   * Releases the transport. Connections belong to the process-wide pool and stay for other
   * transports; idle ones never keep the process alive.
   */
  close(): void;
}

interface AgentPair {
  readonly https: https.Agent;
  readonly http: http.Agent;
}

/** Agents by trust and proxy settings. Idle keep-alive sockets are unref'd: they never hold the process open. */
const sharedAgents = new Map<string, AgentPair>();

const PROXY_VARIABLES = [
  "HTTPS_PROXY",
  "https_proxy",
  "HTTP_PROXY",
  "http_proxy",
  "NO_PROXY",
  "no_proxy",
];

function agentsFor(options: HttpTransportOptions): AgentPair {
  const proxyEnv = options.proxyEnv;
  const key = JSON.stringify([
    options.ca ?? null,
    proxyEnv === undefined ? null : PROXY_VARIABLES.map((name) => proxyEnv[name] ?? null),
  ]);
  let agents = sharedAgents.get(key);
  if (agents === undefined) {
    // `ca` on an agent replaces the default trust store, so the system roots are added back: the
    // option means "also trust", not "only trust".
    const ca = options.ca === undefined ? undefined : [...tls.rootCertificates, options.ca];
    agents = {
      https: new https.Agent({
        keepAlive: true,
        maxSockets: 64,
        ...(ca ? { ca } : {}),
        ...(proxyEnv === undefined ? {} : { proxyEnv }),
      }),
      http: new http.Agent({ keepAlive: true, maxSockets: 64 }),
    };
    sharedAgents.set(key, agents);
  }
  return agents;
}

export function createHttpTransport(options: HttpTransportOptions = {}): HttpTransport {
  const { https: httpsAgent, http: httpAgent } = agentsFor(options);

  function send(request: HttpRequest): Promise<HttpResponse> {
    const { url } = request;
    const isHttps = url.protocol === "https:";
    if (!isHttps && !(url.protocol === "http:" && isLoopbackHost(url.hostname))) {
      return Promise.reject(
        new HttpTransportError(
          `refusing ${url.protocol}//${url.host}: only https is allowed off this machine`,
          "EPROTOCOL",
        ),
      );
    }
    if (request.abortSignal?.aborted) {
      return Promise.reject(new HttpTransportError("the request was cancelled", "EABORTED"));
    }
    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      const finish = (error: HttpTransportError | undefined, response?: HttpResponse): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.abortSignal?.removeEventListener("abort", onAbort);
        if (error) {
          req.destroy();
          reject(error);
        } else if (response) {
          resolve(response);
        }
      };
      const headers: Record<string, string> = { ...request.headers };
      if (request.body !== undefined) {
        headers["content-length"] = String(Buffer.byteLength(request.body));
      }
      const requestOptions: http.RequestOptions = {
        method: request.method,
        headers,
        agent: isHttps ? httpsAgent : httpAgent,
      };
      const req = (isHttps ? https : http).request(url, requestOptions, (res) => {
        const declared = Number(res.headers["content-length"]);
        if (Number.isFinite(declared) && declared > request.maxResponseBytes) {
          finish(tooLarge(request.maxResponseBytes));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > request.maxResponseBytes) {
            finish(tooLarge(request.maxResponseBytes));
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () => {
          finish(undefined, {
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? "",
            headers: res.headers,
            body: Buffer.concat(chunks),
          });
        });
        res.on("error", (error: NodeJS.ErrnoException) => {
          finish(networkError(error));
        });
        res.on("aborted", () => {
          finish(
            new HttpTransportError(
              "the connection closed before the response was complete",
              "ECONNRESET",
            ),
          );
        });
      });
      req.on("error", (error: NodeJS.ErrnoException) => {
        finish(networkError(error));
      });
      const timer = setTimeout(() => {
        finish(
          new HttpTransportError(
            `no complete response within ${formatSeconds(request.timeoutInMs)}`,
            "ETIMEDOUT",
          ),
        );
      }, request.timeoutInMs);
      const onAbort = (): void => {
        finish(new HttpTransportError("the request was cancelled", "EABORTED"));
      };
      request.abortSignal?.addEventListener("abort", onAbort, { once: true });
      req.end(request.body);
    });
  }

  return {
    send,
    // The agents are shared with other transports; their idle sockets close on their own.
    close() {},
  };
}

function tooLarge(limit: number): HttpTransportError {
  return new HttpTransportError(
    `the response is larger than ${Math.round(limit / 1024 / 1024)} MB; refusing to read it`,
    "ERESPONSETOOLARGE",
  );
}

function networkError(error: NodeJS.ErrnoException): HttpTransportError {
  const code = error.code ?? "ENETWORK";
  const hint = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(code)
    ? " (the server's certificate is not trusted: for a private CA, set NODE_EXTRA_CA_CERTS to its PEM file)"
    : "";
  return new HttpTransportError(`${error.message}${hint}`, code);
}
