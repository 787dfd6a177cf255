import { applyPlan, type ApplyOptions } from "../../src/apply/applier.ts";
import type { ApplyEvent, ApplyResult } from "../../src/apply/model.ts";
import type { DesiredObject, DesiredState } from "../../src/config/model.ts";
import type { JsonValue } from "../../src/json.ts";
import type { LiveObject } from "../../src/live-object.ts";
import type { Plan } from "../../src/plan/model.ts";
import { createPlan } from "../../src/plan/planner.ts";
import type { GraphVersion } from "../../src/resources/types.ts";
import { InMemoryGraph } from "./in-memory-graph.ts";

/**
 * The applier's unit tests (src/apply/*.test.ts): declarations, the real planner over what the
 * in-memory Graph holds, and `applyPlan` against it, collecting events.
 */

export const RA = "/deviceManagement/remoteAssistancePartners";
export const DMP = "/deviceManagement/deviceManagementPartners";
const SOURCE = { file: "partners.yaml", line: 1, column: 1 };

export function declare(
  name: string,
  tenant: string,
  displayName: string,
  spec: Record<string, JsonValue>,
  kind = "RemoteAssistancePartner",
  graphVersion: GraphVersion = "beta",
): DesiredObject {
  return {
    kind,
    name,
    tenant,
    match: { by: "displayName", displayName },
    graphVersion,
    spec,
    source: SOURCE,
    propertySources: {},
  };
}

export function raPartner(
  id: string,
  displayName: string,
  extra: Record<string, JsonValue> = {},
): LiveObject {
  return {
    id,
    displayName,
    onboardingUrl: "https://old.example.com/",
    onboardingStatus: "notOnboarded",
    lastConnectionDateTime: "0001-01-01T00:00:00Z",
    onboardingRequestExpiryDateTime: "0001-01-01T00:00:00Z",
    ...extra,
  };
}

/** Plans the declared objects against what the in-memory Graph holds now (the real planner). */
export function planFor(graph: InMemoryGraph, objects: DesiredObject[]): Plan {
  const tenants = [...new Set(objects.map((object) => object.tenant))].sort();
  const desired: DesiredState = { tenants: [], objects, digest: "digest", files: [] };
  const keys = new Set(objects.map((o) => JSON.stringify([o.tenant, o.kind, o.graphVersion])));
  const collections = [...keys].map((key) => {
    const [tenant, kind, graphVersion] = JSON.parse(key) as [string, string, GraphVersion];
    const path = kind === "RemoteAssistancePartner" ? RA : DMP;
    return {
      tenant,
      kind,
      graphVersion,
      objects: structuredClone(graph.objects(tenant, graphVersion, path)),
    };
  });
  return createPlan({ desired, live: { collections, failures: [] }, toolVersion: "test", tenants });
}

/** Two tenants, two Remote Assistance partners each, all four needing a change. */
export function fourChanges(hooks: ConstructorParameters<typeof InMemoryGraph>[0] = {}) {
  const graph = new InMemoryGraph(hooks);
  const objects: DesiredObject[] = [];
  for (const tenant of ["contoso", "fabrikam"]) {
    graph.put(tenant, "beta", RA, [
      raPartner(`${tenant}-1`, "TeamViewer"),
      raPartner(`${tenant}-2`, "Other"),
    ]);
    objects.push(
      declare("teamviewer", tenant, "TeamViewer", { onboardingStatus: "onboarded" }),
      declare("other", tenant, "Other", {
        onboardingUrl: "https://new.example.com/",
        onboardingStatus: "onboarding",
      }),
    );
  }
  return { graph, plan: planFor(graph, objects), objects };
}

export async function apply(
  graph: InMemoryGraph,
  plan: Plan,
  options: Partial<ApplyOptions> = {},
): Promise<{ result: ApplyResult; events: ApplyEvent[] }> {
  const events: ApplyEvent[] = [];
  const result = await applyPlan(plan, {
    clientFor: (tenant) => graph.clientFor(tenant),
    onEvent: (event) => events.push(event),
    ...options,
  });
  return { result, events };
}

export function statuses(result: ApplyResult): Record<string, string> {
  return Object.fromEntries(result.results.map((r) => [r.address, r.status]));
}
