import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { withFailures, worldArbitrary } from "../../test/helpers/plan-arbitraries.ts";
import {
  change,
  collection,
  desiredObject,
  desiredState,
  liveObject,
  plan as planOf,
  problem,
  snapshot,
  tenant,
} from "../../test/helpers/plan-builders.ts";
import { clearRegisteredSecretsForTests, registerSecret } from "../redact.ts";
import { canonicalJson, sha256Hex } from "../canonical-json.ts";
import type { Plan } from "./model.ts";
import { parsePlanFile, serializePlanFile } from "./plan-file.ts";
import { createPlan } from "./planner.ts";
import { redactPlan } from "./redact-plan.ts";

const TOOL = "0.1.0";

const samplePlan: Plan = planOf({
  changes: [
    change({ declaredProperties: ["onboardingUrl", "onboardingStatus"] }),
    change({
      address: "deviceManagementPartner[contoso].jamf",
      kind: "DeviceManagementPartner",
      graphType: "deviceManagementPartner",
      name: "jamf",
      collectionPath: "/deviceManagement/deviceManagementPartners",
      liveId: "d21e377a-377a-d21e-7a37-1ed27a371ed2",
      changes: [
        {
          property: "groupsRequiringPartnerEnrollment",
          before: [],
          after: [
            { target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: "g" } },
          ],
        },
      ],
      patch: {
        groupsRequiringPartnerEnrollment: [
          { target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: "g" } },
        ],
      },
    }),
  ].sort((a, b) => (a.address < b.address ? -1 : 1)),
  unchangedCount: 3,
  unchangedByTenant: { contoso: 3 },
  problems: [problem({ source: { file: "a.yaml", line: 2, column: 1 } })],
});

/** The file's JSON with `edit` applied to its plan and the checksum made right again. */
function tampered(edit: (plan: any) => void): string {
  const file = JSON.parse(serializePlanFile(samplePlan));
  edit(file.plan);
  file.checksum = sha256Hex(canonicalJson(file.plan));
  return JSON.stringify(file);
}

function errorOf(text: string, toolVersion = TOOL): string {
  const result = parsePlanFile(text, { toolVersion });
  if (!("error" in result)) throw new Error("expected the plan file to be refused");
  return result.error;
}

