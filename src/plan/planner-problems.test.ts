import { describe, expect, it } from "vitest";
import {
  collection,
  desiredObject,
  desiredState,
  liveObject,
  snapshot,
} from "../../test/helpers/plan-builders.ts";
import type { LiveObject } from "../live-object.ts";
import type { LiveReadFailure, PlanProblem } from "./model.ts";
import { createPlan, patchValue } from "./planner.ts";

/**
 * The problems `createPlan` reports instead of planning an object: what each says and what it
 * tells the reader to do. A problem is the whole output for that object, so its words are the
 * behaviour: each case checks the full summary and detail.
 */

const TOOL = "0.1.0";
const NOT_PLANNED_ONE = "1 declared object was not planned.";
const OTHERS = "The other tenants were planned.";

const teamviewer = (tenant: string) =>
  desiredObject({ tenant, spec: { onboardingStatus: "onboarded" } });
const liveTeamviewer = (tenant: string) =>
  collection([liveObject(`${tenant}-id`, { displayName: "TeamViewer" })], { tenant });

/** The one problem of planning contoso (read) and fabrikam (whose read fails with `failure`). */
function fabrikamProblem(failure: Omit<LiveReadFailure, "tenant">): PlanProblem {
  const plan = createPlan({
    desired: desiredState([teamviewer("contoso"), teamviewer("fabrikam")]),
    live: snapshot([liveTeamviewer("contoso")], [{ tenant: "fabrikam", ...failure }]),
    toolVersion: TOOL,
  });
  expect(plan.changes.map((change) => change.tenant)).toEqual(["contoso"]);
  expect(plan.problems).toHaveLength(1);
  return plan.problems[0]!;
}

