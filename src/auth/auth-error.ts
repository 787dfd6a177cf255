/**
 * Authentication failures as one clear message: which tenant, which method, what Entra ID said
 * (the AADSTS code and its text) and the likely fix. Whatever the library threw (it sometimes
 * echoes request bodies) passes through `redact` first.
 */
import { UserError } from "../errors.ts";
import type { FailureCause } from "../failure-cause.ts";
import type { AuthConfig, AuthMethod } from "../config/model.ts";
import { redact } from "../redact.ts";
import { formatSeconds } from "../format-duration.ts";

/**
 * An authentication problem for one tenant: a missing environment variable, an unreadable
 * certificate, a rejected secret, a silent token endpoint, a missing permission. The CLI exits 1.
 * The message is complete and safe to print; it never contains a secret.
 */
export class AuthError extends UserError {
  override name = "AuthError";
  readonly tenant: string;
  readonly method?: AuthMethod;
  /** Entra ID's error number, e.g. `7000215` for AADSTS7000215. */
  readonly aadsts?: string;
  /** What kind of fix it needs (default `credentials`). */
  readonly failureCause: FailureCause;
  constructor(
    message: string,
    fields: {
      tenant: string;
      method?: AuthMethod;
      aadsts?: string;
      failureCause?: FailureCause;
    },
  ) {
    super(redact(message));
    this.tenant = fields.tenant;
    this.failureCause = fields.failureCause ?? "credentials";
    if (fields.method !== undefined) this.method = fields.method;
    if (fields.aadsts !== undefined) this.aadsts = fields.aadsts;
  }
}

/** What the explanation may mention: names and ids, never a secret value. */
export interface AuthFailureContext {
  readonly tenantName: string;
  readonly method: AuthMethod;
  readonly auth?: AuthConfig;
  readonly tenantId?: string;
  readonly authorityHost?: string;
  readonly timeoutInMs?: number;
}

/** Thrown by the token provider's own timeout, so the explanation can say so plainly. */
export class TokenTimeoutError extends Error {
  override name = "TokenTimeoutError";
}

/**
 * How messages name the app a tenant signs in as: its client id, or the variable `clientIdEnv`
 * names (whose value, like a secret's, is not repeated).
 */
export function appLabel(auth: AuthConfig | undefined): string | undefined {
  if (auth === undefined) return undefined;
  if ("clientIdEnv" in auth && auth.clientIdEnv !== undefined) return `app $${auth.clientIdEnv}`;
  return "clientId" in auth && auth.clientId !== undefined ? `app ${auth.clientId}` : undefined;
}

function where(context: AuthFailureContext): string {
  const app = appLabel(context.auth);
  const parts = [
    ...(app === undefined ? [] : [app]),
    ...(context.tenantId === undefined ? [] : [`directory ${context.tenantId}`]),
  ];
  return parts.length === 0 ? "" : ` (${parts.join(", ")})`;
}

const APP_REGISTRATION = "Entra ID > App registrations";

/**
 * AADSTS errors that mean the tenant has not consented to the app (or blocked it), not that the
 * credential is wrong: 700016 (app not found in the directory: no service principal, i.e. never
 * consented there), 65001 (consent missing), 7000112 (app disabled in the tenant).
 */
const CONSENT_AADSTS = new Set(["700016", "65001", "7000112"]);

