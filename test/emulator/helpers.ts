import { ClientSecretCredential } from "@azure/identity";
import { request as httpsRequest } from "node:https";
import type { Emulator } from "../../src/emulator/index.ts";

// Loopback traffic must never go through a proxy the environment may define.
for (const name of [
  "HTTPS_PROXY",
  "https_proxy",
  "HTTP_PROXY",
  "http_proxy",
  "AZURE_REGIONAL_AUTHORITY_NAME",
]) {
  delete process.env[name];
}
process.env["NO_PROXY"] = "127.0.0.1,localhost";

/** The default seed's tenants and apps (config-examples/.emulator/seed.yaml). */
export const CONTOSO = "6babcaad-604b-40ac-a9d7-9fd97c0b779f";
export const FABRIKAM = "3f2b8c4d-1e6a-4b9f-a7d5-8c0e2b4f6a19";
export const DEMO_APP = {
  clientId: "9a3c1f0e-5b7d-4e2a-8c61-2f4d8b9e7a13",
  secret: "demo-client-secret-for-the-local-emulator",
};
export const READ_ONLY_APP = {
  clientId: "5e0d6f7a-3b2c-4d1e-8f9a-0b1c2d3e4f5a",
  secret: "read-only-demo-secret",
};
export const CONTOSO_TEAMVIEWER = "2d4b6f81-93a5-4c7e-b1d3-5f7a9c1e3b5d";
export const CONTOSO_JAMF = "8e1f3a5c-7b9d-4f2e-a4c6-1d3f5b7e9a2c";
export const FABRIKAM_TEAMVIEWER = "6c8e0a2b-4d6f-4a1c-9e3b-7f9d1b3c5e7a";

export const GRAPH_SCOPE = "https://graph.microsoft.com/.default";

/** Options every real `@azure/identity` credential needs to talk to the emulator. */
export function credentialOptions(emulator: Emulator) {
  return {
    authorityHost: emulator.url,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: emulator.caPem },
  };
}

/** An access token from the real ClientSecretCredential. */
export async function secretToken(
  emulator: Emulator,
  tenantId: string = CONTOSO,
  app: { clientId: string; secret: string } = DEMO_APP,
): Promise<string> {
  const credential = new ClientSecretCredential(
    tenantId,
    app.clientId,
    app.secret,
    credentialOptions(emulator),
  );
  const token = await credential.getToken(GRAPH_SCOPE);
  return token.token;
}

export interface HttpResult {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
}

export interface HttpOptions {
  readonly token?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** An object is sent as JSON; a string as is. */
  readonly body?: unknown;
  readonly timeoutMs?: number;
}

/**
 * One HTTPS request to the emulator trusting only its CA, over a fresh connection (so a fault
 * that drops a connection affects that request alone). Rejects on network errors and timeouts.
 */
export function http(
  emulator: Emulator,
  method: string,
  pathOrUrl: string,
  options: HttpOptions = {},
): Promise<HttpResult> {
  const url = pathOrUrl.startsWith("https://") ? pathOrUrl : `${emulator.url}${pathOrUrl}`;
  const body =
    options.body === undefined
      ? undefined
      : typeof options.body === "string"
        ? options.body
        : JSON.stringify(options.body);
  const headers: Record<string, string> = {
    ...(body === undefined || typeof options.body === "string"
      ? {}
      : { "content-type": "application/json" }),
    ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
    ...options.headers,
  };
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      url,
      { method, headers, ca: emulator.caPem, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      },
    );
    request.on("error", reject);
    if (options.timeoutMs !== undefined) {
      request.setTimeout(options.timeoutMs, () =>
        request.destroy(new Error(`timed out after ${options.timeoutMs} ms`)),
      );
    }
    request.end(body);
  });
}

/** The JSON body of a response (throws when it is not JSON). */
export function json(result: HttpResult): any {
  return JSON.parse(result.text);
}

/** A form-encoded token request, for what a credential hides (status codes, error bodies). */
export function tokenRequest(
  emulator: Emulator,
  tenant: string,
  fields: Record<string, string>,
): Promise<HttpResult> {
  return http(emulator, "POST", `/${tenant}/oauth2/v2.0/token`, {
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
}

/** The payload of a compact JWT, unverified. */
export function jwtPayload(token: string): any {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
}