describe("a tenant that could not be read: what happened, and the fix for its cause", () => {
  const CREDENTIALS =
    "Check tenant fabrikam's tenantId, cloud and auth settings, and that the credential they name (secret, certificate or federated credential) is set and valid.";
  const PERMISSIONS =
    "An administrator of tenant fabrikam must grant the app the Microsoft Graph application permission named above (DeviceManagementServiceConfig.Read.All to plan, DeviceManagementServiceConfig.ReadWrite.All to apply) with admin consent.";
  const OUTAGE = "Microsoft Graph is throttling or failing: run again later; if it lasts,";
  const REFUSED = "Graph refused the request: its message above says why";

  it.each<[string, Omit<LiveReadFailure, "tenant" | "message">, string, string]>([
    ["credentials", { cause: "credentials" }, "could not sign in to tenant fabrikam", CREDENTIALS],
    ["permissions", { cause: "permissions" }, "not permitted in tenant fabrikam", PERMISSIONS],
    [
      "configuration",
      { cause: "configuration" },
      "tenant fabrikam was not contacted",
      "Fix the setting named above (or pass the flag it names), then run again.",
    ],
    [
      "network",
      { cause: "network" },
      "could not read tenant fabrikam",
      "Check that this machine can reach the endpoint (DNS, firewall, HTTPS_PROXY / NO_PROXY), then run again.",
    ],
    [
      "graph-outage, with a request-id",
      { cause: "graph-outage", requestId: "r-1" },
      "could not read tenant fabrikam",
      `${OUTAGE} quote the request-id r-1 to Microsoft support.`,
    ],
    [
      "graph-outage, without one",
      { cause: "graph-outage" },
      "could not read tenant fabrikam",
      `${OUTAGE} quote the request-id to Microsoft support.`,
    ],
    ["graph-error", { cause: "graph-error" }, "could not read tenant fabrikam", `${REFUSED}.`],
    [
      "graph-error, with a request-id",
      { cause: "graph-error", requestId: "r-2" },
      "could not read tenant fabrikam",
      `${REFUSED}; quote the request-id r-2 if you ask Microsoft support.`,
    ],
  ])("%s", (_name, failure, what, advice) => {
    expect(fabrikamProblem({ message: "boom", ...failure })).toEqual({
      code: "read-failed",
      tenant: "fabrikam",
      summary: `${what}: boom`,
      detail: `${advice} ${NOT_PLANNED_ONE} ${OTHERS}`,
      cause: failure.cause,
    });
  });

  it.each<[number | undefined, string]>([
    [401, CREDENTIALS],
    [403, PERMISSIONS],
    [429, `${OUTAGE} quote the request-id to Microsoft support.`],
    [500, `${OUTAGE} quote the request-id to Microsoft support.`],
    [503, `${OUTAGE} quote the request-id to Microsoft support.`],
    [499, `${REFUSED}.`],
    [400, `${REFUSED}.`],
    [undefined, `${REFUSED}.`],
  ])(
    "a failure recorded with status %s and no cause gets that status's advice",
    (status, advice) => {
      const problem = fabrikamProblem({
        message: "boom",
        ...(status === undefined ? {} : { status }),
      });
      // Without a cause the summary stays neutral, and the problem carries no cause key.
      expect(problem).toStrictEqual({
        code: "read-failed",
        tenant: "fabrikam",
        summary: "could not read tenant fabrikam: boom",
        detail: `${advice} ${NOT_PLANNED_ONE} ${OTHERS}`,
      });
    },
  );

  it("names the collection that failed, its version or all versions", () => {
    expect(
      fabrikamProblem({ kind: "RemoteAssistancePartner", message: "boom", cause: "network" })
        .summary,
    ).toBe("could not read remoteAssistancePartner (all versions) in tenant fabrikam: boom");
    expect(
      fabrikamProblem({
        kind: "RemoteAssistancePartner",
        graphVersion: "beta",
        message: "boom",
        cause: "credentials",
      }).summary,
    ).toBe("could not read remoteAssistancePartner (beta) in tenant fabrikam: boom");
  });

  it("says the tenant once, whatever the message already says", () => {
    const summaryOf = (message: string) => fabrikamProblem({ message }).summary;
    expect(summaryOf("tenant fabrikam: token refused")).toBe(
      "could not read tenant fabrikam: token refused",
    );
    expect(summaryOf("tenant fabrikam (app 9a3c): token refused")).toBe(
      "could not read tenant fabrikam: token refused",
    );
    // Another tenant's name that starts the same, or no separator: the message is kept whole.
    expect(summaryOf("tenant fabrikam-eu: token refused")).toBe(
      "could not read tenant fabrikam: tenant fabrikam-eu: token refused",
    );
    expect(summaryOf("tenant fabrikam refused the token")).toBe(
      "could not read tenant fabrikam: tenant fabrikam refused the token",
    );
  });

  it("counts the objects not planned, and mentions other tenants only when one was planned", () => {
    const plan = createPlan({
      desired: desiredState([
        teamviewer("fabrikam"),
        desiredObject({ tenant: "fabrikam", kind: "DeviceManagementPartner", name: "jamf" }),
      ]),
      live: snapshot([], [{ tenant: "fabrikam", message: "boom", cause: "network" }]),
      toolVersion: TOOL,
    });
    expect(plan.problems.map((problem) => problem.detail)).toEqual([
      "Check that this machine can reach the endpoint (DNS, firewall, HTTPS_PROXY / NO_PROXY), then run again. 2 declared objects were not planned.",
    ]);
    // Both tenants lost: nobody else was planned. A tenant with nothing declared: no count.
    const both = createPlan({
      desired: desiredState([teamviewer("contoso")], ["contoso", "fabrikam"]),
      live: snapshot(
        [],
        [
          { tenant: "contoso", message: "boom", cause: "network" },
          { tenant: "fabrikam", message: "boom", cause: "network" },
        ],
      ),
      toolVersion: TOOL,
    });
    expect(both.problems.map((problem) => problem.detail)).toEqual([
      `Check that this machine can reach the endpoint (DNS, firewall, HTTPS_PROXY / NO_PROXY), then run again. ${NOT_PLANNED_ONE}`,
      "Check that this machine can reach the endpoint (DNS, firewall, HTTPS_PROXY / NO_PROXY), then run again.",
    ]);
  });

  it("says the other tenants were planned when a tenant lost only a collection", () => {
    const plan = createPlan({
      desired: desiredState([teamviewer("contoso"), teamviewer("fabrikam")]),
      live: snapshot(
        [],
        [
          { tenant: "contoso", kind: "RemoteAssistancePartner", message: "boom", cause: "network" },
          { tenant: "fabrikam", message: "boom", cause: "network" },
        ],
      ),
      toolVersion: TOOL,
    });
    expect(plan.problems.map((problem) => problem.detail.endsWith(OTHERS))).toEqual([false, true]);
  });

  it("names a kind it does not know as the failure gives it", () => {
    const plan = createPlan({
      desired: desiredState([teamviewer("contoso")]),
      live: snapshot(
        [liveTeamviewer("contoso")],
        [{ tenant: "contoso", kind: "FuturePartner", graphVersion: "beta", message: "boom" }],
      ),
      toolVersion: TOOL,
    });
    expect(plan.problems.map((problem) => problem.summary)).toEqual([
      "could not read FuturePartner (beta) in tenant contoso: boom",
    ]);
  });

  it("keeps a message whose first words only look like a tenant prefix", () => {
    // "Forbidden (403)" is as long as "tenant fabrikam": only the real prefix is cut.
    expect(fabrikamProblem({ message: "Forbidden (403): not authorized" }).summary).toBe(
      "could not read tenant fabrikam: Forbidden (403): not authorized",
    );
  });
});

