import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  driftedValueOf,
  shuffledWorld,
  withFailures,
  worldArbitrary,
} from "../../test/helpers/plan-arbitraries.ts";
import {
  collection,
  desiredObject,
  desiredState,
  liveObject,
  snapshot,
} from "../../test/helpers/plan-builders.ts";
import { loadSeedPages, type SeedPage } from "../../test/helpers/seeds.ts";
import type { JsonObject, JsonValue } from "../json.ts";
import { RESOURCES, findProperty } from "../resources/registry.ts";
import { canonicalDateTimeOffset } from "../date-time-offset.ts";
import { fingerprintObject } from "./fingerprint.ts";
import type { Plan } from "./model.ts";
import { RemoteAssistancePartner } from "../resources/remote-assistance-partner.ts";
import { createPlan } from "./planner.ts";

const ID = "7443c8b9-c8b9-7443-b9c8-4374b9c84374";
const TOOL = "0.1.0";

function teamviewer(properties: Record<string, JsonValue> = {}) {
  return liveObject(ID, {
    "@odata.type": "#microsoft.graph.remoteAssistancePartner",
    displayName: "TeamViewer",
    onboardingUrl: "https://example.com/onboardingUrl/",
    onboardingStatus: "notOnboarded",
    lastConnectionDateTime: "2017-01-01T07:58:36.6670033Z",
    ...properties,
  });
}

function planOne(spec: Record<string, JsonValue>, live = teamviewer()): Plan {
  return createPlan({
    desired: desiredState([desiredObject({ spec })]),
    live: snapshot([collection([live])]),
    toolVersion: TOOL,
  });
}

