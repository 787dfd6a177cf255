import http, { type IncomingMessage, type ServerResponse } from "node:http";
import https from "node:https";
import net, { type AddressInfo } from "node:net";
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
  /** Requests that came in plain HTTP on the same port (`http://127.0.0.1:PORT`): none, ever. */
  readonly seenPlain: SeenRequest[];
  close(): Promise<void>;
}

/**
 * A small HTTPS server on 127.0.0.1 (port 0) for the behaviours the emulator does not script:
 * a hostile `@odata.nextLink`, a redirect to another host, an endless body. Its certificate is
 * signed by the CA in `tls` and valid for 127.0.0.1 and localhost — two origins for one server.
 * The same port also answers plain HTTP (a third origin, same host and port), recording what it
 * got in `seenPlain`: where a token sent in clear text would land.
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
  const seenPlain: SeenRequest[] = [];
  const urls = { url: "", otherOriginUrl: "" };
  const record = (into: SeenRequest[], request: IncomingMessage): void => {
    into.push({
      method: request.method ?? "",
      host: request.headers.host ?? "",
      path: request.url ?? "",
      hasAuthorization: request.headers.authorization !== undefined,
      clientRequestId: request.headers["client-request-id"] as string | undefined,
    });
  };
  const secure = https.createServer({ cert: tls.certPem, key: tls.keyPem }, (request, response) => {
    record(seen, request);
    handler(request, response, urls);
  });
  const plain = http.createServer((request, response) => {
    record(seenPlain, request);
    response.writeHead(400).end("plain HTTP is not served here");
  });
  await Promise.all(
    [secure, plain].map(
      (inner) => new Promise<void>((resolve) => inner.listen(0, "127.0.0.1", resolve)),
    ),
  );
  // One port, two protocols: a TLS handshake starts with byte 0x16, an HTTP request with a
  // letter. Each connection is piped to the server for its protocol (TLS cannot take over a
  // socket whose first bytes were already read, so the bytes go through a pipe).
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
  };
  const server = net.createServer((socket) => {
    track(socket);
    socket.once("data", (first) => {
      const inner = first[0] === 0x16 ? secure : plain;
      const upstream = net.connect((inner.address() as AddressInfo).port, "127.0.0.1");
      track(upstream);
      upstream.write(first);
      socket.pipe(upstream).pipe(socket);
      socket.once("close", () => upstream.destroy());
      upstream.once("close", () => socket.destroy());
    });
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
    seenPlain,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        secure.closeAllConnections();
        plain.closeAllConnections();
        let open = 3;
        for (const closing of [server, secure, plain])
          closing.close(() => {
            open -= 1;
            if (open === 0) resolve();
          });
      }),
  };
}

export { createTlsMaterial };