describe("a declared object that matches no live object, or several", () => {
  const planAgainst = (
    objects: readonly LiveObject[],
    options: Parameters<typeof desiredObject>[0] = {},
  ) =>
    createPlan({
      desired: desiredState([
        desiredObject({ spec: { onboardingStatus: "onboarded" }, ...options }),
      ]),
      live: snapshot([collection(objects)]),
      toolVersion: TOOL,
    });
  const SOURCE = { file: "partners.yaml", line: 1, column: 1 };
  const CREATE_IT =
    "intune-gitops only updates existing objects: create it in Intune first, or set metadata.match.displayName to the exact (case-sensitive) displayName of one of the live objects listed.";

  it("says when the tenant has none of that kind at all", () => {
    expect(planAgainst([]).problems).toEqual([
      {
        code: "not-found",
        tenant: "contoso",
        address: "remoteAssistancePartner[contoso].teamviewer",
        source: SOURCE,
        summary:
          'no live remoteAssistancePartner in tenant contoso has displayName "TeamViewer" (the tenant has no remoteAssistancePartner at all)',
        detail: CREATE_IT,
        candidates: [],
      },
    ]);
  });

  it("lists the live objects as candidates, named ones first by name, then by id", () => {
    const live = [
      liveObject("z", { displayName: "Zebra" }),
      liveObject("1"),
      liveObject("y", { displayName: "Alpha" }),
      liveObject("0"),
      liveObject("x", { displayName: "Alpha" }),
    ];
    // The same list whatever order Graph listed them in.
    expect(planAgainst([...live].reverse()).problems[0]?.candidates).toEqual(
      planAgainst(live).problems[0]?.candidates,
    );
    const [problem] = planAgainst(live).problems;
    expect(problem?.summary).toBe(
      'no live remoteAssistancePartner in tenant contoso has displayName "TeamViewer"',
    );
    expect(problem?.detail).toBe(CREATE_IT);
    expect(problem?.candidates).toEqual([
      { id: "x", displayName: "Alpha" },
      { id: "y", displayName: "Alpha" },
      { id: "z", displayName: "Zebra" },
      { id: "0", displayName: null },
      { id: "1", displayName: null },
    ]);
  });

  it("points at a name that differs only in case, the first in order", () => {
    const live = [
      liveObject("1", { displayName: "teamviewer" }),
      liveObject("2", { displayName: "TEAMVIEWER" }),
    ];
    expect(planAgainst(live).problems[0]?.detail).toBe(
      `${CREATE_IT} "TEAMVIEWER" differs only in case.`,
    );
  });

  it("points at a rename already applied, only when a live object has the new name", () => {
    const spec = { displayName: "TeamViewer Tensor" };
    const renamed = planAgainst(
      [
        liveObject("2", { displayName: "Other" }),
        liveObject("1", { displayName: "TeamViewer Tensor" }),
      ],
      { spec },
    );
    expect(renamed.problems[0]?.detail).toBe(
      `${CREATE_IT} The spec renames it to "TeamViewer Tensor" and a live object has that name: if the rename was applied, update metadata.match.displayName (or match by id).`,
    );
    const notYet = planAgainst([liveObject("1", { displayName: "Other" })], { spec });
    expect(notYet.problems[0]?.detail).toBe(CREATE_IT);
    // A spec that clears the name is no rename, even next to a live object without one.
    const cleared = planAgainst([liveObject("1")], { spec: { displayName: null } });
    expect(cleared.problems[0]?.detail).toBe(CREATE_IT);
  });

  it("by id: says which id, and what to check", () => {
    const problem = planAgainst([liveObject("1", { displayName: "TeamViewer" })], {
      match: { by: "id", id: "2" },
    }).problems[0];
    expect(problem?.summary).toBe('no live remoteAssistancePartner in tenant contoso has id "2"');
    expect(problem?.detail).toBe(
      "Check metadata.match.id against the live objects listed (ids differ between tenants: match by displayName for an object declared in several tenants).",
    );
  });

  it("several by displayName: will not guess; the same id twice: a Graph fault", () => {
    const twins = [
      liveObject("2", { displayName: "TeamViewer" }),
      liveObject("1", { displayName: "TeamViewer" }),
    ];
    expect(planAgainst(twins).problems).toEqual([
      {
        code: "ambiguous",
        tenant: "contoso",
        address: "remoteAssistancePartner[contoso].teamviewer",
        source: SOURCE,
        summary:
          '2 live remoteAssistancePartner objects in tenant contoso have displayName "TeamViewer"',
        detail:
          "intune-gitops will not guess which one to manage: match by id instead (metadata.match: { id: <one of the ids listed> }), or rename the others in Intune so the displayName is unique.",
        candidates: [
          { id: "1", displayName: "TeamViewer" },
          { id: "2", displayName: "TeamViewer" },
        ],
      },
    ]);
    const sameId = [
      liveObject("1", { displayName: "TeamViewer" }),
      liveObject("1", { displayName: "TeamViewer 2" }),
    ];
    const [problem] = planAgainst(sameId, { match: { by: "id", id: "1" } }).problems;
    expect(problem?.summary).toBe(
      '2 live remoteAssistancePartner objects in tenant contoso have id "1"',
    );
    expect(problem?.detail).toBe(
      "Graph listed the same id more than once, which it should never do: run plan again, and report it if it persists.",
    );
  });

  it("two declarations of one live object: neither is planned, each names the others", () => {
    const objects = ["c", "a", "b"].map((name) =>
      desiredObject({ name, spec: { onboardingStatus: "onboarded" } }),
    );
    const plan = createPlan({
      desired: desiredState(objects),
      live: snapshot([collection([liveObject("1", { displayName: "TeamViewer" })])]),
      toolVersion: TOOL,
    });
    expect(plan.changes).toEqual([]);
    expect(plan.problems.map((problem) => [problem.code, problem.summary])).toEqual([
      [
        "duplicate-match",
        "matches the same live remoteAssistancePartner (id 1) as remoteAssistancePartner[contoso].b, remoteAssistancePartner[contoso].c",
      ],
      [
        "duplicate-match",
        "matches the same live remoteAssistancePartner (id 1) as remoteAssistancePartner[contoso].a, remoteAssistancePartner[contoso].c",
      ],
      [
        "duplicate-match",
        "matches the same live remoteAssistancePartner (id 1) as remoteAssistancePartner[contoso].a, remoteAssistancePartner[contoso].b",
      ],
    ]);
    expect(plan.problems[0]?.detail).toBe(
      "A live object can be managed by one declaration only: merge the declarations, or change metadata.match so that each matches a different object.",
    );
    expect(plan.problems[0]?.candidates).toEqual([{ id: "1", displayName: "TeamViewer" }]);
  });
});

