import { generateKeyPairSync } from "node:crypto";
import http from "node:http";
import { signJwt } from "../../src/emulator/index.ts";

/**
 * A stand-in for the GitHub Actions runner's ID-token endpoint (`ACTIONS_ID_TOKEN_REQUEST_URL`),
 * on 127.0.0.1: it signs OIDC tokens with GitHub's issuer and the subject of the job asking, so
 * an emulator app with the matching federated credential (and only that one) accepts them.
 */
export const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";

export interface GitHubOidcIssuer {
  /** The public key to put in the emulator's federated credentials. */
  readonly publicKeyPem: string;
  /** What a runner sets for a job with `id-token: write` whose OIDC subject is `subject`. */
  envFor(subject: string): {
    ACTIONS_ID_TOKEN_REQUEST_URL: string;
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: string;
  };
  /** The subjects tokens were issued for, in order. */
  readonly issued: readonly string[];
  close(): Promise<void>;
}

export async function startGitHubOidcIssuer(): Promise<GitHubOidcIssuer> {
  const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const privatePem = keys.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const requestToken = "runner-request-token-for-tests";
  const issued: string[] = [];
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const subject = url.searchParams.get("subject");
    if (request.headers.authorization !== `bearer ${requestToken}` || subject === null) {
      response.writeHead(401, { "content-type": "application/json" });
      response.end('{"message":"Bad credentials"}');
      return;
    }
    issued.push(subject);
    const now = Math.floor(Date.now() / 1000);
    const token = signJwt(
      {
        iss: GITHUB_ISSUER,
        sub: subject,
        aud: url.searchParams.get("audience") ?? "api://AzureADTokenExchange",
        iat: now,
        nbf: now,
        exp: now + 300,
      },
      privatePem,
      "RS256",
    );
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ count: 1, value: token }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  const { port } = address;
  return {
    publicKeyPem: keys.publicKey.export({ type: "spki", format: "pem" }).toString(),
    envFor: (subject) => ({
      ACTIONS_ID_TOKEN_REQUEST_URL: `http://127.0.0.1:${port}/idtoken?subject=${encodeURIComponent(subject)}`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
    }),
    issued,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
