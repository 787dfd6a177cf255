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
} from "../../test/helpers/in-memory-apply.ts";
import { GraphRequestError } from "../graph/types.ts";

/** The verify phase (verify.ts) through `applyPlan`: the read-back after the writes. */
describe("the verify phase", () => {
  it("announces the collections and objects it reads back", async () => {
    const { graph, plan } = fourChanges();
    const { events } = await apply(graph, plan);
    expect(events.filter((e) => e.type === "verify-started")).toEqual([
      { type: "verify-started", collections: 2, objects: 4 },
    ]);
  });

  it("reads back only what was written", async () => {
    const { graph, plan } = fourChanges({
      beforePatch: (tenant) => {
        if (tenant === "fabrikam") throw new GraphRequestError("Forbidden", { status: 403 });
      },
    });
    const { events } = await apply(graph, plan);
    expect(events.filter((e) => e.type === "verify-started")).toEqual([
      { type: "verify-started", collections: 1, objects: 2 },
    ]);
    expect(graph.lists("fabrikam")).toHaveLength(1);
    expect(graph.lists("contoso")).toHaveLength(2);
  });

  it("reports every changed property of an object gone by the read-back as not converged, with no live value", async () => {
    const graph = new InMemoryGraph({
      beforeList: (_tenant, _request, call) => {
        if (call === 1) graph.remove("contoso", "beta", RA, "a");
      },
    });
    graph.put("contoso", "beta", RA, [raPartner("a", "TeamViewer")]);
    const plan = planFor(graph, [
      declare("teamviewer", "contoso", "TeamViewer", {
        onboardingUrl: "https://new.example.com/",
        onboardingStatus: "onboarded",
      }),
    ]);
    const { result, events } = await apply(graph, plan);
    const notConverged = [
      { property: "onboardingUrl", desired: "https://new.example.com/", live: undefined },
      { property: "onboardingStatus", desired: "onboarded", live: undefined },
    ];
    expect(result.results[0]).toMatchObject({ status: "not-converged", notConverged });
    expect(events.filter((e) => e.type === "object-not-converged")).toEqual([
      {
        type: "object-not-converged",
        object: expect.objectContaining({ liveId: "a" }),
        notConverged,
      },
    ]);
    expect(events.some((e) => e.type === "object-verified")).toBe(false);
  });

  it("names only the properties that differ, with the live value as the plan would show it", async () => {
    const group = "#microsoft.graph.groupAssignmentTarget";
    const graph = new InMemoryGraph({
      // The server keeps another group than the one sent, its id in capitals.
      afterPatch: (_tenant, object) => {
        object["groupsRequiringPartnerEnrollment"] = [
          { target: { "@odata.type": group, groupId: "7B8C9D0E-1F2A-4B3C-8D4E-5F6A7B8C9D0E" } },
        ];
      },
    });
    graph.put("contoso", "beta", DMP, [
      {
        id: "d",
        displayName: "Jamf",
        partnerAppType: "unknown",
        groupsRequiringPartnerEnrollment: [],
      },
    ]);
    const wanted = [
      { target: { "@odata.type": group, groupId: "4f1c2d3e-8a9b-4c7d-9e0f-1a2b3c4d5e6f" } },
    ];
    const plan = planFor(graph, [
      declare(
        "jamf",
        "contoso",
        "Jamf",
        { partnerAppType: "multiTenantApp", groupsRequiringPartnerEnrollment: wanted },
        "DeviceManagementPartner",
      ),
    ]);
    const { result } = await apply(graph, plan);
    expect(result.results[0]!.notConverged).toEqual([
      {
        property: "groupsRequiringPartnerEnrollment",
        desired: wanted,
        live: [
          { target: { "@odata.type": group, groupId: "7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e" } },
        ],
      },
    ]);
  });

  it("says which collection's read-back failed, with Graph's error, and which objects stay unverified", async () => {
    const { graph, plan } = fourChanges({
      beforeList: (tenant, _request, call) => {
        if (tenant === "fabrikam" && call === 1)
          throw new GraphRequestError("ServiceUnavailable", { status: 503, requestId: "r-9" });
      },
    });
    const { result, events } = await apply(graph, plan);
    const error = { message: "ServiceUnavailable", status: 503, requestId: "r-9" };
    expect(events.filter((e) => e.type === "verify-failed")).toEqual([
      {
        type: "verify-failed",
        tenant: "fabrikam",
        kind: "RemoteAssistancePartner",
        graphVersion: "beta",
        error,
        objects: [
          expect.objectContaining({ liveId: "fabrikam-2" }),
          expect.objectContaining({ liveId: "fabrikam-1" }),
        ],
      },
    ]);
    expect(result.results.filter((r) => r.tenant === "fabrikam")).toMatchObject([
      { status: "changed", verifyError: error },
      { status: "changed", verifyError: error },
    ]);
  });
});
