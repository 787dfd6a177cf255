import { describe, expect, it } from "vitest";
import { InMemoryGraph } from "../../test/helpers/in-memory-graph.ts";
import {
  apply,
  declare,
  DMP,
  fourChanges,
  planFor,
  RA,
  raPartner,
  statuses,
} from "../../test/helpers/in-memory-apply.ts";
import type { ObjectMatch } from "../config/model.ts";
import { GraphRequestError } from "../graph/types.ts";
import type { ResourceChange } from "../plan/model.ts";

/**
 * The check phase (check.ts) through `applyPlan`: which objects a fresh read shows still current,
 * already applied, or stale (and why), against the in-memory Graph.
 */

/** One Remote Assistance partner that needs its status changed, declared with its URL. */
function onePartner(spec: Record<string, string | null> = {}) {
  const graph = new InMemoryGraph();
  graph.put("contoso", "beta", RA, [raPartner("a", "TeamViewer")]);
  const declared = declare("teamviewer", "contoso", "TeamViewer", {
    onboardingUrl: "https://old.example.com/",
    onboardingStatus: "onboarded",
    ...spec,
  });
  return { graph, declared, plan: planFor(graph, [declared]) };
}

describe("the check phase", () => {
  it("announces what it reads: tenants, collections and objects", async () => {
    const { graph, plan } = fourChanges();
    const { events } = await apply(graph, plan);
    expect(events[0]).toEqual({ type: "check-started", tenants: 2, collections: 2, objects: 4 });
  });

  it("finishes a plan run again: objects that already hold its values are already-applied, not written, not read back", async () => {
    const { graph, plan } = fourChanges();
    await apply(graph, plan);
    const patches = graph.patches().length;
    const lists = graph.lists().length;

    const { result, events } = await apply(graph, plan);
    expect(graph.patches()).toHaveLength(patches);
    // The check reads only (one per tenant): nothing was written, so nothing is verified.
    expect(graph.lists()).toHaveLength(lists + 2);
    expect(result.summary).toMatchObject({ alreadyApplied: 4, changed: 0, stale: 0, total: 4 });
    expect(result.refusedAsStale).toBe(false);
    expect(Object.values(statuses(result))).toEqual([
      "already-applied",
      "already-applied",
      "already-applied",
      "already-applied",
    ]);
    expect(events.filter((e) => e.type === "object-already-applied")).toHaveLength(4);
    expect(events.some((e) => e.type === "refused" || e.type === "verify-started")).toBe(false);
  });

  it("writes the rest when some objects already hold the plan's values", async () => {
    const { graph, plan } = fourChanges();
    // Someone wrote exactly the plan's values to one object meanwhile.
    graph.edit("fabrikam", "beta", RA, "fabrikam-1", { onboardingStatus: "onboarded" });
    const { result } = await apply(graph, plan);
    expect(statuses(result)).toEqual({
      "remoteAssistancePartner[contoso].other": "changed",
      "remoteAssistancePartner[contoso].teamviewer": "changed",
      "remoteAssistancePartner[fabrikam].other": "changed",
      "remoteAssistancePartner[fabrikam].teamviewer": "already-applied",
    });
    expect(graph.patches().map((call) => call.id)).not.toContain("fabrikam-1");
  });

  it("is stale, not already-applied, when it holds the plan's values but another declared property moved", async () => {
    const { graph, plan } = onePartner();
    graph.edit("contoso", "beta", RA, "a", {
      onboardingStatus: "onboarded",
      onboardingUrl: "https://elsewhere.example.com/",
    });
    const { result } = await apply(graph, plan);
    expect(result.results[0]).toMatchObject({
      status: "stale",
      staleReason:
        'onboardingUrl is now "https://elsewhere.example.com/" (the plan saw the configuration\'s value)',
    });
    expect(graph.patches()).toEqual([]);
  });

  it("names every candidate when one of several declared, unchanged properties moved", async () => {
    const { graph, plan } = onePartner({ displayName: "TeamViewer" });
    expect(plan.changes[0]!.declaredProperties).toEqual([
      "displayName",
      "onboardingUrl",
      "onboardingStatus",
    ]);
    graph.edit("contoso", "beta", RA, "a", { onboardingUrl: "https://elsewhere.example.com/" });
    const { result } = await apply(graph, plan);
    expect(result.results[0]!.staleReason).toBe(
      'one of displayName (now "TeamViewer"), onboardingUrl (now "https://elsewhere.example.com/") is no longer the value the plan saw',
    );
  });

  it("says what moved for each changed property that holds neither the plan's before nor its after, and which unchanged one moved", async () => {
    const graph = new InMemoryGraph();
    graph.put("contoso", "beta", RA, [raPartner("a", "TeamViewer")]);
    const plan = planFor(graph, [
      declare("teamviewer", "contoso", "TeamViewer", {
        onboardingUrl: "https://new.example.com/",
        onboardingStatus: "onboarded",
        displayName: "TeamViewer",
      }),
    ]);
    graph.edit("contoso", "beta", RA, "a", {
      onboardingUrl: "https://third.example.com/",
      onboardingStatus: "onboarding",
    });
    const { result } = await apply(graph, plan);
    expect(result.results[0]!.staleReason).toBe(
      'onboardingUrl is now "https://third.example.com/" (the plan saw "https://old.example.com/"); onboardingStatus is now "onboarding" (the plan saw "notOnboarded")',
    );
  });

  it("is stale with a general reason when a changed property already holds the plan's value and another still its old one", async () => {
    const graph = new InMemoryGraph();
    graph.put("contoso", "beta", RA, [raPartner("a", "TeamViewer")]);
    const plan = planFor(graph, [
      declare("teamviewer", "contoso", "TeamViewer", {
        onboardingUrl: "https://new.example.com/",
        onboardingStatus: "onboarded",
      }),
    ]);
    graph.edit("contoso", "beta", RA, "a", { onboardingUrl: "https://new.example.com/" });
    const { result } = await apply(graph, plan);
    expect(result.results[0]).toMatchObject({
      status: "stale",
      staleReason: "a declared property changed since the plan was made",
    });
  });

  it("catches a rename by someone else even when the object already holds the plan's values", async () => {
    const { graph, plan } = onePartner();
    graph.edit("contoso", "beta", RA, "a", {
      onboardingStatus: "onboarded",
      displayName: "TeamViewer (old)",
    });
    const { result } = await apply(graph, plan);
    expect(result.results[0]!.staleReason).toBe(
      'its displayName is now "TeamViewer (old)" (the plan saw "TeamViewer")',
    );
  });

  it("accepts the plan's own rename: run again after it landed, the object is already-applied", async () => {
    const graph = new InMemoryGraph();
    graph.put("contoso", "beta", RA, [raPartner("a", "TeamViewer")]);
    const renaming = {
      ...declare("teamviewer", "contoso", "TeamViewer", {
        displayName: "TeamViewer (EU)",
        onboardingStatus: "onboarded",
      }),
      match: { by: "id", id: "a" } as const,
    };
    const plan = planFor(graph, [renaming]);
    expect(plan.changes[0]!.patch).toEqual({
      displayName: "TeamViewer (EU)",
      onboardingStatus: "onboarded",
    });
    expect((await apply(graph, plan)).result.results[0]!.status).toBe("changed");
    const again = await apply(graph, plan);
    expect(again.result.results[0]!.status).toBe("already-applied");
  });

  it("finishes a plan run again that set a property the object did not have, its before left out (a plan file may)", async () => {
    const graph = new InMemoryGraph();
    const { onboardingUrl: _, ...withoutUrl } = raPartner("a", "TeamViewer");
    graph.put("contoso", "beta", RA, [withoutUrl]);
    const planned = planFor(graph, [
      declare("teamviewer", "contoso", "TeamViewer", {
        onboardingUrl: "https://new.example.com/",
        onboardingStatus: "onboarded",
      }),
    ]);
    const [url, status] = planned.changes[0]!.changes;
    expect(url).toEqual({
      property: "onboardingUrl",
      before: null,
      after: "https://new.example.com/",
    });
    // JSON drops an undefined value: a plan file read back may have no before at all.
    const plan = {
      ...planned,
      changes: [{ ...planned.changes[0]!, changes: [{ ...url!, before: undefined }, status!] }],
    };
    expect((await apply(graph, plan)).result.results[0]!.status).toBe("changed");
    expect((await apply(graph, plan)).result.results[0]!.status).toBe("already-applied");
  });

  it("is stale with the general reason when the plan's fingerprint matches nothing the object was (an edited plan)", async () => {
    const { graph, plan } = fourChanges();
    // Every declared property is a changed one, so no other property can be named either.
    expect(plan.changes[1]!.declaredProperties).toEqual(["onboardingStatus"]);
    const edited = {
      ...plan,
      changes: plan.changes.map((change, index) =>
        index === 1 ? { ...change, fingerprint: "0".repeat(64) } : change,
      ),
    };
    const { result } = await apply(graph, edited);
    expect(result.results[1]).toMatchObject({
      status: "stale",
      staleReason: "a declared property changed since the plan was made",
    });
  });

  it("reports each stale object as it finds it, with the reason", async () => {
    const { graph, plan } = fourChanges();
    graph.edit("fabrikam", "beta", RA, "fabrikam-2", { onboardingStatus: "onboarded" });
    const { events } = await apply(graph, plan);
    expect(events.filter((e) => e.type === "object-stale")).toEqual([
      {
        type: "object-stale",
        object: expect.objectContaining({ address: "remoteAssistancePartner[fabrikam].other" }),
        reason: 'onboardingStatus is now "onboarded" (the plan saw "notOnboarded")',
      },
    ]);
  });

  it("fails the objects of a collection it cannot read in the check phase, before any PATCH", async () => {
    const { graph, plan } = fourChanges({
      beforeList: (tenant) => {
        if (tenant === "contoso") throw new GraphRequestError("Forbidden", { status: 403 });
      },
    });
    const { result, events } = await apply(graph, plan);
    expect(result.results.filter((r) => r.tenant === "contoso")).toMatchObject([
      { status: "failed", failedIn: "check", error: { message: "Forbidden", status: 403 } },
      { status: "failed", failedIn: "check", error: { message: "Forbidden", status: 403 } },
    ]);
    expect(
      events
        .filter((e) => e.type === "object-failed")
        .map((e) => e.type === "object-failed" && e.phase),
    ).toEqual(["check", "check"]);
  });

  it("compares an object without a displayName with the plan's null", async () => {
    const graph = new InMemoryGraph();
    const { displayName: _, ...nameless } = raPartner("a", "unused");
    graph.put("contoso", "beta", RA, [nameless]);
    const plan = planFor(graph, [
      {
        ...declare("teamviewer", "contoso", "", { onboardingStatus: "onboarded" }),
        match: { by: "id", id: "a" },
      },
    ]);
    expect(plan.changes[0]!.liveDisplayName).toBeNull();
    const { result } = await apply(graph, plan);
    expect(result.results[0]!.status).toBe("changed");
  });

  it("after Ctrl-C, neither signs in to nor reads the tenants it has not reached", async () => {
    const controller = new AbortController();
    const { graph, plan } = fourChanges({
      beforeList: () => controller.abort(new Error("SIGINT")),
    });
    const asked: string[] = [];
    const { result } = await apply(graph, plan, {
      abortSignal: controller.signal,
      concurrentTenants: 1,
      clientFor: (tenant) => {
        asked.push(tenant);
        return graph.clientFor(tenant);
      },
    });
    expect(asked).toEqual(["contoso"]);
    expect(graph.lists("fabrikam")).toEqual([]);
    expect(result.results.filter((r) => r.tenant === "fabrikam")).toMatchObject([
      { status: "skipped", skipReason: "interrupted" },
      { status: "skipped", skipReason: "interrupted" },
    ]);
  });

  it("after Ctrl-C, sends no read of the tenant's other collections that had not started", async () => {
    const controller = new AbortController();
    const graph = new InMemoryGraph({
      beforeList: (_tenant, request) => {
        if (request.collectionPath === DMP) controller.abort(new Error("SIGINT"));
      },
    });
    graph.put("contoso", "beta", RA, [raPartner("a", "TeamViewer")]);
    graph.put("contoso", "beta", DMP, [
      { id: "d", displayName: "Jamf", partnerAppType: "unknown" },
    ]);
    const plan = planFor(graph, [
      declare("teamviewer", "contoso", "TeamViewer", { onboardingStatus: "onboarded" }),
      declare(
        "jamf",
        "contoso",
        "Jamf",
        { partnerAppType: "multiTenantApp" },
        "DeviceManagementPartner",
      ),
    ]);
    const { result } = await apply(graph, plan, { abortSignal: controller.signal });
    // Plan order: Jamf (deviceManagementPartner) is read first.
    expect(graph.lists().map((call) => call.collectionPath)).toEqual([DMP]);
    expect(graph.patches()).toEqual([]);
    expect(result.summary).toMatchObject({ skipped: 2, failed: 0 });
  });

  it("skips the objects of a read that failed because the run was interrupted, rather than failing them", async () => {
    const controller = new AbortController();
    const { graph, plan } = fourChanges({
      beforeList: (tenant) => {
        if (tenant !== "contoso") return;
        controller.abort(new Error("SIGINT"));
        throw new Error("the read was cancelled");
      },
    });
    const { result } = await apply(graph, plan, {
      abortSignal: controller.signal,
      concurrentTenants: 1,
    });
    expect(result.summary).toMatchObject({ failed: 0, skipped: 4 });
    expect(result.results.every((r) => r.skipReason === "interrupted")).toBe(true);
    expect(result.interrupted).toBe(true);
  });
});