describe("createPlan", () => {
  describe("diffing", () => {
    it("changes only the declared properties that differ, and sends only those", () => {
      const plan = planOne({
        onboardingUrl: "https://example.com/onboardingUrl/",
        onboardingStatus: "onboarded",
      });
      expect(plan.changes).toHaveLength(1);
      const [change] = plan.changes;
      expect(change).toMatchObject({
        address: "remoteAssistancePartner[contoso].teamviewer",
        kind: "RemoteAssistancePartner",
        graphType: "remoteAssistancePartner",
        tenant: "contoso",
        graphVersion: "beta",
        collectionPath: "/deviceManagement/remoteAssistancePartners",
        liveId: ID,
        liveDisplayName: "TeamViewer",
      });
      expect(change!.changes).toEqual([
        { property: "onboardingStatus", before: "notOnboarded", after: "onboarded" },
      ]);
      expect(change!.patch).toEqual({ onboardingStatus: "onboarded" });
      expect(plan.unchangedCount).toBe(0);
      expect(plan.problems).toEqual([]);
    });

    it("counts an object whose declared properties match as unchanged, whatever else differs", () => {
      const plan = planOne(
        { onboardingStatus: "notOnboarded" },
        teamviewer({ displayName: "TeamViewer" }),
      );
      expect(plan.changes).toEqual([]);
      expect(plan.unchangedCount).toBe(1);
      expect(plan.unchangedByTenant).toEqual({ contoso: 1 });
    });

    it("compares dates as instants and sends them as declared", () => {
      const same = planOne({ lastConnectionDateTime: "2016-12-31T23:58:36.6670033-08:00" });
      expect(same.changes).toEqual([]);

      const later = planOne({ lastConnectionDateTime: "2016-12-31T23:58:36.6670034-08:00" });
      expect(later.changes[0]!.changes).toEqual([
        {
          property: "lastConnectionDateTime",
          before: "2017-01-01T07:58:36.6670033Z",
          after: "2016-12-31T23:58:36.6670034-08:00",
        },
      ]);
      expect(later.changes[0]!.patch).toEqual({
        lastConnectionDateTime: "2016-12-31T23:58:36.6670034-08:00",
      });
    });

    it("takes Graph's 0001-01-01 for unset", () => {
      const live = teamviewer({ onboardingRequestExpiryDateTime: "0001-01-01T00:00:00Z" });
      expect(planOne({ onboardingRequestExpiryDateTime: null }, live).changes).toEqual([]);
      const set = planOne({ onboardingRequestExpiryDateTime: "2030-01-01T00:00:00Z" }, live);
      expect(set.changes[0]!.changes[0]).toEqual({
        property: "onboardingRequestExpiryDateTime",
        before: null,
        after: "2030-01-01T00:00:00Z",
      });
    });

    it("takes an absent live property for null", () => {
      const live = liveObject(ID, { displayName: "TeamViewer" });
      expect(planOne({ onboardingUrl: null }, live).changes).toEqual([]);
      expect(planOne({ onboardingUrl: "https://x.example/" }, live).changes[0]!.changes[0]).toEqual(
        {
          property: "onboardingUrl",
          before: null,
          after: "https://x.example/",
        },
      );
    });

    it("never sends id or annotations even if a spec carried them", () => {
      const plan = planOne({ id: "other", "@odata.type": "#x", onboardingStatus: "onboarded" });
      expect(plan.changes[0]!.patch).toEqual({ onboardingStatus: "onboarded" });
    });

    it("lists changes in the registry's property order", () => {
      const plan = planOne({
        onboardingStatus: "onboarded",
        displayName: "TeamViewer 2",
        onboardingUrl: "https://example.com/other/",
      });
      expect(plan.changes[0]!.changes.map((change) => change.property)).toEqual([
        "displayName",
        "onboardingUrl",
        "onboardingStatus",
      ]);
      expect(Object.keys(plan.changes[0]!.patch)).toEqual([
        "displayName",
        "onboardingUrl",
        "onboardingStatus",
      ]);
    });

    it("fingerprints all the declared properties, changed or not, and lists them", () => {
      const live = teamviewer();
      const plan = planOne(
        { onboardingStatus: "onboarded", onboardingUrl: "https://example.com/onboardingUrl/" },
        live,
      );
      const [change] = plan.changes;
      expect(change!.changes.map((c) => c.property)).toEqual(["onboardingStatus"]);
      expect(change!.declaredProperties).toEqual(["onboardingUrl", "onboardingStatus"]);
      expect(change!.fingerprint).toBe(
        fingerprintObject(RemoteAssistancePartner, "beta", live, [
          "onboardingUrl",
          "onboardingStatus",
        ]),
      );
    });
  });

  describe("assignments", () => {
    const group = (groupId: string, type = "#microsoft.graph.groupAssignmentTarget") => ({
      target: { "@odata.type": type, groupId },
    });
    const partner = (assignments: JsonValue) =>
      liveObject("d21e377a-377a-d21e-7a37-1ed27a371ed2", {
        displayName: "Jamf Pro",
        partnerAppType: "multiTenantApp",
        groupsRequiringPartnerEnrollment: assignments,
      });
    const planAssignments = (
      declared: JsonValue,
      live: JsonValue,
      graphVersion: "beta" | "v1.0" = "beta",
    ) =>
      createPlan({
        desired: desiredState([
          desiredObject({
            kind: "DeviceManagementPartner",
            name: "jamf",
            graphVersion,
            match: { by: "displayName", displayName: "Jamf Pro" },
            spec: { groupsRequiringPartnerEnrollment: declared },
          }),
        ]),
        live: snapshot([
          collection([partner(live)], { kind: "DeviceManagementPartner", graphVersion }),
        ]),
        toolVersion: TOOL,
      });

    it("compares them as sets, with Graph's defaults and annotations", () => {
      const live = [
        {
          "@odata.type": "microsoft.graph.deviceManagementPartnerAssignment",
          target: {
            "@odata.type": "microsoft.graph.groupAssignmentTarget",
            deviceAndAppManagementAssignmentFilterId: null,
            deviceAndAppManagementAssignmentFilterType: "none",
            groupId: "b",
          },
        },
        group("a"),
      ];
      expect(planAssignments([group("a"), group("b")], live).changes).toEqual([]);
    });

    it("sends the whole desired set, each target with its canonical @odata.type", () => {
      const declared = [
        {
          "@odata.type": "microsoft.graph.deviceManagementPartnerAssignment",
          ...group("a", "microsoft.graph.groupAssignmentTarget"),
        },
        group("c"),
      ];
      const plan = planAssignments(declared, [group("b"), group("a")]);
      const [change] = plan.changes;
      expect(change!.patch).toEqual({
        groupsRequiringPartnerEnrollment: [group("a"), group("c")],
      });
      expect(change!.changes[0]!.before).toEqual([group("a"), group("b")]);
      expect(change!.changes[0]!.after).toEqual(change!.patch["groupsRequiringPartnerEnrollment"]);
    });

    it("computes the set's element changes once, in the plan (renderers only show them)", () => {
      const [change] = planAssignments([group("a"), group("c")], [group("b"), group("a")]).changes;
      expect(change!.changes[0]!.elementChanges).toEqual({
        added: [group("c")],
        removed: [group("b")],
        changed: [],
        kept: 1,
      });
      // A property that is not a set has none.
      const [scalar] = createPlan({
        desired: desiredState([desiredObject({ spec: { onboardingStatus: "onboarded" } })]),
        live: snapshot([collection([teamviewer({ onboardingStatus: "notOnboarded" })])]),
        toolVersion: TOOL,
      }).changes;
      expect(scalar!.changes[0]).not.toHaveProperty("elementChanges");
    });

    it("compares GUIDs regardless of case and sends them lower-case", () => {
      const upper = "4F1C2D3E-8A9B-4C7D-9E0F-1A2B3C4D5E6F";
      const lower = upper.toLowerCase();
      expect(planAssignments([group(upper)], [group(lower)]).changes).toEqual([]);
      const filtered = (groupId: string, filterId: string) => ({
        target: {
          "@odata.type": "#microsoft.graph.groupAssignmentTarget",
          groupId,
          deviceAndAppManagementAssignmentFilterId: filterId,
          deviceAndAppManagementAssignmentFilterType: "include",
        },
      });
      const filter = "E1F2A3B4-C5D6-4E7F-8091-A2B3C4D5E6F7";
      expect(
        planAssignments([filtered(upper, filter)], [filtered(lower, filter.toLowerCase())]).changes,
      ).toEqual([]);
      const [change] = planAssignments([group(upper), group("c")], [group(lower)]).changes;
      expect(change!.patch).toEqual({
        groupsRequiringPartnerEnrollment: [group(lower), group("c")],
      });
    });

    it("compares a GUID-valued string regardless of case, and only when it is a GUID", () => {
      const plan = (declared: string, live: string) =>
        createPlan({
          desired: desiredState([
            desiredObject({
              kind: "DeviceManagementPartner",
              name: "jamf",
              match: { by: "displayName", displayName: "Jamf Pro" },
              spec: { singleTenantAppId: declared },
            }),
          ]),
          live: snapshot([
            collection(
              [
                liveObject("d21e377a-377a-d21e-7a37-1ed27a371ed2", {
                  displayName: "Jamf Pro",
                  singleTenantAppId: live,
                }),
              ],
              { kind: "DeviceManagementPartner" },
            ),
          ]),
          toolVersion: TOOL,
        });
      const app = "2C6E8A0B-4D1F-4E3A-9B5C-7D8E9F0A1B2C";
      expect(plan(app, app.toLowerCase()).changes).toEqual([]);
      expect(plan("App ID Value", "app id value").changes).toHaveLength(1);
      const [change] = plan(app, "2c6e8a0b-0000-4e3a-9b5c-7d8e9f0a1b2c").changes;
      expect(change!.patch).toEqual({ singleTenantAppId: app.toLowerCase() });
    });

    it("takes null for the empty set", () => {
      expect(planAssignments([], null).changes).toEqual([]);
      expect(planAssignments(null, []).changes).toEqual([]);
      expect(planAssignments([group("a")], null).changes).toHaveLength(1);
    });
  });

  describe("matching", () => {
    it("matches by id", () => {
      const plan = createPlan({
        desired: desiredState([
          desiredObject({ match: { by: "id", id: ID }, spec: { onboardingStatus: "onboarded" } }),
        ]),
        live: snapshot([
          collection([
            teamviewer({ displayName: "Renamed" }),
            liveObject("other", { displayName: "TeamViewer" }),
          ]),
        ]),
        toolVersion: TOOL,
      });
      expect(plan.changes.map((change) => change.liveId)).toEqual([ID]);
    });

    it("reports an object that matches nothing, with the live objects as candidates", () => {
      const plan = createPlan({
        desired: desiredState([desiredObject({ spec: { onboardingStatus: "onboarded" } })]),
        live: snapshot([
          collection([
            liveObject("b", { displayName: "teamviewer" }),
            liveObject("a", { displayName: "Other" }),
          ]),
        ]),
        toolVersion: TOOL,
      });
      expect(plan.changes).toEqual([]);
      expect(plan.unchangedCount).toBe(0);
      expect(plan.problems).toHaveLength(1);
      const [problem] = plan.problems;
      expect(problem).toMatchObject({
        code: "not-found",
        tenant: "contoso",
        address: "remoteAssistancePartner[contoso].teamviewer",
        summary: 'no live remoteAssistancePartner in tenant contoso has displayName "TeamViewer"',
        source: { file: "partners.yaml", line: 1, column: 1 },
      });
      expect(problem!.candidates).toEqual([
        { id: "a", displayName: "Other" },
        { id: "b", displayName: "teamviewer" },
      ]);
      expect(problem!.detail).toContain("create it in Intune first");
      expect(problem!.detail).toContain('"teamviewer" differs only in case');
    });

    it("says when the collection is empty", () => {
      const plan = createPlan({
        desired: desiredState([desiredObject()]),
        live: snapshot([collection([])]),
        toolVersion: TOOL,
      });
      expect(plan.problems[0]!.summary).toContain(
        "the tenant has no remoteAssistancePartner at all",
      );
      expect(plan.problems[0]!.candidates).toEqual([]);
    });

    it("hints at an applied rename", () => {
      const plan = createPlan({
        desired: desiredState([desiredObject({ spec: { displayName: "TeamViewer Tensor" } })]),
        live: snapshot([collection([teamviewer({ displayName: "TeamViewer Tensor" })])]),
        toolVersion: TOOL,
      });
      expect(plan.problems[0]!.code).toBe("not-found");
      expect(plan.problems[0]!.detail).toContain('renames it to "TeamViewer Tensor"');
    });

    it("never guesses between several objects with the same displayName", () => {
      const plan = createPlan({
        desired: desiredState([desiredObject({ spec: { onboardingStatus: "onboarded" } })]),
        live: snapshot([
          collection([
            liveObject("2", { displayName: "TeamViewer" }),
            liveObject("1", { displayName: "TeamViewer" }),
            liveObject("3", { displayName: "Other" }),
          ]),
        ]),
        toolVersion: TOOL,
      });
      expect(plan.changes).toEqual([]);
      expect(plan.problems).toEqual([
        expect.objectContaining({
          code: "ambiguous",
          summary:
            '2 live remoteAssistancePartner objects in tenant contoso have displayName "TeamViewer"',
          candidates: [
            { id: "1", displayName: "TeamViewer" },
            { id: "2", displayName: "TeamViewer" },
          ],
        }),
      ]);
      expect(plan.problems[0]!.detail).toContain("match by id instead");
    });

    it("counts an object repeated identically by paging once", () => {
      const plan = createPlan({
        desired: desiredState([desiredObject({ spec: { onboardingStatus: "onboarded" } })]),
        live: snapshot([collection([teamviewer(), teamviewer()])]),
        toolVersion: TOOL,
      });
      expect(plan.problems).toEqual([]);
      expect(plan.changes).toHaveLength(1);
    });

    it("compares repeated listings as JSON (key order aside), and only listings of one id", () => {
      const { id: _id, ...rest } = teamviewer();
      const reordered = { ...Object.fromEntries(Object.entries(rest).reverse()), id: ID };
      const once = createPlan({
        desired: desiredState([desiredObject({ spec: { onboardingStatus: "onboarded" } })]),
        live: snapshot([
          collection([liveObject("x", { displayName: "X" }), teamviewer()]),
          collection([reordered, liveObject("y", { displayName: "Y" })]),
        ]),
        toolVersion: TOOL,
      });
      expect(once.problems).toEqual([]);
      expect(once.changes.map((change) => change.liveId)).toEqual([ID]);
      const twice = createPlan({
        desired: desiredState([desiredObject({ spec: { onboardingStatus: "onboarded" } })]),
        live: snapshot([
          collection([teamviewer(), teamviewer({ onboardingStatus: "onboarding" })]),
        ]),
        toolVersion: TOOL,
      });
      expect(twice.changes).toEqual([]);
      expect(twice.problems.map((problem) => problem.code)).toEqual(["ambiguous"]);
    });

    it("refuses two declarations of one live object", () => {
      const plan = createPlan({
        desired: desiredState([
          desiredObject({ name: "by-name", spec: { onboardingStatus: "onboarded" } }),
          desiredObject({
            name: "by-id",
            match: { by: "id", id: ID },
            spec: { onboardingStatus: "onboarding" },
          }),
          desiredObject({
            name: "fine",
            match: { by: "id", id: "x" },
            spec: { onboardingStatus: "onboarded" },
          }),
        ]),
        live: snapshot([collection([teamviewer(), liveObject("x", { displayName: "X" })])]),
        toolVersion: TOOL,
      });
      expect(plan.changes.map((change) => change.name)).toEqual(["fine"]);
      expect(plan.problems.map((problem) => [problem.code, problem.address])).toEqual([
        ["duplicate-match", "remoteAssistancePartner[contoso].by-id"],
        ["duplicate-match", "remoteAssistancePartner[contoso].by-name"],
      ]);
      expect(plan.problems[0]!.summary).toContain("remoteAssistancePartner[contoso].by-name");
    });
  });

  describe("failed reads and tenant selection", () => {
    const objects = [
      desiredObject({ tenant: "contoso", spec: { onboardingStatus: "onboarded" } }),
      desiredObject({ tenant: "fabrikam", spec: { onboardingStatus: "onboarded" } }),
      desiredObject({
        tenant: "fabrikam",
        kind: "DeviceManagementPartner",
        name: "jamf",
        match: { by: "displayName", displayName: "Jamf" },
        spec: { partnerAppType: "multiTenantApp" },
      }),
    ];
    const live = [
      collection([teamviewer()], { tenant: "contoso" }),
      collection([teamviewer()], { tenant: "fabrikam" }),
      collection([liveObject("j", { displayName: "Jamf", partnerAppType: "multiTenantApp" })], {
        tenant: "fabrikam",
        kind: "DeviceManagementPartner",
      }),
    ];

    it("reports one problem per failed tenant and still plans the others", () => {
      const plan = createPlan({
        desired: desiredState(objects),
        live: snapshot(live.slice(0, 1), [
          {
            tenant: "fabrikam",
            message: "AADSTS7000215: Invalid client secret provided.",
            status: 401,
          },
        ]),
        toolVersion: TOOL,
      });
      expect(plan.changes.map((change) => change.tenant)).toEqual(["contoso"]);
      expect(plan.problems).toHaveLength(1);
      expect(plan.problems[0]).toMatchObject({
        code: "read-failed",
        tenant: "fabrikam",
        summary: "could not read tenant fabrikam: AADSTS7000215: Invalid client secret provided.",
      });
      expect(plan.problems[0]!.address).toBeUndefined();
      expect(plan.problems[0]!.detail).toContain("2 declared objects were not planned");
    });

    it("limits a collection's failure to that collection", () => {
      const plan = createPlan({
        desired: desiredState(objects),
        live: snapshot(live.slice(0, 2), [
          {
            tenant: "fabrikam",
            kind: "DeviceManagementPartner",
            graphVersion: "beta",
            message: "Forbidden: Application is not authorized (request-id abc)",
            status: 403,
          },
        ]),
        toolVersion: TOOL,
      });
      expect(plan.changes.map((change) => change.address)).toEqual([
        "remoteAssistancePartner[contoso].teamviewer",
        "remoteAssistancePartner[fabrikam].teamviewer",
      ]);
      expect(plan.problems[0]!.summary).toBe(
        "could not read deviceManagementPartner (beta) in tenant fabrikam: Forbidden: Application is not authorized (request-id abc)",
      );
      expect(plan.problems[0]!.detail).toContain("DeviceManagementServiceConfig.Read.All");
      expect(plan.problems[0]!.detail).toContain("1 declared object was not planned");
    });

    it("reports a collection missing from the snapshot as a failed read, not as not-found", () => {
      const plan = createPlan({
        desired: desiredState(objects),
        live: snapshot(live.slice(0, 2)),
        toolVersion: TOOL,
      });
      expect(plan.problems.map((problem) => problem.code)).toEqual(["read-failed"]);
      expect(plan.problems[0]!.summary).toContain(
        "deviceManagementPartner (beta) in tenant fabrikam",
      );
    });

    it("plans only the selected tenants", () => {
      const plan = createPlan({
        desired: desiredState(objects),
        live: snapshot(live, [{ tenant: "contoso", message: "down" }]),
        toolVersion: TOOL,
        tenants: ["fabrikam"],
      });
      expect(plan.tenants).toEqual(["fabrikam"]);
      expect(plan.changes.map((change) => change.tenant)).toEqual(["fabrikam"]);
      expect(plan.unchangedByTenant).toEqual({ fabrikam: 1 });
      expect(plan.problems).toEqual([]);
    });

    it("records the versions and digest it was made with", () => {
      const plan = createPlan({
        desired: desiredState(objects),
        live: snapshot(live),
        toolVersion: "9.9.9",
      });
      expect(plan).toMatchObject({
        formatVersion: 1,
        toolVersion: "9.9.9",
        configDigest: "c0ffee",
      });
      expect(plan.tenants).toEqual(["contoso", "fabrikam"]);
    });
  });

  describe("the seed pages' example requests as desired state", () => {
    const pages = loadSeedPages();

    /** The example request as a declared spec: everything but `id` and annotations. */
    const specOf = (page: SeedPage) =>
      Object.fromEntries(
        Object.entries(page.request).filter(([key]) => key !== "id" && !key.startsWith("@odata.")),
      ) as Record<string, JsonValue>;

    /** A plan of one object, declared with `spec` and matched by id, against one live object. */
    const planOne = (
      page: SeedPage,
      spec: Record<string, JsonValue>,
      live: JsonObject & { id: string },
    ) => {
      const resource = RESOURCES.find((candidate) => candidate.graphType === page.graphType)!;
      return createPlan({
        desired: desiredState([
          desiredObject({
            kind: resource.kind,
            graphVersion: page.graphVersion,
            match: { by: "id", id: live.id },
            spec,
          }),
        ]),
        live: snapshot([
          collection([live], { kind: resource.kind, graphVersion: page.graphVersion }),
        ]),
        toolVersion: TOOL,
      });
    };

    it.each(pages.map((page) => [page.file, page] as const))("%s", (_file, page) => {
      const resource = RESOURCES.find((candidate) => candidate.graphType === page.graphType)!;
      const spec = specOf(page);
      const properties = Object.keys(spec);
      expect(properties.length).toBeGreaterThan(2);
      const definition = (name: string) => findProperty(resource, page.graphVersion, name)!;

      // Every other property drifted; the rest equal but written as Graph returns them (UTC).
      const drifted = properties.filter((_, index) => index % 2 === 0);
      const live: JsonObject = {
        ...(page.response as JsonObject),
        id: "live-id",
        displayName: "Live",
      };
      for (const name of properties) {
        live[name] = drifted.includes(name)
          ? driftedValueOf(definition(name), spec[name]!)
          : utc(definition(name).type.kind, spec[name]!);
      }
      const plan = planOne(page, spec, live as typeof live & { id: string });
      const expected = Object.fromEntries(
        Object.entries(page.request).filter(([key]) => drifted.includes(key)),
      );
      expect(plan.changes).toHaveLength(1);
      expect(plan.changes[0]!.patch).toEqual(expected);
      expect(JSON.stringify(Object.keys(plan.changes[0]!.patch).sort())).toBe(
        JSON.stringify(drifted.sort()),
      );

      // All drifted: the PATCH is the example request minus `@odata.type` and `id`.
      for (const name of properties) live[name] = driftedValueOf(definition(name), spec[name]!);
      const all = planOne(page, spec, live as typeof live & { id: string });
      expect(all.changes[0]!.patch).toEqual(spec);
    });

    it("finds nothing to change when the live object is the example response", () => {
      for (const page of pages) {
        const plan = planOne(page, specOf(page), page.response as JsonObject & { id: string });
        expect(plan.changes, page.file).toEqual([]);
        expect(plan.unchangedCount, page.file).toBe(1);
      }
    });
  });

  describe("properties", () => {
    it("plans nothing for a live state built from the desired one", () => {
      fc.assert(
        fc.property(worldArbitrary(), (world) => {
          const plan = createPlan({ desired: world.desired, live: world.live, toolVersion: TOOL });
          expect(plan.problems).toEqual([]);
          expect(plan.changes).toEqual([]);
          expect(plan.unchangedCount).toBe(world.desired.objects.length);
        }),
        { numRuns: 300 },
      );
    });

    it("changes exactly the drifted properties, sending their declared values", () => {
      fc.assert(
        fc.property(worldArbitrary({ drift: true }), (world) => {
          const plan = createPlan({ desired: world.desired, live: world.live, toolVersion: TOOL });
          expect(plan.problems).toEqual([]);
          const changed = new Map(
            plan.changes.map((change) => [change.address, change.changes.map((c) => c.property)]),
          );
          for (const [address, properties] of world.drifted) {
            expect(changed.get(address)?.slice().sort(), address).toEqual([...properties].sort());
          }
          expect(changed.size).toBe(world.drifted.size);
          expect(plan.unchangedCount).toBe(world.desired.objects.length - world.drifted.size);
          for (const change of plan.changes) {
            const object = world.desired.objects.find(
              (candidate) =>
                candidate.tenant === change.tenant &&
                candidate.name === change.name &&
                candidate.kind === change.kind,
            )!;
            const properties = change.changes.map((c) => c.property);
            expect(change.patch).toEqual(
              Object.fromEntries(properties.map((p) => [p, object.spec[p]!])),
            );
            expect(Object.keys(change.patch)).not.toContain("id");
          }
        }),
        { numRuns: 300 },
      );
    });

    it("does not depend on the order of objects, collections and failures", () => {
      fc.assert(
        fc.property(
          worldArbitrary({ drift: true }),
          fc.array(fc.nat(), { maxLength: 3 }),
          fc.nat(),
          (world, failurePicks, seed) => {
            const failing = withFailures(world, failurePicks);
            const a = createPlan({
              desired: failing.desired,
              live: failing.live,
              toolVersion: TOOL,
            });
            const shuffled = shuffledWorld(failing, seed);
            const b = createPlan({
              desired: shuffled.desired,
              live: shuffled.live,
              toolVersion: TOOL,
            });
            expect(b).toEqual(a);
            expect(JSON.stringify(b)).toBe(JSON.stringify(a));
          },
        ),
        { numRuns: 200 },
      );
    });
  });
});

/** A declared value as Graph returns it: dates in UTC with 7 digits. */
function utc(kind: string, value: JsonValue): JsonValue {
  if (kind !== "dateTimeOffset" || typeof value !== "string") return value;
  return canonicalDateTimeOffset(value) ?? value;
}

describe("createPlan's comparedByObject", () => {
  it("counts, per declared object, the tenants it was compared in, drifted or not", () => {
    const objects = ["contoso", "fabrikam", "tailspin"].map((name) =>
      desiredObject({ tenant: name, spec: { onboardingStatus: "onboarded" } }),
    );
    const plan = createPlan({
      desired: desiredState(objects),
      live: snapshot([
        collection([teamviewer({ onboardingStatus: "onboarded" })], { tenant: "contoso" }),
        collection([teamviewer({ onboardingStatus: "notOnboarded" })], { tenant: "fabrikam" }),
        // tailspin's TeamViewer is not there: not compared.
        collection([], { tenant: "tailspin" }),
      ]),
      toolVersion: TOOL,
    });
    expect(plan.comparedByObject).toStrictEqual({ "remoteAssistancePartner.teamviewer": 2 });
  });
});
