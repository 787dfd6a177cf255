import type { DesiredObject, DesiredState, TenantConfig } from "../config/model.ts";
import { listWords, nearest } from "../config/suggest.ts";
import { UsageError, UserError } from "../errors.ts";
import type { GraphClient, RequestOptions } from "../graph/types.ts";
import type { LiveObject } from "../live-object.ts";
import { addressOf } from "../plan/planner.ts";
import { getResource } from "../resources/registry.ts";
import type { ResourceDefinition } from "../resources/types.ts";
import { PARTNER_ACTIONS, findPartnerAction, type PartnerAction } from "./catalog.ts";

/** Graph has the partner actions on beta (shared/graph/schema-beta.json `boundActions`). */
export const ACTION_GRAPH_VERSION = "beta";

/** One action on one declared object in one tenant, checked against the configuration. */
export interface ActionTarget {
  readonly action: PartnerAction;
  readonly tenant: TenantConfig;
  readonly object: DesiredObject;
  readonly resource: ResourceDefinition;
  /** `deviceManagementPartner[contoso].jamf` */
  readonly address: string;
}

/**
 * Finds what `invoke ACTION --tenant NAME --object NAME` means, or says why it cannot run: an
 * unknown action, tenant or object, an object of the wrong kind, or a cloud without the partner
 * service. Needs no network.
 */
export function resolveActionTarget(
  state: DesiredState,
  request: { readonly action: string; readonly tenant: string; readonly object: string },
): ActionTarget {
  const action = findPartnerAction(request.action);
  if (action === undefined) {
    const names = PARTNER_ACTIONS.map((candidate) => candidate.name);
    const suggestion = nearest(request.action, names);
    throw new UsageError(
      `unknown action "${request.action}"${suggestion === undefined ? "" : `; did you mean "${suggestion}"?`} Actions: ${names.join(", ")}.`,
    );
  }
  const tenant = state.tenants.find((candidate) => candidate.name === request.tenant);
  if (tenant === undefined) {
    throw new UserError(
      `--tenant ${request.tenant}: no such tenant in the configuration (declared: ${state.tenants.map((candidate) => candidate.name).join(", ") || "none"})`,
    );
  }
  const resource = getResource(action.kind);
  const candidates = state.objects.filter(
    (object) => object.tenant === tenant.name && object.kind === action.kind,
  );
  const object = candidates.find((candidate) => candidate.name === request.object);
  if (object === undefined) {
    const names = candidates.map((candidate) => candidate.name);
    const suggestion = nearest(request.object, names);
    throw new UserError(
      `--object ${request.object}: tenant ${tenant.name} declares no ${action.kind} of that name (${action.name} acts on ${action.kind} objects; declared: ${names.length === 0 ? "none" : listWords(names, "and")})${suggestion === undefined ? "" : `. Did you mean ${suggestion}?`}`,
    );
  }
  const unsupported = action.unsupportedClouds[tenant.cloud];
  if (unsupported !== undefined) {
    throw new UserError(
      `refusing ${action.name} in tenant ${tenant.name}: it is in the ${tenant.cloud} cloud, and ${unsupported}. Nothing was sent.`,
    );
  }
  return {
    action,
    tenant,
    object,
    resource,
    address: addressOf(resource, tenant.name, object.name),
  };
}

/** Reads the live object the target's `match` names (on beta, where the actions are). */
export async function readActionTarget(
  client: GraphClient,
  target: ActionTarget,
  options: RequestOptions = {},
): Promise<LiveObject> {
  const { object, resource } = target;
  const live = await client.listCollection(
    {
      graphVersion: ACTION_GRAPH_VERSION,
      collectionPath: resource.collectionPath,
      select: target.action.shownProperties,
    },
    options,
  );
  const { match } = object;
  const found = live.filter((candidate) =>
    match.by === "id"
      ? candidate.id === match.id
      : candidate[resource.displayNameProperty] === match.displayName,
  );
  const what =
    match.by === "id"
      ? `id ${JSON.stringify(match.id)}`
      : `displayName ${JSON.stringify(match.displayName)}`;
  const [only] = found;
  if (only !== undefined && found.length === 1) return only;
  throw new UserError(
    found.length === 0
      ? `${target.address}: no live ${resource.graphType} in tenant ${target.tenant.name} has ${what} (run plan to see the candidates). Nothing was sent.`
      : `${target.address}: ${found.length} live ${resource.graphType} objects in tenant ${target.tenant.name} have ${what}; intune-gitops will not guess which one to act on: match by id instead. Nothing was sent.`,
  );
}