describe("plan files", () => {
  it("records where and when the plan was made, and refuses a malformed record", () => {
    const origin = {
      createdAt: "2026-12-07T05:00:00.000Z",
      configCommit: "0123456789abcdef0123456789abcdef01234567",
      configModified: true,
    };
    const text = serializePlanFile(samplePlan, origin);
    expect(JSON.parse(text)).toMatchObject({
      created_at: "2026-12-07T05:00:00.000Z",
      config_commit: "0123456789abcdef0123456789abcdef01234567",
      config_modified: true,
    });
    expect(parsePlanFile(text, { toolVersion: TOOL })).toEqual({ plan: samplePlan, origin });
    const noCommit = { ...origin, configCommit: null, configModified: false };
    expect(parsePlanFile(serializePlanFile(samplePlan, noCommit), { toolVersion: TOOL })).toEqual({
      plan: samplePlan,
      origin: noCommit,
    });
    for (const bad of [
      { config_commit: "HEAD" },
      { created_at: "yesterday" },
      { config_modified: "no" },
    ]) {
      const tampered = JSON.stringify({ ...JSON.parse(text), ...bad });
      expect(parsePlanFile(tampered, { toolVersion: TOOL }), JSON.stringify(bad)).toEqual({
        error: expect.stringContaining("created_at, config_commit or config_modified is not valid"),
      });
    }
  });

  it("round-trips a plan", () => {
    const text = serializePlanFile(samplePlan);
    const file = JSON.parse(text);
    expect(Object.keys(file)).toEqual([
      "intune_gitops_plan",
      "tool_version",
      "config_digest",
      "plan",
      "checksum",
    ]);
    expect(file).toMatchObject({
      intune_gitops_plan: 2,
      tool_version: TOOL,
      config_digest: "c0ffee",
    });
    expect(Object.keys(file.plan)).toEqual([
      "tool_version",
      "config_digest",
      "tenants",
      "changes",
      "unchanged_count",
      "unchanged_by_tenant",
      "problems",
    ]);
    expect(Object.keys(file.plan.changes[0])).toEqual([
      "address",
      "kind",
      "graph_type",
      "name",
      "tenant",
      "graph_version",
      "collection_path",
      "live_id",
      "live_display_name",
      "property_changes",
      "patch",
      "fingerprint",
    ]);
    expect(file.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(text.endsWith("}\n")).toBe(true);
    expect(parsePlanFile(text, { toolVersion: TOOL })).toEqual({ plan: samplePlan });
  });

  it("spells every key of its own in snake_case; Graph's names inside values stay Graph's", () => {
    const plan = createPlan({
      desired: desiredState([
        desiredObject({ spec: { onboardingStatus: "onboarded" } }),
        desiredObject({
          name: "gone",
          match: { by: "displayName", displayName: "Gone" },
          spec: { onboardingStatus: "onboarded" },
        }),
      ]),
      live: snapshot([
        collection([liveObject("1", { displayName: "TeamViewer", onboardingStatus: "x" })]),
      ]),
      toolVersion: TOOL,
    });
    expect(plan.changes).toHaveLength(1);
    expect(plan.problems).not.toHaveLength(0);
    const file = JSON.parse(
      serializePlanFile(plan, {
        createdAt: "2026-12-07T05:00:00.000Z",
        configCommit: null,
        configModified: false,
      }),
    );
    // Values that are Graph's data (or tenants' names) keep their own spelling.
    const DATA = new Set([
      "patch",
      "before",
      "after",
      "live",
      "desired",
      "unchanged_by_tenant",
      // Keyed by declared object (`graphType.name`): names, not the format's keys.
      "compared_by_object",
    ]);
    const keys: string[] = [];
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (typeof value === "object" && value !== null) {
        for (const [key, inner] of Object.entries(value)) {
          keys.push(key);
          if (!DATA.has(key)) walk(inner);
        }
      }
    };
    walk(file);
    expect(keys).toContain("live_display_name");
    expect(keys.filter((key) => !/^[a-z][a-z0-9_]*$/.test(key))).toEqual([]);
  });

  it("refuses a plan file of format 1 (camelCase inside): says why and to run plan again", () => {
    const format1 = readFileSync(
      new URL("../../test/fixtures/saved-plans/format-1.json", import.meta.url),
      "utf8",
    );
    expect(JSON.parse(format1)).toMatchObject({ intune_gitops_plan: 1, toolVersion: TOOL });
    expect(errorOf(format1)).toBe(
      "plan file format 1 (written by an older intune-gitops, with camelCase keys) is not one intune-gitops 0.1.0 reads: it reads format 2 (snake_case keys) and refuses an older file rather than misread it: run 'intune-gitops plan --out FILE' again with this version, review the new plan and apply that",
    );
  });

  it("round-trips every plan createPlan makes", () => {
    fc.assert(
      fc.property(
        worldArbitrary({ drift: true }),
        fc.array(fc.nat(), { maxLength: 2 }),
        (world, picks) => {
          const failing = withFailures(world, picks);
          const plan = createPlan({
            desired: failing.desired,
            live: failing.live,
            toolVersion: TOOL,
          });
          const result = parsePlanFile(serializePlanFile(plan), { toolVersion: TOOL });
          expect(result).toEqual({ plan });
        },
      ),
      { numRuns: 100 },
    );
  });

  it.each([
    ["empty", "", "the plan file is empty"],
    ["truncated", serializePlanFile(samplePlan).slice(0, 200), "not valid JSON (truncated?)"],
    ["not a plan file", '{"terraform_version": "1.9"}', "not an intune-gitops plan file"],
    ["a list", "[1]", "not an intune-gitops plan file"],
    [
      "an unknown format",
      serializePlanFile(samplePlan).replace('"intune_gitops_plan": 2', '"intune_gitops_plan": 3'),
      "plan file format 3 is not one intune-gitops 0.1.0 reads (it reads format 2)",
    ],
  ])("refuses %s", (_name, text, message) => {
    expect(errorOf(text)).toContain(message);
  });

  it("refuses a plan made by another version", () => {
    const text = serializePlanFile({ ...samplePlan, toolVersion: "0.0.9" });
    expect(errorOf(text)).toBe(
      "plan made by intune-gitops 0.0.9, this is 0.1.0: run plan again with this version",
    );
  });

  it("refuses a plan edited by hand", () => {
    const text = serializePlanFile(samplePlan).replace('"onboarded"', '"onboarding"');
    expect(text).not.toBe(serializePlanFile(samplePlan));
    expect(errorOf(text)).toContain("checksum does not match its content (edited by hand?)");
  });

  it("refuses a header that does not match the plan", () => {
    const file = JSON.parse(serializePlanFile(samplePlan));
    file.config_digest = "other";
    expect(errorOf(JSON.stringify(file))).toContain("header does not match its plan");
  });

  it.each([
    [
      "a patch that adds id",
      (plan: any) => {
        plan.changes[1].patch.id = "x";
      },
      "patch",
    ],
    [
      "a patch that adds an undeclared property",
      (plan: any) => {
        plan.changes[1].patch.displayName = "x";
      },
      "exactly the properties listed in property_changes",
    ],
    [
      "a change of a property the kind does not have",
      (plan: any) => {
        plan.changes[1].property_changes[0].property = "secret";
        plan.changes[1].patch = { secret: "onboarded" };
      },
      '"secret" is not a beta property of RemoteAssistancePartner',
    ],
    [
      "an id property change",
      (plan: any) => {
        plan.changes[1].property_changes[0].property = "id";
        plan.changes[1].patch = { id: "onboarded" };
      },
      '"id" is not a beta property',
    ],
    [
      "a patch value that is not the change's after",
      (plan: any) => {
        plan.changes[1].patch.onboardingStatus = "onboarding";
      },
      "must equal the change's after",
    ],
    [
      "another collection path",
      (plan: any) => {
        plan.changes[1].collection_path = "/users";
      },
      "collection_path",
    ],
    [
      "a live id that climbs the path",
      (plan: any) => {
        plan.changes[1].live_id = "../../users";
      },
      "live_id",
    ],
    [
      "a live id of ..",
      (plan: any) => {
        plan.changes[1].live_id = "..";
      },
      "live_id",
    ],
    [
      "an unknown kind",
      (plan: any) => {
        plan.changes[1].kind = "User";
      },
      "unknown kind",
    ],
    [
      "a wrong address",
      (plan: any) => {
        plan.changes[1].address = "x";
      },
      "address",
    ],
    [
      "a bad fingerprint",
      (plan: any) => {
        plan.changes[1].fingerprint = "abc";
      },
      "fingerprint",
    ],
    [
      "an unknown key",
      (plan: any) => {
        plan.changes[1].extra = 1;
      },
      "changes.1",
    ],
    [
      "an empty change",
      (plan: any) => {
        plan.changes[1].property_changes = [];
        plan.changes[1].patch = {};
      },
      "property_changes",
    ],
    [
      "an assignment wrapper annotation",
      (plan: any) => {
        const wrapped = [{ "@odata.type": "x", target: { "@odata.type": "#y" } }];
        plan.changes[0].patch.groupsRequiringPartnerEnrollment = wrapped;
        plan.changes[0].property_changes[0].after = wrapped;
      },
      "an assignment has only a target",
    ],
    [
      "a target annotation other than @odata.type",
      (plan: any) => {
        const annotated = [{ target: { "@odata.type": "#y", "groupId@odata.bind": "z" } }];
        plan.changes[0].patch.groupsRequiringPartnerEnrollment = annotated;
        plan.changes[0].property_changes[0].after = annotated;
      },
      "only annotation is @odata.type",
    ],
    [
      "a group target without its groupId (Graph would store null)",
      (plan: any) => {
        const empty = [{ target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget" } }];
        plan.changes[0].patch.groupsRequiringPartnerEnrollment = empty;
        plan.changes[0].property_changes[0].after = empty;
      },
      "a group target needs its groupId",
    ],
    [
      "declared properties with id",
      (plan: any) => {
        plan.changes[1].declared_properties = ["id", "onboardingStatus"];
      },
      '"id" is not a beta property',
    ],
    [
      "declared properties without a changed one",
      (plan: any) => {
        plan.changes[1].declared_properties = ["displayName"];
      },
      "must include every changed property",
    ],
    ["unsorted changes", (plan: any) => plan.changes.reverse(), "sorted"],
    [
      "a wrong unchanged count",
      (plan: any) => {
        plan.unchanged_count = 4;
      },
      "unchanged_count",
    ],
    [
      "an unknown problem code",
      (plan: any) => {
        plan.problems[0].code = "oops";
      },
      "problems.0.code",
    ],
    [
      "a key of format 1 (camelCase) inside a format 2 plan",
      (plan: any) => {
        plan.changes[1].liveId = plan.changes[1].live_id;
        delete plan.changes[1].live_id;
      },
      "changes.1",
    ],
  ])("refuses %s, even with the checksum made right", (_name, edit, message) => {
    const error = errorOf(tampered(edit));
    expect(error).toContain("does not hold a valid plan");
    expect(error).toContain(message);
  });

  it("holds no secrets or auth settings", () => {
    const objects = [desiredObject({ spec: { onboardingStatus: "onboarded" } })];
    const desired = {
      ...desiredState(objects),
      tenants: [
        {
          ...tenant("contoso"),
          tenantId: "6babcaad-604b-40ac-a9d7-9fd97c0b779f",
          auth: { method: "clientSecret", clientId: "9a3c1f0e", clientSecretEnv: "MY_SECRET_VAR" },
        } as const,
      ],
    };
    const live = snapshot([collection([liveObject("1", { displayName: "TeamViewer" })])]);
    const text = serializePlanFile(createPlan({ desired, live, toolVersion: TOOL }));
    expect(text).toContain("onboarded");
    for (const word of ["MY_SECRET_VAR", "9a3c1f0e", "6babcaad", "clientSecret"]) {
      expect(text).not.toContain(word);
    }
  });

  it("cuts a registered token out of live values, and still reads back as the same plan", () => {
    const token = "eyJ0eXAiOiJKV1QifQ.eyJ0aWQiOiJjb250b3NvIn0.c2lnbmF0dXJlLXZhbHVl";
    registerSecret(token);
    try {
      const echoed = planOf({
        changes: [
          change({
            changes: [
              {
                property: "onboardingUrl",
                before: `https://echo.example.com/?t=${token.toLowerCase()}`,
                after: "https://start.teamviewer.com/",
              },
            ],
            patch: { onboardingUrl: "https://start.teamviewer.com/" },
          }),
        ],
      });
      const text = serializePlanFile(echoed);
      expect(text.toLowerCase()).not.toContain(token.toLowerCase());
      const read = parsePlanFile(text, { toolVersion: TOOL });
      if ("error" in read) throw new Error(read.error);
      expect(read.plan.changes[0]!.changes[0]!.before).toBe(
        "https://echo.example.com/?t=[redacted]",
      );
      expect(read.plan.changes[0]!.patch).toEqual(echoed.changes[0]!.patch);
    } finally {
      clearRegisteredSecretsForTests();
    }
  });
});

describe("element changes of values a secret was cut out of", () => {
  it("still read back, and still show: redaction may reorder a set, never make it disagree", () => {
    // A live target whose text holds a registered secret sorts elsewhere once it is cut out.
    const secret = "bbbbbbbb";
    const target = (groupId: string) => ({
      target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId },
    });
    const before = [
      target("aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"),
      target("bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"),
    ];
    const removed = planOf({
      changes: [
        change({
          address: "deviceManagementPartner[contoso].jamf",
          kind: "DeviceManagementPartner",
          graphType: "deviceManagementPartner",
          name: "jamf",
          collectionPath: "/deviceManagement/deviceManagementPartners",
          liveId: "d21e377a-377a-d21e-7a37-1ed27a371ed2",
          changes: [{ property: "groupsRequiringPartnerEnrollment", before, after: [] }],
          patch: { groupsRequiringPartnerEnrollment: [] },
        }),
      ],
    });
    registerSecret(secret);
    try {
      const text = serializePlanFile(removed);
      expect(text).not.toContain(secret);
      const read = parsePlanFile(text, { toolVersion: TOOL });
      if ("error" in read) throw new Error(read.error);
      expect(read.plan.changes[0]!.changes[0]!.elementChanges?.removed).toHaveLength(2);
      expect(redactPlan(removed).changes[0]!.changes[0]!.elementChanges?.removed).toHaveLength(2);
    } finally {
      clearRegisteredSecretsForTests();
    }
  });
});

describe("what a refused plan file is told", () => {
  const again = "run plan again to make a new one";
  const file = () => JSON.parse(serializePlanFile(samplePlan));
  const withFile = (edit: (file: any) => void): string => {
    const edited = file();
    edit(edited);
    return JSON.stringify(edited);
  };

  it("calls a file of blanks empty, not broken JSON", () => {
    expect(errorOf(" \n\t\n")).toBe(`the plan file is empty: ${again}`);
  });

  it("gives the parser's reason for JSON that does not parse", () => {
    expect(errorOf('{"intune_gitops_plan": 1,')).toMatch(
      new RegExp(`^the plan file is not valid JSON \\(truncated\\?\\): \\S.*; ${again}$`),
    );
  });

  it("tells the output of 'plan --format json' from a plan file", () => {
    const jsonOutput = JSON.stringify({ format_version: 1, changes: [], problems: [] });
    expect(errorOf(jsonOutput)).toBe(
      "this is the output of 'plan --format json', which is for reading: apply needs the plan file that 'plan --out FILE' saves (checksummed, with everything apply checks)",
    );
    // Either key alone is not that output, and a plan file carrying both is judged as a plan file.
    const notAPlanFile =
      'this is not an intune-gitops plan file (it has no "intune_gitops_plan" key)';
    expect(errorOf('{"changes": []}')).toBe(notAPlanFile);
    expect(errorOf('{"format_version": 1}')).toBe(notAPlanFile);
    const both = withFile((f) => Object.assign(f, { format_version: 1, changes: [] }));
    expect(errorOf(both)).toBe(
      `the plan file has unexpected keys (format_version, changes): ${again}`,
    );
  });

  it.each(["1", "null", '"plan"', "true", "[]"])(
    "refuses %s as not a plan file, without throwing",
    (text) => {
      expect(errorOf(text)).toBe(
        'this is not an intune-gitops plan file (it has no "intune_gitops_plan" key)',
      );
    },
  );

  it("refuses a file that does not say which version made it, or holds no plan", () => {
    expect(errorOf(withFile((f) => delete f.tool_version))).toBe(
      `the plan file does not say which intune-gitops made it: ${again}`,
    );
    expect(errorOf(withFile((f) => (f.tool_version = 1)))).toBe(
      `the plan file does not say which intune-gitops made it: ${again}`,
    );
    expect(errorOf(withFile((f) => delete f.plan))).toBe(`the plan file has no plan: ${again}`);
  });

  it("says where the plan is invalid, for the first three issues only", () => {
    expect(errorOf(tampered((plan) => (plan.changes[1].live_id = "a/b")))).toBe(
      `the plan file does not hold a valid plan (plan.changes.1.live_id: must be one URL path segment): ${again}`,
    );
    // Five things wrong; the message names the first three, each at its path in the file.
    const fiveIssues = tampered((plan) => {
      plan.tool_version = "";
      plan.config_digest = 1;
      plan.tenants = [1];
      plan.unchanged_count = -1;
      plan.problems = "none";
    });
    const listed = /valid plan \((.*)\): run plan again/
      .exec(errorOf(fiveIssues))?.[1]
      ?.split("; ");
    expect(listed?.map((issue) => issue.slice(0, issue.indexOf(":")))).toEqual([
      "plan.tool_version",
      "plan.config_digest",
      "plan.tenants.0",
    ]);
  });

  it("refuses a header whose tool version is not the plan's", () => {
    const text = tampered((plan) => (plan.tool_version = "0.0.9"));
    expect(errorOf(text)).toBe(
      `the plan file's header does not match its plan (edited by hand?): ${again}`,
    );
  });

  it("names every key it does not know", () => {
    expect(errorOf(withFile((f) => Object.assign(f, { signature: "x", signedBy: "y" })))).toBe(
      `the plan file has unexpected keys (signature, signedBy): ${again}`,
    );
  });

  it("refuses a plan nested deeper than the stack, without crashing", () => {
    const depth = 200_000;
    const text = `{"intune_gitops_plan": 2, "tool_version": "${TOOL}", "config_digest": "c0ffee", "plan": ${"[".repeat(depth)}${"]".repeat(depth)}, "checksum": "0"}`;
    expect(errorOf(text)).toBe("the plan file is nested too deeply to be a plan: run plan again");
  });
});

describe("the record of where a plan was made", () => {
  const origin = {
    createdAt: "2026-12-07T05:00:00.000Z",
    configCommit: "0123456789abcdef0123456789abcdef01234567",
    configModified: false,
  };
  /** `origin` as the file spells it. */
  const record = {
    created_at: origin.createdAt,
    config_commit: origin.configCommit,
    config_modified: origin.configModified,
  };
  const invalid = {
    error:
      "the plan file's created_at, config_commit or config_modified is not valid: run plan again to make a new one",
  };
  const withOrigin = (record: Record<string, unknown>): string =>
    JSON.stringify({ ...JSON.parse(serializePlanFile(samplePlan)), ...record });

  it("is absent, not undefined, in a file written without one", () => {
    const result = parsePlanFile(serializePlanFile(samplePlan), { toolVersion: TOOL });
    expect(result).toStrictEqual({ plan: samplePlan });
  });

  it.each([
    [{ created_at: origin.createdAt }],
    [{ config_commit: origin.configCommit }],
    [{ config_modified: false }],
    [{ created_at: origin.createdAt, config_commit: origin.configCommit }],
    [{ created_at: origin.createdAt, config_modified: false }],
    [{ config_commit: null, config_modified: false }],
  ])("is refused when only part of it is there: %j", (record) => {
    expect(parsePlanFile(withOrigin(record), { toolVersion: TOOL })).toEqual(invalid);
  });

  it.each([
    ["a created_at that is a number", { created_at: 2026 }],
    ["a created_at in a list", { created_at: [origin.createdAt] }],
    ["a commit in a list", { config_commit: [origin.configCommit] }],
    ["a commit with text before it", { config_commit: `main ${origin.configCommit}` }],
    ["a commit with text after it", { config_commit: `${origin.configCommit}-dirty` }],
    ["a commit too short", { config_commit: origin.configCommit.slice(0, 39) }],
  ])("is refused with %s", (_name, bad) => {
    expect(parsePlanFile(withOrigin({ ...record, ...bad }), { toolVersion: TOOL })).toEqual(
      invalid,
    );
  });

  it("accepts a sha-256 commit id", () => {
    const sha256 = "ab".repeat(32);
    expect(
      parsePlanFile(withOrigin({ ...record, config_commit: sha256 }), { toolVersion: TOOL }),
    ).toEqual({ plan: samplePlan, origin: { ...origin, configCommit: sha256 } });
  });
});

describe("what a saved plan keeps", () => {
  it("keeps acceptances, warnings, a change's mode, a problem's cause, health, and leaves unset ones out", () => {
    const full = planOf({
      changes: [change({ mode: "observe" })],
      // An unhealthy state has no threshold: read back, it has no thresholdHours key either.
      health: [
        {
          address: "deviceManagementPartner[contoso].jamf",
          tenant: "contoso",
          code: "unhealthy-state",
          property: "partnerState",
          value: "terminated",
          summary: "partnerState is terminated",
        },
        {
          address: "deviceManagementPartner[contoso].jamf",
          tenant: "contoso",
          code: "stale",
          property: "lastHeartbeatDateTime",
          value: null,
          thresholdHours: 24,
          summary: "no heartbeat recorded (more than 24 h)",
        },
      ],
      problems: [
        problem({ address: undefined, cause: "network", candidates: undefined }),
        problem({ tenant: "contoso", candidates: [{ id: "1", displayName: null }] }),
      ],
      accepted: [
        {
          address: "remoteAssistancePartner[contoso].teamviewer",
          tenant: "contoso",
          property: "onboardingUrl",
          live: "https://live.example.com/",
          desired: "https://desired.example.com/",
          expires: "2027-01-31",
          owner: "ops",
          reason: "migration",
        },
      ],
      warnings: [
        {
          code: "acceptance-expired",
          tenant: "contoso",
          address: "remoteAssistancePartner[contoso].teamviewer",
          summary: "expired",
          source: { file: "a.yaml", line: 3, column: 5 },
        },
        {
          code: "acceptance-value-moved",
          tenant: "contoso",
          address: "remoteAssistancePartner[contoso].teamviewer",
          summary: "moved",
        },
      ],
      expiringAcceptances: [
        {
          address: "remoteAssistancePartner[contoso].teamviewer",
          tenant: "contoso",
          property: "onboardingStatus",
          expires: "2026-12-10",
          owner: "ops",
          reason: "rollout",
        },
      ],
    });
    const clean = JSON.parse(JSON.stringify(full));
    const read = parsePlanFile(serializePlanFile(full), { toolVersion: TOOL });
    expect(read).toStrictEqual({ plan: clean });
    const saved = JSON.parse(serializePlanFile(full)).plan;
    expect(Object.keys(saved)).toContain("expiring_acceptances");
    expect(saved.changes[0].mode).toBe("observe");
    // Nothing unset is written as a key: a plan without them has none of these.
    const bare = JSON.parse(serializePlanFile(planOf({ changes: [change()] }))).plan;
    expect(Object.keys(bare).sort()).toEqual(
      ["changes", "config_digest", "problems", "tenants", "tool_version", "unchanged_count"].sort(),
    );
    expect(Object.keys(bare.changes[0])).not.toContain("mode");
  });
});

describe("a set's element changes in a saved plan", () => {
  const GROUP_G = {
    target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: "g" },
  };
  const jamfIndex = 0;

  it("are written for a set-valued property, as plan --format json spells them, and read back", () => {
    const file = JSON.parse(serializePlanFile(samplePlan));
    const jamf = file.plan.changes[jamfIndex];
    expect(jamf.address).toBe("deviceManagementPartner[contoso].jamf");
    expect(jamf.property_changes[0].element_changes).toEqual([
      { change: "add", before: null, after: GROUP_G, fields: [] },
    ]);
    // A property that is not a set has no such key.
    expect(file.plan.changes[1].property_changes[0]).not.toHaveProperty("element_changes");
    const read = parsePlanFile(JSON.stringify(file), { toolVersion: TOOL });
    if ("error" in read) throw new Error(read.error);
    expect(read.plan.changes[jamfIndex]!.changes[0]!.elementChanges).toEqual({
      added: [GROUP_G],
      removed: [],
      changed: [],
      kept: 0,
    });
  });

  it("refuses element changes that are not what before and after say (checksum made right)", () => {
    const text = tampered((plan) => {
      plan.changes[jamfIndex].property_changes[0].element_changes = [
        { change: "remove", before: GROUP_G, after: null, fields: [] },
      ];
    });
    expect(errorOf(text)).toContain(
      "plan.changes.0.property_changes.0.element_changes: must be the element changes from before to after",
    );
  });

  it("refuses element changes on a property that is not a set", () => {
    const text = tampered((plan) => {
      plan.changes[1].property_changes[0].element_changes = [];
    });
    expect(errorOf(text)).toContain(
      "plan.changes.1.property_changes.0.element_changes: onboardingStatus is not a set-valued property",
    );
  });

  it("reads a format 2 file saved before they were written, computing them from before and after", () => {
    const text = tampered((plan) => {
      delete plan.changes[jamfIndex].property_changes[0].element_changes;
    });
    expect(parsePlanFile(text, { toolVersion: TOOL })).toEqual({ plan: samplePlan });
    const read = parsePlanFile(text, { toolVersion: TOOL });
    if ("error" in read) throw new Error(read.error);
    expect(read.plan.changes[jamfIndex]!.changes[0]!.elementChanges?.added).toEqual([GROUP_G]);
  });
});
