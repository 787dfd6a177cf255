import { timingSafeEqual, createHash } from "node:crypto";
import type { AadFailure } from "./aad-errors.ts";
import { decodeJwt, verifyJwtSignature, type DecodedJwt } from "./jwt.ts";
import type { DirectoryApp } from "./seed.ts";

/** How an app proved who it is at the token endpoint. */
export type ClientAuthenticationMethod = "secret" | "certificate" | "federated";

export type ClientAuthentication =
  | { readonly ok: true; readonly method: ClientAuthenticationMethod }
  | { readonly ok: false; readonly failure: AadFailure };

export const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/**
 * Checks the client credential of a client_credentials request the way Entra ID does:
 * - `client_secret`: equal to the registered secret;
 * - `client_assertion` with `iss` = `sub` = the client id: a JWT the app signed (PS256, or RS256)
 *   with a registered certificate's key, `aud` = the token endpoint, within its lifetime;
 * - any other `client_assertion`: a federated token, which a federated credential of the app must
 *   trust by issuer, subject and audience, signed (RS256) by that credential's key.
 *
 * `isTokenEndpoint` tells whether an `aud` names this tenant's token endpoint (the client may
 * have used the tenant's GUID or its name).
 */
export function authenticateClient(
  app: DirectoryApp,
  form: URLSearchParams,
  isTokenEndpoint: (audience: string) => boolean,
  nowSeconds: number,
): ClientAuthentication {
  const secret = form.get("client_secret");
  const assertion = form.get("client_assertion");
  if (secret !== null) return checkSecret(app, secret);
  if (assertion === null) {
    return fail(
      401,
      "invalid_client",
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }
  const assertionType = form.get("client_assertion_type");
  if (assertionType !== JWT_BEARER) {
    return fail(
      400,
      "invalid_request",
      50027,
      `JWT token is invalid or malformed. [Reason - client_assertion_type must be '${JWT_BEARER}', not '${assertionType ?? ""}'.]`,
    );
  }
  const jwt = decodeJwt(assertion);
  if (!jwt) return fail(401, "invalid_client", 50027, "JWT token is invalid or malformed.");
  return jwt.payload["iss"] === app.clientId
    ? checkCertificateAssertion(app, jwt, isTokenEndpoint, nowSeconds)
    : checkFederatedAssertion(app, jwt, nowSeconds);
}

function checkSecret(app: DirectoryApp, secret: string): ClientAuthentication {
  // Compare digests so that the comparison takes the same time whatever the lengths.
  const matches =
    app.secret !== undefined &&
    timingSafeEqual(
      createHash("sha256").update(secret).digest(),
      createHash("sha256").update(app.secret).digest(),
    );
  if (matches) return { ok: true, method: "secret" };
  return fail(
    401,
    "invalid_client",
    7000215,
    `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`,
  );
}

function checkCertificateAssertion(
  app: DirectoryApp,
  jwt: DecodedJwt,
  isTokenEndpoint: (audience: string) => boolean,
  nowSeconds: number,
): ClientAuthentication {
  if (jwt.payload["sub"] !== app.clientId) {
    return fail(
      401,
      "invalid_client",
      700021,
      "Client assertion application identifier doesn't match 'client_id' parameter.",
    );
  }
  const audiences = audienceList(jwt.payload["aud"]);
  if (!audiences.some(isTokenEndpoint)) {
    return fail(
      401,
      "invalid_client",
      50027,
      `JWT token is invalid or malformed. [Reason - The audience '${audiences.join(", ")}' is not this tenant's token endpoint.]`,
    );
  }
  if (app.certificates.length === 0) {
    return fail(
      401,
      "invalid_client",
      700027,
      "The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found.]",
    );
  }
  const verified = app.certificates.some((certificate) =>
    verifyJwtSignature(jwt, certificate.publicKey, ["PS256", "RS256"]),
  );
  if (!verified)
    return fail(401, "invalid_client", 700027, "Client assertion failed signature validation.");
  return checkLifetime(jwt, nowSeconds) ?? { ok: true, method: "certificate" };
}

function checkFederatedAssertion(
  app: DirectoryApp,
  jwt: DecodedJwt,
  nowSeconds: number,
): ClientAuthentication {
  const { iss, sub } = jwt.payload;
  const audiences = audienceList(jwt.payload["aud"]);
  const byIssuer = app.federatedCredentials.filter((credential) => credential.issuer === iss);
  const hint =
    "Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.";
  if (byIssuer.length === 0) {
    return fail(
      400,
      "invalid_request",
      700211,
      `No matching federated identity record found for presented assertion issuer '${String(iss)}'. ${hint}`,
    );
  }
  const bySubject = byIssuer.filter((credential) => credential.subject === sub);
  if (bySubject.length === 0) {
    return fail(
      400,
      "invalid_request",
      700213,
      `No matching federated identity record found for presented assertion subject '${String(sub)}'. ${hint}`,
    );
  }
  const credential = bySubject.find((candidate) => audiences.includes(candidate.audience));
  if (!credential) {
    return fail(
      400,
      "invalid_request",
      700212,
      `No matching federated identity record found for presented assertion audience '${audiences.join(", ")}'. ${hint}`,
    );
  }
  if (!verifyJwtSignature(jwt, credential.publicKey, ["RS256"])) {
    return fail(
      401,
      "invalid_client",
      50013,
      "Assertion failed signature validation. [Reason - The provided signature value did not match the expected signature value.]",
    );
  }
  return checkLifetime(jwt, nowSeconds) ?? { ok: true, method: "federated" };
}

/**
 * `exp` must not have passed and `nbf`, when present, must have, both within Entra ID's five
 * minutes of clock skew (MSAL rounds `nbf` up to the next second, for one).
 */
const CLOCK_SKEW_SECONDS = 300;

function checkLifetime(jwt: DecodedJwt, nowSeconds: number): ClientAuthentication | undefined {
  const { exp, nbf } = jwt.payload;
  const notExpired = typeof exp === "number" && exp + CLOCK_SKEW_SECONDS > nowSeconds;
  const started =
    nbf === undefined || (typeof nbf === "number" && nbf - CLOCK_SKEW_SECONDS <= nowSeconds);
  if (notExpired && started) return undefined;
  const when = (seconds: unknown) =>
    typeof seconds === "number" ? new Date(seconds * 1000).toISOString() : "(none)";
  return fail(
    401,
    "invalid_client",
    700024,
    `Client assertion is not within its valid time range. Current time: ${when(nowSeconds)}, assertion valid from ${when(nbf)}, expiry time of assertion ${when(exp)}.`,
  );
}

function audienceList(aud: unknown): string[] {
  if (typeof aud === "string") return [aud];
  return Array.isArray(aud) ? aud.filter((item): item is string => typeof item === "string") : [];
}

function fail(
  status: 400 | 401,
  error: string,
  code: number,
  description: string,
): ClientAuthentication {
  return { ok: false, failure: { status, error, code, description } };
}
