import { ClientSecretCredential } from "@azure/identity";
import { request as httpsRequest } from "node:https";
import type { Emulator } from "../../src/emulator/index.ts";
import { DEFAULT_SEED } from "../helpers/default-seed.ts";

/** The default seed's tenants and apps (see test/helpers/default-seed.ts). */
export const CONTOSO = DEFAULT_SEED.contoso.tenantId;
export const FABRIKAM = DEFAULT_SEED.fabrikam.tenantId;
export const DEMO_APP = DEFAULT_SEED.demoApp;
export const READ_ONLY_APP = DEFAULT_SEED.readOnlyApp;
export const CONTOSO_TEAMVIEWER = DEFAULT_SEED.contoso.teamViewerId;
export const CONTOSO_JAMF = DEFAULT_SEED.contoso.jamfId;
export const FABRIKAM_TEAMVIEWER = DEFAULT_SEED.fabrikam.teamViewerId;

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