describe("which objects a failed read holds back", () => {
  it("a failed collection holds back its kind and version only", () => {
    const objects = [
      desiredObject({ name: "beta", spec: { onboardingStatus: "onboarded" } }),
      desiredObject({ name: "v1", graphVersion: "v1.0", spec: { onboardingStatus: "onboarded" } }),
      desiredObject({
        kind: "DeviceManagementPartner",
        name: "jamf",
        match: { by: "displayName", displayName: "Jamf" },
        spec: { isConfigured: true },
      }),
    ];
    const plan = createPlan({
      desired: desiredState(objects),
      live: snapshot(
        [
          collection([liveObject("1", { displayName: "TeamViewer" })], { graphVersion: "v1.0" }),
          collection([liveObject("2", { displayName: "Jamf" })], {
            kind: "DeviceManagementPartner",
          }),
        ],
        [
          {
            tenant: "contoso",
            kind: "RemoteAssistancePartner",
            graphVersion: "beta",
            message: "boom",
            cause: "graph-error",
          },
        ],
      ),
      toolVersion: TOOL,
    });
    expect(plan.changes.map((change) => change.address)).toEqual([
      "deviceManagementPartner[contoso].jamf",
      "remoteAssistancePartner[contoso].v1",
    ]);
    expect(plan.problems.map((problem) => problem.detail)).toEqual([
      "Graph refused the request: its message above says why. 1 declared object was not planned.",
    ]);
  });

  it("a collection nobody read is one problem for all the objects that needed it", () => {
    const objects = ["a", "b"].map((name) =>
      desiredObject({ name, spec: { onboardingStatus: "onboarded" } }),
    );
    const plan = createPlan({
      desired: desiredState(objects),
      live: snapshot([]),
      toolVersion: TOOL,
    });
    expect(plan.problems).toEqual([
      {
        code: "read-failed",
        tenant: "contoso",
        summary:
          "could not read remoteAssistancePartner (beta) in tenant contoso: the collection was not read (this is a bug in intune-gitops: please report it)",
        detail:
          "Graph refused the request: its message above says why. 2 declared objects were not planned.",
      },
    ]);
  });
});

