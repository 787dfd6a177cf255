import https from "node:https";
import type { AddressInfo } from "node:net";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createTlsMaterial, type TlsMaterial } from "../../src/emulator/tls.ts";

/** What a test server saw of one request: enough to prove where a token went. */
export interface SeenRequest {
  readonly method: string;
  readonly host: string;
  readonly path: string;
  readonly hasAuthorization: boolean;
  readonly clientRequestId: string | undefined;
}

export interface TestServer {
  /** `https://127.0.0.1:PORT` */
  readonly url: string;
  /** The same server under another origin: `https://localhost:PORT`. */
  readonly otherOriginUrl: string;
  readonly port: number;
  readonly seen: SeenRequest[];
  close(): Promise<void>;
}

/**
 * A small HTTPS server on 127.0.0.1 (port 0) for the behaviours the emulator does not script:
 * a hostile `@odata.nextLink`, a redirect to another host, an endless body. Its certificate is
 * signed by the CA in `tls` and valid for 127.0.0.1 and localhost — two origins for one server.
 */
export async function startTestServer(
  tls: TlsMaterial,
  handler: (
    request: IncomingMessage,
    response: ServerResponse,
    server: { url: string; otherOriginUrl: string },
  ) => void,
): Promise<TestServer> {
  const seen: SeenRequest[] = [];
  const urls = { url: "", otherOriginUrl: "" };
  const server = https.createServer({ cert: tls.certPem, key: tls.keyPem }, (request, response) => {
    seen.push({
      method: request.method ?? "",
      host: request.headers.host ?? "",
      path: request.url ?? "",
      hasAuthorization: request.headers.authorization !== undefined,
      clientRequestId: request.headers["client-request-id"] as string | undefined,
    });
    handler(request, response, urls);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  urls.url = `https://127.0.0.1:${port}`;
  urls.otherOriginUrl = `https://localhost:${port}`;
  return {
    url: urls.url,
    otherOriginUrl: urls.otherOriginUrl,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export { createTlsMaterial };
