/**
 * `doctor`: read-only checks of one tenant as intune-gitops sees it. Signs in like every other
 * command (endpoints checked, the token checked for tenant, audience and expiry), then sends only
 * GETs: each partner collection on v1.0 and beta, once whole and once with `$select`, and the
 * audit log with `$top=1`. The verdicts come from the pure functions of `doctor/`; the answers,
 * redacted, make the capture when one is asked for.
 */
import { AuthError } from "../auth/auth-error.ts";
import type { CredentialContext } from "../auth/credential.ts";
import { graphAudiences } from "../auth/token-claims.ts";
import { decodeJwtPayload } from "../auth/permissions.ts";
import type { DesiredState, TenantConfig } from "../config/model.ts";
import { auditCheck } from "../doctor/audit-check.ts";
import { capturedAnswer } from "../doctor/capture.ts";
import {
  collectionChecks,
  selectSubset,
  type Answer,
  type GraphFailure,
} from "../doctor/collection-checks.ts";
import type { DoctorCheck, DoctorReport } from "../doctor/model.ts";
import { grantedPermissions, tokenChecks } from "../doctor/token-checks.ts";
import type { GraphRequestEvent, HttpGraphClient } from "../graph/client.ts";
import { GraphRequestError, type DocumentRequest } from "../graph/types.ts";
import {
  GRAPH_CAPTURE_FORMAT,
  GRAPH_CAPTURE_VERSION,
  type CapturedAnswer,
  type GraphCapture,
} from "../graph-capture.ts";
import { RESOURCES } from "../resources/registry.ts";
import { GRAPH_VERSIONS, type GraphVersion } from "../resources/types.ts";
import { TOOL_VERSION } from "../version.ts";
import { openTenant } from "./connect.ts";

export interface DoctorRunOptions extends CredentialContext {
  readonly tenant: string;
  /** Keep the answers for a capture. */
  readonly capture: boolean;
  readonly abortSignal?: AbortSignal;
  readonly requestTimeoutInMs?: number;
  readonly debug?: (line: string) => void;
  readonly onRequest?: (event: GraphRequestEvent) => void;
  readonly now?: () => number;
}

export interface DoctorRun {
  readonly report: DoctorReport;
  /** Present when asked for and the tenant could be signed in to. */
  readonly capture?: GraphCapture;
}

export async function runDoctor(
  state: DesiredState,
  options: DoctorRunOptions,
): Promise<DoctorRun> {
  const tenant = state.tenants.find((candidate) => candidate.name === options.tenant);
  if (tenant === undefined) throw new Error(`tenant ${options.tenant} is not declared`);
  const now = options.now ?? (() => Date.now());
  const base = {
    tenant: tenant.name,
    tenantId: tenant.tenantId,
    cloud: tenant.cloud,
  };
  let opened;
  try {
    opened = await openTenant(tenant, {
      ...options,
      client: {
        ...(options.requestTimeoutInMs === undefined
          ? {}
          : { timeoutInMs: options.requestTimeoutInMs }),
        ...(options.onRequest === undefined ? {} : { onRequest: options.onRequest }),
      },
    });
  } catch (error) {
    // A refused setting (a custom endpoint, a missing variable) is the run's error; a sign-in
    // Entra ID refused is the tenant's finding.
    if (!(error instanceof AuthError) || error.failureCause === "configuration") throw error;
    return {
      report: {
        ...base,
        graphUrl: "",
        checks: [
          {
            id: "sign-in",
            title: `Sign-in (${tenant.auth.method})`,
            verdict: "fail",
            detail: error.message,
            fix: "fix the sign-in as the message says, then run doctor again; nothing was sent to Graph",
          },
        ],
      },
    };
  }
  const { client, endpoints, accessToken } = opened;
  try {
    const versionsUsed = versionsOf(state, tenant);
    const checks: DoctorCheck[] = [
      {
        id: "sign-in",
        title: `Sign-in (${tenant.auth.method})`,
        verdict: "pass",
        detail: `a token for ${tenant.name} from ${endpoints.authorityHost}`,
      },
      ...tokenChecks({
        accessToken,
        tenantId: tenant.tenantId,
        audiences: graphAudiences(endpoints.scope),
        graphVersions: versionsUsed,
        nowMs: now(),
      }),
    ];
    const answers: CapturedAnswer[] = [];
    const ask = async (request: DocumentRequest): Promise<Answer> => {
      const answer = await getAnswer(client, request, options.abortSignal);
      if (options.capture) {
        answers.push(
          capturedAnswer(`/${request.graphVersion}${request.path}`, request.query ?? {}, answer),
        );
      }
      return answer;
    };
    for (const resource of RESOURCES) {
      for (const graphVersion of GRAPH_VERSIONS) {
        const read = await ask({ graphVersion, path: resource.collectionPath });
        const selected = selectSubset(resource, graphVersion);
        const select = await ask({
          graphVersion,
          path: resource.collectionPath,
          query: { $select: selected.join(",") },
        });
        checks.push(
          ...collectionChecks({
            resource,
            graphVersion,
            used: versionsUsed.includes(graphVersion),
            read,
            select,
            selected,
          }),
        );
      }
    }
    checks.push(
      auditCheck(
        await ask({
          graphVersion: tenant.graphVersion,
          path: "/deviceManagement/auditEvents",
          query: { $top: "1" },
        }),
      ),
    );
    const report: DoctorReport = { ...base, graphUrl: endpoints.graphUrl, checks };
    if (!options.capture) return { report };
    return {
      report,
      capture: {
        format: GRAPH_CAPTURE_FORMAT,
        format_version: GRAPH_CAPTURE_VERSION,
        captured_at: new Date(now()).toISOString(),
        tool_version: TOOL_VERSION,
        tenant: { name: tenant.name, tenant_id: tenant.tenantId, cloud: tenant.cloud },
        graph_url: endpoints.graphUrl,
        roles: grantedPermissions(decodeJwtPayload(accessToken) ?? {}),
        answers,
      },
    };
  } finally {
    client.close();
  }
}

/** One GET; a Graph failure is an answer too (the doctor reports it), anything else is a bug. */
async function getAnswer(
  client: HttpGraphClient,
  request: DocumentRequest,
  abortSignal: AbortSignal | undefined,
): Promise<Answer> {
  try {
    const body = await client.getDocument(
      request,
      abortSignal === undefined ? undefined : { abortSignal },
    );
    return { ok: true, body };
  } catch (error) {
    if (!(error instanceof GraphRequestError)) throw error;
    const { details } = error;
    const failure: GraphFailure = {
      message: error.message,
      ...(details.status === undefined ? {} : { status: details.status }),
      ...(details.code === undefined ? {} : { code: details.code }),
    };
    return { ok: false, failure };
  }
}

/** The tenant's default version and every version its declared objects use. */
function versionsOf(state: DesiredState, tenant: TenantConfig): GraphVersion[] {
  const used = new Set<GraphVersion>([tenant.graphVersion]);
  for (const object of state.objects) {
    if (object.tenant === tenant.name) used.add(object.graphVersion);
  }
  return GRAPH_VERSIONS.filter((version) => used.has(version));
}