describe("the check phase with the declared match (matchOf)", () => {
  const byDisplayName = (change: ResourceChange): ObjectMatch | undefined =>
    change.name === "teamviewer" ? { by: "displayName", displayName: "TeamViewer" } : undefined;

  it("writes when the match still selects exactly the plan's object", async () => {
    const { graph, plan } = fourChanges();
    const { result } = await apply(graph, plan, { matchOf: byDisplayName });
    expect(result.summary.changed).toBe(4);
  });

  it("refuses when a same-named twin appeared: the match is ambiguous, so the plan's object cannot be told apart", async () => {
    const { graph, plan } = fourChanges();
    graph.put("contoso", "beta", RA, [
      ...graph.objects("contoso", "beta", RA),
      raPartner("contoso-twin", "TeamViewer"),
    ]);
    const { result } = await apply(graph, plan, { matchOf: byDisplayName });
    expect(graph.patches()).toEqual([]);
    expect(statuses(result)).toMatchObject({
      "remoteAssistancePartner[contoso].teamviewer": "stale",
      "remoteAssistancePartner[fabrikam].teamviewer": "skipped",
    });
    expect(result.results.find((r) => r.status === "stale")!.staleReason).toBe(
      '2 live objects have displayName "TeamViewer" (ids contoso-1, contoso-twin): plan refuses that match as ambiguous, so the plan\'s object (id contoso-1) cannot be told apart',
    );
  });

  it("refuses when the match now selects another object (a plan re-aimed, or the name moved)", async () => {
    const { graph, plan } = fourChanges();
    const matchOf = (change: ResourceChange): ObjectMatch | undefined =>
      change.address === "remoteAssistancePartner[contoso].teamviewer"
        ? { by: "displayName", displayName: "Other" }
        : undefined;
    const { result } = await apply(graph, plan, { matchOf });
    expect(result.results.find((r) => r.status === "stale")!.staleReason).toBe(
      'the object with displayName "Other" is contoso-2, not the plan\'s contoso-1',
    );
    expect(graph.patches()).toEqual([]);
  });

  it("refuses when nothing matches any more, by id as by name, before noticing the object is gone", async () => {
    const { graph, plan } = fourChanges();
    graph.remove("contoso", "beta", RA, "contoso-1");
    const matchOf = (change: ResourceChange): ObjectMatch | undefined =>
      change.address === "remoteAssistancePartner[contoso].teamviewer"
        ? { by: "id", id: "contoso-1" }
        : change.address === "remoteAssistancePartner[fabrikam].teamviewer"
          ? { by: "displayName", displayName: "Nobody" }
          : undefined;
    const { result } = await apply(graph, plan, { matchOf });
    expect(
      result.results.filter((r) => r.status === "stale").map((r) => [r.address, r.staleReason]),
    ).toEqual([
      ["remoteAssistancePartner[contoso].teamviewer", "no live object has id contoso-1 any more"],
      [
        "remoteAssistancePartner[fabrikam].teamviewer",
        'no live object has displayName "Nobody" any more',
      ],
    ]);
  });

  it("runs the match only for changes it gives one for", async () => {
    const { graph, plan } = fourChanges();
    // A twin of "Other", whose changes have no declared match here: not checked, so written.
    graph.put("contoso", "beta", RA, [
      ...graph.objects("contoso", "beta", RA),
      raPartner("contoso-twin", "Other"),
    ]);
    const { result } = await apply(graph, plan, { matchOf: byDisplayName });
    expect(result.summary.changed).toBe(4);
  });
});