describe("patchValue: a declared value as the PATCH sends it", () => {
  const assignments = { kind: "assignments" } as const;
  const GROUP_TYPE = "#microsoft.graph.groupAssignmentTarget";

  it("sends each target with its canonical @odata.type, no other annotation, GUID members lower-case", () => {
    const declared = [
      {
        "@odata.type": "microsoft.graph.deviceManagementPartnerAssignment",
        target: {
          "@odata.type": "microsoft.graph.groupAssignmentTarget",
          "groupId@odata.bind": "x",
          groupId: "4F1C2D3E-8A9B-4C7D-9E0F-1A2B3C4D5E6F",
          deviceAndAppManagementAssignmentFilterType: "include",
          deviceAndAppManagementAssignmentFilterId: 7,
        },
      },
    ];
    expect(patchValue(assignments, declared)).toEqual([
      {
        target: {
          "@odata.type": GROUP_TYPE,
          groupId: "4f1c2d3e-8a9b-4c7d-9e0f-1a2b3c4d5e6f",
          deviceAndAppManagementAssignmentFilterType: "include",
          deviceAndAppManagementAssignmentFilterId: 7,
        },
      },
    ]);
  });

  it("leaves what it cannot read as it was written", () => {
    expect(patchValue(assignments, [{ target: "x" }, 5])).toEqual([{ target: "x" }, 5]);
    expect(patchValue(assignments, { target: {} })).toEqual({ target: {} });
    expect(patchValue(assignments, [{ target: { "@odata.type": 5, groupId: "G" } }])).toEqual([
      { target: { groupId: "G" } },
    ]);
    expect(patchValue({ kind: "string", holds: "guid" }, 5)).toBe(5);
    expect(patchValue({ kind: "string" }, "2C6E8A0B-4D1F-4E3A-9B5C-7D8E9F0A1B2C")).toBe(
      "2C6E8A0B-4D1F-4E3A-9B5C-7D8E9F0A1B2C",
    );
    expect(patchValue({ kind: "url" }, "2C6E8A0B-4D1F-4E3A-9B5C-7D8E9F0A1B2C")).toBe(
      "2C6E8A0B-4D1F-4E3A-9B5C-7D8E9F0A1B2C",
    );
    const appTarget = {
      "@odata.type": "#microsoft.graph.futureTarget",
      appId: "2C6E8A0B-4D1F-4E3A-9B5C-7D8E9F0A1B2C",
    };
    expect(patchValue(assignments, [{ target: appTarget }])).toEqual([{ target: appTarget }]);
    expect(
      patchValue({ kind: "string", holds: "guid" }, "2C6E8A0B-4D1F-4E3A-9B5C-7D8E9F0A1B2C"),
    ).toBe("2c6e8a0b-4d1f-4e3a-9b5c-7d8e9f0a1b2c");
  });
});

describe("an observed object", () => {
  it("is planned with mode observe; a managed one carries no mode", () => {
    const live = snapshot([collection([liveObject("1", { displayName: "TeamViewer" })])]);
    const spec = { onboardingStatus: "onboarded" };
    const observed = createPlan({
      desired: desiredState([{ ...desiredObject({ spec }), mode: "observe" }]),
      live,
      toolVersion: TOOL,
    });
    expect(observed.changes.map((change) => change.mode)).toEqual(["observe"]);
    const managed = createPlan({
      desired: desiredState([desiredObject({ spec })]),
      live,
      toolVersion: TOOL,
    });
    expect(managed.changes).toHaveLength(1);
    expect("mode" in managed.changes[0]!).toBe(false);
  });
});