/** The likely fix for an AADSTS error, as specific as the configuration allows. */
export function hintForAadsts(code: string, context: AuthFailureContext): string | undefined {
  const auth = context.auth;
  const secretName =
    auth?.method === "clientSecret"
      ? `$${auth.clientSecretEnv}`
      : auth?.method === "environment"
        ? "$AZURE_CLIENT_SECRET"
        : "the secret";
  switch (code) {
    case "7000215":
    case "7000222":
      return `the client secret in ${secretName} is wrong or expired: create a new one in ${APP_REGISTRATION} > Certificates & secrets, and store its Value (not its Secret ID)`;
    case "700016":
      return `the app is not registered in this directory: check clientId, tenantId and cloud; for a multi-tenant app, an administrator of this tenant must consent to it first`;
    case "90002":
    case "900023":
      return "the tenantId does not name a directory in this cloud: check tenantId and cloud";
    case "700027":
    case "700023":
      return `the certificate is not registered on the app: upload its public part in ${APP_REGISTRATION} > Certificates & secrets > Certificates`;
    case "700024":
      return "the federated token has expired or is not yet valid: check the clock, and that the token file is refreshed";
    case "70021":
    case "700211":
    case "700212":
    case "700213":
      return context.method === "githubOidc"
        ? `no federated credential on the app matches this GitHub token: add one in ${APP_REGISTRATION} > Certificates & secrets > Federated credentials with issuer https://token.actions.githubusercontent.com, audience api://AzureADTokenExchange, and the subject of this workflow (e.g. repo:ORG/REPO:environment:NAME or repo:ORG/REPO:ref:refs/heads/main)`
        : `no federated credential on the app matches the token's issuer, subject and audience: add one in ${APP_REGISTRATION} > Certificates & secrets > Federated credentials`;
    case "7000112":
      return "the app is disabled in this directory: re-enable it in Entra ID > Enterprise applications";
    case "500011":
      return "Microsoft Graph is not known in this directory under the requested scope: check the cloud (a national-cloud tenant needs its own cloud setting)";
    case "1002012":
    case "70011":
      return "the scope is invalid: check INTUNE_GITOPS_GRAPH_URL and the cloud";
    case "53003":
      return "a Conditional Access policy blocked the sign-in: exclude this workload identity from the policy or meet its conditions";
    case "7000218":
      return "the request carried no credential: check the method and its settings";
    default:
      return undefined;
  }
}

function hintForMethod(context: AuthFailureContext, message: string): string | undefined {
  switch (context.method) {
    case "azureCli":
      return /az login|not logged in|Please run|not (be )?found|not installed|ENOENT/i.test(message)
        ? "install the Azure CLI and run `az login` (with `--tenant` for this directory, and `az cloud set` for a national cloud)"
        : undefined;
    case "managedIdentity":
      return "no managed identity is reachable here: this method works only on Azure compute with an identity assigned";
    case "default":
      return "DefaultAzureCredential found no usable credential: pick an explicit method for this tenant instead";
    default:
      return undefined;
  }
}

interface AadstsInfo {
  readonly code: string;
  readonly text: string;
  readonly trace?: string;
}

/** The first AADSTS error in a text: its number, its sentence(s), and the ids support asks for. */
export function parseAadsts(text: string): AadstsInfo | undefined {
  const match = /AADSTS(\d+):\s*([\s\S]*)/.exec(text);
  if (match?.[1] === undefined || match[2] === undefined) return undefined;
  const rest = match[2];
  const cut = rest.search(/\s*(Trace ID:|Correlation ID:|Timestamp:|\r|\n|\s+at\s|"|\\r|\\n)/);
  const sentence = (cut === -1 ? rest : rest.slice(0, cut)).replace(/\s+/g, " ").trim();
  const traceId = /Trace ID:\s*([\w-]+)/.exec(rest)?.[1];
  const correlationId = /Correlation ID:\s*([\w-]+)/.exec(rest)?.[1];
  const trace = [
    ...(traceId === undefined ? [] : [`Trace ID ${traceId}`]),
    ...(correlationId === undefined ? [] : [`Correlation ID ${correlationId}`]),
  ].join(", ");
  return { code: match[1], text: sentence, ...(trace === "" ? {} : { trace }) };
}

/** Turns whatever the credential threw into one AuthError. An AuthError passes through unchanged. */
export function explainAuthFailure(error: unknown, context: AuthFailureContext): AuthError {
  if (error instanceof AuthError) return error;
  const prefix = `tenant ${context.tenantName}: could not get a token with method ${context.method}${where(context)}`;
  const raw = redact(collectMessages(error));
  if (error instanceof TokenTimeoutError || isTimeout(raw)) {
    const host = context.authorityHost === undefined ? "the token endpoint" : context.authorityHost;
    const limit =
      context.timeoutInMs === undefined ? "" : ` within ${formatSeconds(context.timeoutInMs)}`;
    return new AuthError(
      `${prefix}: ${host} did not answer${limit}. Check that this machine can reach ${host} (and HTTPS_PROXY / NO_PROXY if a proxy is in the way)`,
      { tenant: context.tenantName, method: context.method, failureCause: "network" },
    );
  }
  // MSAL reduces network failures to a bare code and drops the cause: say what it means.
  if (/\bendpoints_resolution_error\b/.test(raw)) {
    const host = context.authorityHost ?? "the authority";
    return new AuthError(
      `${prefix}: could not read the sign-in configuration from ${host}${context.tenantId === undefined ? "" : `/${context.tenantId}/v2.0/.well-known/openid-configuration`} (MSAL endpoints_resolution_error: the host refused the connection, its certificate is not trusted, or it does not know this tenant). Check that this machine can reach ${host}, and the tenant's tenantId and cloud`,
      { tenant: context.tenantName, method: context.method, failureCause: "network" },
    );
  }
  if (/\bnetwork_error\b/.test(raw)) {
    const host = context.authorityHost ?? "the token endpoint";
    const limit =
      context.timeoutInMs === undefined ? "" : ` within ${formatSeconds(context.timeoutInMs)}`;
    return new AuthError(
      `${prefix}: the token request to ${host} failed (MSAL network_error: the connection was refused or reset, no answer came${limit}, or the answer was not the JSON a token endpoint sends). Check that this machine can reach ${host} (and HTTPS_PROXY / NO_PROXY if a proxy is in the way)`,
      { tenant: context.tenantName, method: context.method, failureCause: "network" },
    );
  }
  const aadsts = parseAadsts(raw);
  if (aadsts !== undefined) {
    const hint = hintForAadsts(aadsts.code, context);
    return new AuthError(
      `${prefix}: AADSTS${aadsts.code}: ${aadsts.text}${aadsts.trace === undefined ? "" : ` (${aadsts.trace})`}${hint === undefined ? "" : `. Fix: ${hint}`}`,
      {
        tenant: context.tenantName,
        method: context.method,
        aadsts: aadsts.code,
        failureCause: CONSENT_AADSTS.has(aadsts.code) ? "permissions" : "credentials",
      },
    );
  }
  const hint = hintForMethod(context, raw);
  const text = firstLines(raw);
  return new AuthError(`${prefix}: ${text}${hint === undefined ? "" : `. Fix: ${hint}`}`, {
    tenant: context.tenantName,
    method: context.method,
  });
}

function isTimeout(message: string): boolean {
  return /timed? ?out|ETIMEDOUT|REQUEST_SEND_ERROR.*abort|operation was aborted/i.test(message);
}

/** The message of an error and of its causes / aggregated errors, which is where the AADSTS text hides. */
function collectMessages(error: unknown, depth = 0): string {
  if (depth > 5 || error === null || error === undefined) return "";
  if (!(error instanceof Error)) return typeof error === "string" ? error : "";
  const parts = [error.message];
  const response = (error as { errorResponse?: { errorDescription?: unknown } }).errorResponse;
  if (
    typeof response?.errorDescription === "string" &&
    !error.message.includes(response.errorDescription)
  ) {
    parts.push(response.errorDescription);
  }
  const nested = (error as { errors?: unknown }).errors;
  if (Array.isArray(nested))
    for (const inner of nested) parts.push(collectMessages(inner, depth + 1));
  if (error.cause !== undefined) parts.push(collectMessages(error.cause, depth + 1));
  return parts.filter((part) => part !== "").join(" | ");
}

/** The useful start of a library message: the first line or two, bounded. */
function firstLines(text: string): string {
  const cleaned = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(
      (line) => line !== "" && !line.startsWith("at ") && !/^To troubleshoot, visit/i.test(line),
    )
    .slice(0, 3)
    .join(" ");
  return cleaned.length > 600 ? `${cleaned.slice(0, 599)}…` : cleaned || "unknown error";
}
