import { describe, expect, it } from "vitest";
import { renderValidationJson } from "../render/diagnostics-json.ts";
import { renderValidationText } from "../render/diagnostics-text.ts";
import { brief, check, checkObject, objectYaml, TENANTS } from "../../test/config/helpers.ts";
import { DATE_TIME_OFFSET_CASES } from "../../test/helpers/date-time-offset-cases.ts";

/**
 * One test (or a few) per validation rule, through the pure `parseConfig`: the exact code and
 * place of each diagnostic, and the words that tell the user what to do.
 */

const GROUP = "#microsoft.graph.groupAssignmentTarget";
const GROUP_ID = "4f1c2d3e-8a9b-4c7d-9e0f-1a2b3c4d5e6f";

function dmp(targets: string, options: { tenants?: string; graphVersion?: string } = {}) {
  return objectYaml({
    kind: "DeviceManagementPartner",
    ...options,
    spec: `groupsRequiringPartnerEnrollment:\n${targets.replace(/^\n+/, "")}`,
  });
}

describe("valid configurations", () => {
  it("expands an object per tenant with the tenant's Graph version, spec in registry order", () => {
    const result = checkObject(
      objectYaml({ spec: "onboardingStatus: onboarded\nonboardingUrl: https://example.com/x" }),
    );
    expect(result.diagnostics).toEqual([]);
    expect(
      result.state!.objects.map((o) => [o.tenant, o.graphVersion, Object.keys(o.spec)]),
    ).toEqual([
      ["contoso", "beta", ["onboardingUrl", "onboardingStatus"]],
      ["fabrikam", "v1.0", ["onboardingUrl", "onboardingStatus"]],
    ]);
    const [first] = result.state!.objects;
    expect(first).toMatchObject({
      kind: "RemoteAssistancePartner",
      name: "partner",
      match: { by: "displayName", displayName: "Partner" },
      source: { file: "object.yaml", line: 1, column: 1 },
      propertySources: {
        onboardingStatus: { file: "object.yaml", line: 8, column: 21 },
        onboardingUrl: { file: "object.yaml", line: 9, column: 18 },
      },
    });
    expect(result.state!.tenants.map((t) => [t.name, t.cloud, t.graphVersion, t.auth])).toEqual([
      ["contoso", "global", "beta", { method: "environment" }],
      ["fabrikam", "global", "v1.0", { method: "environment" }],
    ]);
    expect(result.state!.files).toEqual(["object.yaml", "tenants.yaml"]);
  });

  it("uses metadata.graphVersion over the tenant's, and defaults a tenant to v1.0", () => {
    const tenant = TENANTS.split("---\n")[1]!.replace("  graphVersion: v1.0\n", "");
    const result = check({
      "t.yaml": tenant,
      "o.yaml": objectYaml({
        tenants: "fabrikam",
        graphVersion: "beta",
        spec: "onboardingStatus: onboarded",
      }),
    });
    expect(result.state!.tenants[0]!.graphVersion).toBe("v1.0");
    expect(result.state!.objects[0]!.graphVersion).toBe("beta");
  });

  it("keeps DateTimeOffset values exactly as written, also where YAML 1.1 reads them as dates", () => {
    const text = "2016-12-31T23:58:36.6670033-08:00";
    for (const prefix of ["", "%YAML 1.1\n---\n"]) {
      const result = checkObject(
        prefix + objectYaml({ tenants: "contoso", spec: `lastConnectionDateTime: ${text}` }),
      );
      expect(result.diagnostics, prefix).toEqual([]);
      expect(result.state!.objects[0]!.spec.lastConnectionDateTime).toBe(text);
    }
  });

  it("writes assignment targets as Graph JSON: { target } with the # form of @odata.type", () => {
    const result = checkObject(
      dmp(`
  - "@odata.type": microsoft.graph.deviceManagementPartnerAssignment
    target:
      groupId: ${GROUP_ID}
      "@odata.type": microsoft.graph.groupAssignmentTarget
  - target: { "@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget" }`),
    );
    expect(result.diagnostics).toEqual([]);
    const value = result.state!.objects[0]!.spec.groupsRequiringPartnerEnrollment;
    expect(JSON.stringify(value)).toBe(
      JSON.stringify([
        { target: { "@odata.type": GROUP, groupId: GROUP_ID } },
        { target: { "@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget" } },
      ]),
    );
  });

  it("accepts beta's assignment filters on beta", () => {
    const result = checkObject(
      dmp(
        `
  - target:
      "@odata.type": "${GROUP}"
      groupId: ${GROUP_ID}
      deviceAndAppManagementAssignmentFilterId: 11111111-2222-3333-4444-555555555555
      deviceAndAppManagementAssignmentFilterType: include`,
        { tenants: "contoso" },
      ),
    );
    expect(result.diagnostics).toEqual([]);
  });

  it("accepts null where Graph does, written explicitly", () => {
    const result = checkObject(objectYaml({ spec: "displayName: null\nonboardingUrl: ~" }));
    expect(result.diagnostics).toEqual([]);
    expect(result.state!.objects[0]!.spec).toEqual({ displayName: null, onboardingUrl: null });
  });

  it("has a digest that ignores layout, key order and comments, and follows values", () => {
    const object = objectYaml({
      spec: "onboardingStatus: onboarded\nonboardingUrl: https://example.com/x",
    });
    const [contoso, fabrikam] = TENANTS.split("---\n");
    const base = checkObject(object).state!.digest;
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    const reshuffled = check({
      "b/fabrikam.yaml": `# a comment\n${fabrikam}`,
      "a/all.yaml": `${objectYaml({ spec: "onboardingUrl: https://example.com/x\nonboardingStatus: onboarded" })}---\n${contoso}`,
    }).state!.digest;
    expect(reshuffled).toBe(base);
    const changed = checkObject(object.replace("onboarded", "onboarding")).state!.digest;
    expect(changed).not.toBe(base);
  });
});

describe("document rules", () => {
  it("not-a-mapping, missing-key, unknown-api-version, unknown-kind", () => {
    const result = check({
      "x.yaml":
        "- a list\n---\nkind: Tenant\n---\napiVersion: intune-gitops/v2\nkind: Tenant\n---\napiVersion: intune-gitops/v1\nkind: RemoteAssistancePartnr\n",
    });
    expect(brief(result)).toEqual([
      "error not-a-mapping x.yaml:1:1",
      "error missing-key x.yaml:3:1",
      "error unknown-api-version x.yaml:5:13",
      "error unknown-kind x.yaml:9:7",
    ]);
    expect(result.diagnostics[1]!.summary).toBe("missing apiVersion");
    expect(result.diagnostics[2]!.detail).toContain("upgrade intune-gitops");
    expect(result.diagnostics[3]!.detail).toBe("did you mean RemoteAssistancePartner?");
    const odd = check({ "x.yaml": "apiVersion: [1]\nkind: 7\n" });
    expect(odd.diagnostics.map((d) => d.summary)).toEqual([
      "apiVersion: a list is not intune-gitops/v1",
      "kind: 7 is not one of Tenant, RemoteAssistancePartner, DeviceManagementPartner",
    ]);
  });

  it("empty files and documents are warnings; no documents at all is an error", () => {
    expect(brief(check({ "a.yaml": "", "b.yaml": "# nothing\n" }))).toEqual([
      "error empty-configuration",
      "warning empty-file a.yaml:1:1",
      "warning empty-file b.yaml:1:1",
    ]);
    const result = check({ "t.yaml": `${TENANTS}---\n` });
    expect(brief(result)).toEqual(["warning empty-document t.yaml:20:1"]);
    expect(result.state).toBeDefined();
  });

  it("skips files that are not intune-gitops files, with a warning", () => {
    const result = check({
      "t.yaml": TENANTS,
      "compose.yaml": "services:\n  web:\n    image: nginx\n",
    });
    expect(brief(result)).toEqual(["warning not-intune-gitops compose.yaml:1:1"]);
    expect(result.state!.files).toEqual(["t.yaml"]);
  });

  it("reports every problem of a run, not just the first", () => {
    const result = checkObject(
      objectYaml({
        tenants: "contosso",
        spec: "onboardingStatus: onbarded\nonboardingUrl: ftp://x\nfoo: 1",
      }),
    );
    expect(brief(result)).toEqual([
      "error unknown-tenant object.yaml:5:12",
      "error enum-member object.yaml:8:21",
      "error invalid-url object.yaml:9:18",
      "error unknown-key object.yaml:10:3",
    ]);
    expect(result.state).toBeUndefined();
  });
});

describe("value rules", () => {
  it("unknown-key suggests the nearest known key", () => {
    const result = checkObject(objectYaml({ spec: "onboardingURL: https://example.com/" }));
    expect(brief(result)).toEqual(["error unknown-key object.yaml:8:3"]);
    expect(result.diagnostics[0]).toMatchObject({
      summary: 'spec: unknown key "onboardingURL"',
      detail: "did you mean onboardingUrl?",
    });
  });

  it("unknown-key in metadata, with the missing key it replaced", () => {
    const yaml = objectYaml({ spec: "onboardingStatus: onboarded" }).replace(
      "  tenants:",
      "  tenant:",
    );
    expect(brief(checkObject(yaml))).toEqual([
      "error missing-key object.yaml:3:1",
      "error unknown-key object.yaml:5:3",
    ]);
  });

  it("enum-member lists the allowed members (the example of the issue)", () => {
    const result = checkObject(objectYaml({ spec: "onboardingStatus: onbarded" }));
    expect(result.diagnostics).toEqual([
      {
        severity: "error",
        code: "enum-member",
        summary:
          'spec.onboardingStatus: "onbarded" is not one of notOnboarded, onboarding, onboarded',
        detail: "did you mean onboarded?",
        source: { file: "object.yaml", line: 8, column: 21 },
      },
    ]);
  });

  it.each([
    ["partnerAppType: singletenantapp", "singleTenantApp"],
    ["partnerState: enabeld", "enabled"],
  ])("enum-member on DeviceManagementPartner: %s", (line, suggestion) => {
    const result = checkObject(objectYaml({ kind: "DeviceManagementPartner", spec: line }));
    expect(result.diagnostics).toMatchObject([
      { code: "enum-member", detail: `did you mean ${suggestion}?` },
    ]);
  });

  it("wrong-type says how to write the value", () => {
    const result = checkObject(
      objectYaml({
        kind: "DeviceManagementPartner",
        spec: 'isConfigured: "yes"\ndisplayName: 2024',
      }),
    );
    expect(result.diagnostics).toMatchObject([
      {
        code: "wrong-type",
        summary: 'spec.isConfigured: expected true or false, got "yes"',
        source: { line: 8, column: 17 },
      },
      {
        code: "wrong-type",
        summary: "spec.displayName: expected text, got 2024",
        detail: 'quote it so YAML reads it as text: displayName: "2024"',
        source: { line: 9, column: 16 },
      },
    ]);
  });

  it.each([
    ["2024-01-01", "it has no time"],
    ["2024-01-01T10:00:00", "it has no offset"],
    ["2024-01-01 10:00:00Z", "separate the date and the time with T"],
    ["2024-01-01T10:00:00.12345678Z", "at most 7 fractional digits"],
    ["2023-02-29T10:00:00Z", "that day does not exist"],
    ["yesterday", "write an ISO 8601 date-time with an offset"],
  ])("invalid-date-time: %s", (value, hint) => {
    const result = checkObject(objectYaml({ spec: `lastConnectionDateTime: "${value}"` }));
    expect(result.diagnostics).toMatchObject([
      {
        code: "invalid-date-time",
        source: { line: 8, column: 27 },
        detail: expect.stringContaining(hint),
      },
    ]);
  });

  it("hints at upper-case GUIDs, which are compared regardless of case and sent lower-case", () => {
    const result = checkObject(
      objectYaml({
        kind: "DeviceManagementPartner",
        tenants: "contoso",
        spec: [
          "singleTenantAppId: 2C6E8A0B-4D1F-4E3A-9B5C-7D8E9F0A1B2C",
          "groupsRequiringPartnerEnrollment:",
          "  - target:",
          '      "@odata.type": "#microsoft.graph.groupAssignmentTarget"',
          "      groupId: 4F1C2D3E-8a9b-4c7d-9e0f-1a2b3c4d5e6f",
          "  - target:",
          '      "@odata.type": "#microsoft.graph.groupAssignmentTarget"',
          "      groupId: 7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e",
        ].join("\n"),
      }),
    );
    expect(result.state).toBeDefined();
    expect(result.diagnostics).toMatchObject([
      {
        severity: "warning",
        code: "guid-upper-case",
        summary: "spec.singleTenantAppId is a GUID written in upper case",
        detail: expect.stringContaining("write 2c6e8a0b-4d1f-4e3a-9b5c-7d8e9f0a1b2c"),
        source: { line: 8 },
      },
      {
        severity: "warning",
        code: "guid-upper-case",
        summary: expect.stringContaining("groupId is a GUID written in upper case"),
        source: { line: 12 },
      },
    ]);
    const quiet = checkObject(
      objectYaml({ kind: "DeviceManagementPartner", spec: "singleTenantAppId: Not A GUID Value" }),
    );
    expect(quiet.diagnostics).toEqual([]);
  });

  it.each(DATE_TIME_OFFSET_CASES.map((entry) => [entry.text, entry] as const))(
    "gives the shared table's verdict on the DateTimeOffset %j",
    (text, entry) => {
      const result = checkObject(
        objectYaml({ spec: `lastConnectionDateTime: ${JSON.stringify(text)}` }),
      );
      if (entry.verdict === "valid") {
        expect(result.diagnostics).toEqual([]);
        expect(result.state!.objects[0]!.spec.lastConnectionDateTime).toBe(text);
      } else {
        expect(result.diagnostics).toMatchObject([
          { code: "invalid-date-time", detail: expect.stringMatching(entry.because) },
        ]);
      }
    },
  );

  it.each(["2024-02-29T10:00:00.1234567+05:30", "0001-01-01T00:00:00Z", "2024-01-01T10:00Z"])(
    "accepts the DateTimeOffset %s",
    (value) => {
      expect(
        checkObject(objectYaml({ spec: `lastConnectionDateTime: ${value}` })).diagnostics,
      ).toEqual([]);
    },
  );

  it.each([
    ["start.teamviewer.com", "with its scheme"],
    ["ftp://files.example.com/", "use an http:// or https:// URL"],
    ["/relative/path", "with its scheme"],
  ])("invalid-url: %s", (value, hint) => {
    const result = checkObject(objectYaml({ spec: `onboardingUrl: ${value}` }));
    expect(result.diagnostics).toMatchObject([
      {
        code: "invalid-url",
        source: { line: 8, column: 18 },
        detail: expect.stringContaining(hint),
      },
    ]);
  });

  it("invalid-guid on a tenant id", () => {
    const result = check({
      "t.yaml": TENANTS.replace("6babcaad-604b-40ac-a9d7-9fd97c0b779f", "6babcaad-604b"),
    });
    expect(result.diagnostics).toMatchObject([
      {
        code: "invalid-guid",
        summary: 'spec.tenantId: "6babcaad-604b" is not a GUID',
        source: { line: 6, column: 13 },
      },
    ]);
  });

  it("null-not-allowed where Graph refuses null; implicit-null where an empty value would clear", () => {
    const result = checkObject(
      objectYaml({ spec: "onboardingStatus: null\ndisplayName:\nlastConnectionDateTime:" }),
    );
    expect(brief(result)).toEqual([
      "error null-not-allowed object.yaml:8:21",
      "error implicit-null object.yaml:9:3",
      "error null-not-allowed object.yaml:10:3",
    ]);
    expect(result.diagnostics[0]).toMatchObject({
      summary: "spec.onboardingStatus cannot be null",
      detail: expect.stringContaining("remove the line to leave the property unmanaged"),
    });
    expect(result.diagnostics[2]!.summary).toBe("spec.lastConnectionDateTime has no value");
  });

  it("invalid-name for names that cannot be addresses", () => {
    const result = checkObject(
      objectYaml({ name: "Team Viewer", spec: "onboardingStatus: onboarded" }),
    );
    expect(result.diagnostics).toMatchObject([
      {
        code: "invalid-name",
        source: { line: 4, column: 9 },
        detail: expect.stringContaining("e.g. team-viewer"),
      },
    ]);
  });

  it("invalid-match needs exactly one of id and displayName", () => {
    const both = checkObject(
      objectYaml({ match: "{ id: abc, displayName: X }", spec: "onboardingStatus: onboarded" }),
    );
    expect(brief(both)).toEqual(["error invalid-match object.yaml:6:10"]);
    const none = checkObject(objectYaml({ match: "{}", spec: "onboardingStatus: onboarded" }));
    expect(none.diagnostics[0]).toMatchObject({
      code: "invalid-match",
      summary: "metadata.match names neither id nor displayName",
    });
  });

  it("empty-spec: an object must manage something", () => {
    const result = checkObject(objectYaml({ spec: "{}" }));
    expect(brief(result)).toEqual(["error empty-spec object.yaml:7:1"]);
  });

  it("spec keys that are not properties: id, annotations, merge keys", () => {
    const result = checkObject(
      objectYaml({
        spec: 'id: abc\n"@odata.type": "#microsoft.graph.remoteAssistancePartner"\nonboardingStatus: onboarded',
      }),
    );
    expect(result.diagnostics).toMatchObject([
      { code: "unknown-key", detail: expect.stringContaining("metadata.match: { id: ... }") },
      { code: "unknown-key", detail: expect.stringContaining("annotations") },
    ]);
    const merge = checkObject(objectYaml({ spec: "<<: { onboardingStatus: onboarded }" }));
    expect(merge.diagnostics).toMatchObject([
      { code: "unknown-key", detail: expect.stringContaining("merge keys") },
    ]);
  });
});

describe("Graph versions", () => {
  it("a beta-only property on a v1.0 tenant says how to get beta", () => {
    const result = checkObject(
      objectYaml({ spec: "onboardingRequestExpiryDateTime: 2024-01-01T00:00:00Z" }),
    );
    expect(result.diagnostics).toEqual([
      {
        severity: "error",
        code: "not-in-graph-version",
        summary:
          "spec.onboardingRequestExpiryDateTime exists only in Graph beta, but tenant fabrikam uses v1.0",
        detail:
          "set metadata.graphVersion: beta on this object (or spec.graphVersion: beta on the tenant), or remove onboardingRequestExpiryDateTime",
        source: { file: "object.yaml", line: 8, column: 3 },
      },
    ]);
    // With the override or a beta tenant only, the same spec is valid.
    expect(
      checkObject(
        objectYaml({
          graphVersion: "beta",
          spec: "onboardingRequestExpiryDateTime: 2024-01-01T00:00:00Z",
        }),
      ).diagnostics,
    ).toEqual([]);
    expect(
      checkObject(
        objectYaml({
          tenants: "contoso",
          spec: "onboardingRequestExpiryDateTime: 2024-01-01T00:00:00Z",
        }),
      ).diagnostics,
    ).toEqual([]);
  });

  it("an override to v1.0 names the override", () => {
    const result = checkObject(
      objectYaml({
        tenants: "contoso",
        graphVersion: "v1.0",
        spec: "onboardingRequestExpiryDateTime: 2024-01-01T00:00:00Z",
      }),
    );
    expect(result.diagnostics).toMatchObject([
      {
        code: "not-in-graph-version",
        summary: expect.stringContaining("this object's metadata.graphVersion is v1.0"),
        source: { line: 9 },
      },
    ]);
  });

  it("deprecated properties are accepted on beta with a warning naming the replacement", () => {
    const result = checkObject(
      objectYaml({
        kind: "DeviceManagementPartner",
        tenants: "contoso",
        spec: "whenPartnerDevicesWillBeRemoved: 2024-01-01T00:00:00Z",
      }),
    );
    expect(brief(result)).toEqual(["warning deprecated-property object.yaml:8:3"]);
    expect(result.diagnostics[0]!.detail).toContain("use whenPartnerDevicesWillBeRemovedDateTime");
    expect(result.state).toBeDefined();
  });

  it("a version mistake is reported once even when several tenants share the version", () => {
    const third = TENANTS.split("---\n")[1]!
      .replace("fabrikam", "tailspin")
      .replace("3f2b8c4d-1e6a-4b9f-a7d5-8c0e2b4f6a19", "3f2b8c4d-1e6a-4b9f-a7d5-8c0e2b4f6a20");
    const result = check({
      "t.yaml": `${TENANTS}---\n${third}`,
      "o.yaml": objectYaml({ spec: "onboardingRequestExpiryDateTime: 2024-01-01T00:00:00Z" }),
    });
    expect(result.diagnostics).toMatchObject([
      {
        code: "not-in-graph-version",
        summary: expect.stringContaining("tenants fabrikam and tailspin use v1.0"),
      },
    ]);
  });
});

describe("assignment targets", () => {
  it("unknown @odata.type lists the known ones", () => {
    const result = checkObject(
      dmp('  - target: { "@odata.type": "#microsoft.graph.userAssignmentTarget" }'),
    );
    expect(result.diagnostics).toMatchObject([
      {
        code: "enum-member",
        summary: expect.stringContaining("#microsoft.graph.allLicensedUsersAssignmentTarget"),
        source: { line: 9, column: 32 },
      },
    ]);
  });

  it("a group target needs groupId; a configuration manager target needs collectionId", () => {
    const result = checkObject(
      dmp(`
  - target: { "@odata.type": "${GROUP}" }
  - target: { "@odata.type": "#microsoft.graph.configurationManagerCollectionAssignmentTarget" }`),
    );
    expect(result.diagnostics).toMatchObject([
      {
        code: "missing-key",
        summary: "spec.groupsRequiringPartnerEnrollment[0].target: missing groupId",
        source: { line: 9, column: 7 },
      },
      {
        code: "missing-key",
        summary: "spec.groupsRequiringPartnerEnrollment[1].target: missing collectionId",
        source: { line: 10, column: 7 },
      },
    ]);
  });

  it("a property of another target type", () => {
    const result = checkObject(
      dmp(
        `  - target: { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget", groupId: ${GROUP_ID} }`,
      ),
    );
    expect(result.diagnostics).toMatchObject([
      {
        code: "target-property",
        summary: expect.stringContaining("allDevicesAssignmentTarget has no groupId"),
        source: { line: 9, column: 79 },
      },
    ]);
  });

  it("beta's filters on a v1.0 tenant", () => {
    const result = checkObject(
      dmp(
        `
  - target:
      "@odata.type": "${GROUP}"
      groupId: ${GROUP_ID}
      deviceAndAppManagementAssignmentFilterType: include`,
        { tenants: "fabrikam" },
      ),
    );
    expect(result.diagnostics).toMatchObject([
      {
        code: "not-in-graph-version",
        summary: expect.stringContaining("assignment filters exist only in Graph beta"),
        source: { line: 12, column: 9 },
      },
    ]);
  });

  it("the same target twice, however its type and group id are written", () => {
    const result = checkObject(
      dmp(`
  - target: { "@odata.type": "${GROUP}", groupId: ${GROUP_ID} }
  - target: { "@odata.type": "${GROUP.slice(1)}", groupId: ${GROUP_ID.toUpperCase()} }`),
    );
    expect(result.diagnostics).toMatchObject([
      {
        code: "duplicate-target",
        summary:
          "spec.groupsRequiringPartnerEnrollment[1] is the same target as spec.groupsRequiringPartnerEnrollment[0]",
        source: { line: 10, column: 7 },
      },
      { code: "guid-upper-case", severity: "warning" },
    ]);
  });

  it("says what a target and its members look like, with an example to copy", () => {
    const messages = (targets: string) =>
      checkObject(dmp(targets, { tenants: "contoso" })).diagnostics.map((d) => [
        d.summary,
        d.detail,
      ]);
    expect(messages("  - target: all")).toEqual([
      [
        'spec.groupsRequiringPartnerEnrollment[0].target: expected a mapping with an "@odata.type", got "all"',
        'write a mapping with an "@odata.type", e.g. { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: <GUID> }',
      ],
    ]);
    expect(
      messages(
        `  - target: { "@odata.type": "${GROUP}", groupId: ${GROUP_ID}, deviceAndAppManagementAssignmentFilterId: nope }`,
      ),
    ).toEqual([
      [
        'spec.groupsRequiringPartnerEnrollment[0].target.deviceAndAppManagementAssignmentFilterId: "nope" is not a GUID',
        "write a GUID (8-4-4-4-12 hexadecimal digits)",
      ],
    ]);
    expect(messages(`  - target: { "@odata.type": "${GROUP}", groupId: "" }`)).toEqual([
      [
        'spec.groupsRequiringPartnerEnrollment[0].target.groupId: "" is not a GUID',
        "write a GUID (8-4-4-4-12 hexadecimal digits), e.g. 4f1c2d3e-8a9b-4c7d-9e0f-1a2b3c4d5e6f",
      ],
    ]);
    expect(
      messages(
        '  - target: { "@odata.type": "#microsoft.graph.configurationManagerCollectionAssignmentTarget", collectionId: "" }',
      ),
    ).toEqual([
      [
        "spec.groupsRequiringPartnerEnrollment[0].target.collectionId is empty",
        "write non-empty text, e.g. SMS00001",
      ],
    ]);
  });

  it("a target without @odata.type", () => {
    const result = checkObject(dmp(`  - target: { groupId: ${GROUP_ID} }`));
    expect(result.diagnostics).toMatchObject([
      {
        code: "missing-key",
        summary: expect.stringContaining("missing @odata.type"),
        detail: expect.stringContaining(
          'add "@odata.type": one of "#microsoft.graph.groupAssignmentTarget", "#microsoft.graph.exclusionGroupAssignmentTarget"',
        ),
      },
    ]);
  });
});

describe("tenants and cross-document rules", () => {
  it("unknown-tenant suggests the nearest declared tenant", () => {
    const result = checkObject(
      objectYaml({ tenants: "[contoso, fabrikan]", spec: "onboardingStatus: onboarded" }),
    );
    expect(result.diagnostics).toMatchObject([
      {
        code: "unknown-tenant",
        summary: 'metadata.tenants[1]: no tenant is named "fabrikan"',
        detail: "did you mean fabrikam?",
        source: { line: 5, column: 22 },
      },
    ]);
  });

  it("an object in an invalid tenant: only the tenant's error, no crash", () => {
    const result = check({
      "t.yaml": TENANTS.replace("method: environment", "method: nope"),
      "o.yaml": objectYaml({ spec: "onboardingStatus: onboarded" }),
    });
    expect(brief(result)).toEqual(["error enum-member t.yaml:9:13"]);
  });

  it("spec.health sets a tenant's thresholds in hours, outside the digest; mistakes have a place", () => {
    const withHealth = TENANTS.replace(
      "  auth:\n    method: environment\n---",
      "  auth:\n    method: environment\n  health:\n    heartbeatMaxAgeHours: 48\n    onboardingExpiryWarningHours: 0\n---",
    );
    const object = objectYaml({ spec: "onboardingStatus: onboarded" });
    const result = check({ "t.yaml": withHealth, "o.yaml": object });
    expect(result.diagnostics).toEqual([]);
    expect(result.state!.tenants.map((t) => [t.name, t.health])).toEqual([
      ["contoso", { heartbeatMaxAgeHours: 48, onboardingExpiryWarningHours: 0 }],
      ["fabrikam", undefined],
    ]);
    // Thresholds change what is reported, not what would be written: a saved plan stays valid.
    expect(result.state!.digest).toBe(check({ "t.yaml": TENANTS, "o.yaml": object }).state!.digest);

    const wrong = check({
      "t.yaml": withHealth
        .replace("heartbeatMaxAgeHours: 48", "heartbeatMaxAgeHours: -1")
        .replace("onboardingExpiryWarningHours: 0", "heartbeatMaxAge: 24h"),
      "o.yaml": object,
    });
    expect(brief(wrong)).toEqual([
      "error invalid-value t.yaml:11:27",
      "error unknown-key t.yaml:12:5",
    ]);
    expect(wrong.diagnostics[0]!.detail).toContain("a whole number of hours");
    expect(wrong.diagnostics[1]!.detail).toContain("heartbeatMaxAgeHours");
  });

  it("tenants: all with no tenant declared", () => {
    const result = check({ "o.yaml": objectYaml({ spec: "onboardingStatus: onboarded" }) });
    expect(brief(result)).toEqual(["error unknown-tenant o.yaml:5:12"]);
  });

  it("duplicate tenant names and ids, pointing at both places", () => {
    const result = check({
      "a.yaml": TENANTS,
      "b.yaml": TENANTS.split("---\n")[0]!.replace("6babcaad", "7babcaad"),
    });
    expect(result.diagnostics).toMatchObject([
      {
        code: "duplicate-tenant",
        source: { file: "b.yaml", line: 4 },
        detail: expect.stringContaining("a.yaml:4:9"),
      },
    ]);
    const ids = check({
      "a.yaml": TENANTS.replace(
        "3f2b8c4d-1e6a-4b9f-a7d5-8c0e2b4f6a19",
        "6BABCAAD-604b-40ac-a9d7-9fd97c0b779f",
      ),
    });
    expect(ids.diagnostics).toMatchObject([
      {
        code: "duplicate-tenant-id",
        source: { line: 16, column: 13 },
        detail: expect.stringContaining("a.yaml:6:13"),
      },
    ]);
  });

  it("a tenant may not be named all", () => {
    const result = check({ "t.yaml": TENANTS.replace("name: contoso", "name: all") });
    expect(brief(result)).toEqual(["error reserved-name t.yaml:4:9"]);
  });

  it("the same object twice in a tenant, across files: by name and by match", () => {
    const object = objectYaml({ spec: "onboardingStatus: onboarded" });
    const byName = check({
      "t.yaml": TENANTS,
      "a.yaml": object,
      "b.yaml": objectYaml({
        tenants: "fabrikam",
        match: "{ id: abc }",
        spec: "onboardingStatus: onboarded",
      }),
    });
    expect(byName.diagnostics).toEqual([
      {
        severity: "error",
        code: "duplicate-object",
        summary: 'RemoteAssistancePartner "partner" is declared twice in tenant fabrikam',
        detail: "the other declaration is at a.yaml:4:9: remove one, or give them different names",
        source: { file: "b.yaml", line: 4, column: 9 },
      },
    ]);
    const byMatch = check({
      "t.yaml": TENANTS,
      "a.yaml": object,
      "b.yaml": objectYaml({
        name: "other",
        match: "{ displayName: PARTNER }",
        spec: "onboardingStatus: onboarded",
      }),
    });
    expect(byMatch.diagnostics).toMatchObject([
      {
        code: "duplicate-object",
        summary: expect.stringContaining(
          'both match displayName "PARTNER" in tenants contoso and fabrikam',
        ),
        source: { file: "b.yaml", line: 6, column: 10 },
      },
    ]);
    // Other kinds and other tenants do not collide.
    const apart = check({
      "t.yaml": TENANTS,
      "a.yaml": objectYaml({ tenants: "contoso", spec: "onboardingStatus: onboarded" }),
      "b.yaml": objectYaml({ tenants: "fabrikam", spec: "onboardingStatus: onboarded" }),
      "c.yaml": objectYaml({ kind: "DeviceManagementPartner", spec: "partnerAppType: unknown" }),
    });
    expect(apart.diagnostics).toEqual([]);
  });

  it("the same tenant listed twice", () => {
    const result = checkObject(
      objectYaml({ tenants: "[contoso, contoso]", spec: "onboardingStatus: onboarded" }),
    );
    expect(brief(result)).toEqual(["error duplicate-list-entry object.yaml:5:22"]);
  });
});

describe("authentication and secrets", () => {
  const tenant = (auth: string) =>
    `apiVersion: intune-gitops/v1\nkind: Tenant\nmetadata:\n  name: contoso\nspec:\n  tenantId: 6babcaad-604b-40ac-a9d7-9fd97c0b779f\n  auth:\n${auth
      .trim()
      .split("\n")
      .map((line) => `    ${line}`)
      .join("\n")}\n`;
  const CLIENT = "clientId: 9a3c1f0e-5b7d-4e2a-8c61-2f4d8b9e7a13";
  const SECRET = "Xy7~Q2w.E3r_T4y-U5i8Q~abcDEF";

  it.each([
    ["clientSecret", `method: clientSecret\n${CLIENT}\nclientSecretEnv: AZURE_CLIENT_SECRET`],
    [
      "certificate",
      `method: certificate\n${CLIENT}\ncertificatePath: certs/a.pem\ncertificatePasswordEnv: CERT_PASSWORD`,
    ],
    ["workloadIdentity", `method: workloadIdentity\n${CLIENT}\ntokenFile: /var/run/token`],
    ["githubOidc", `method: githubOidc\n${CLIENT}\naudience: api://AzureADTokenExchange`],
    ["managedIdentity", "method: managedIdentity"],
    ["azureCli", "method: azureCli"],
    ["default", `method: default\n${CLIENT}`],
    ["environment", "method: environment"],
  ])("accepts method %s", (method, auth) => {
    const result = check({ "t.yaml": tenant(auth) });
    expect(result.diagnostics).toEqual([]);
    expect(result.state!.tenants[0]!.auth.method).toBe(method);
  });

  it("an unknown method lists the methods; a missing parameter says what to add", () => {
    expect(check({ "t.yaml": tenant("method: clientsecret") }).diagnostics).toMatchObject([
      {
        code: "enum-member",
        detail: "did you mean clientSecret?",
        source: { line: 8, column: 13 },
      },
    ]);
    expect(
      check({ "t.yaml": tenant(`method: clientSecret\n${CLIENT}`) }).diagnostics,
    ).toMatchObject([
      {
        code: "missing-key",
        summary: "spec.auth: missing clientSecretEnv",
        detail: expect.stringContaining("add clientSecretEnv: AZURE_CLIENT_SECRET"),
      },
    ]);
  });

  it.each([
    [
      `method: clientSecret\n${CLIENT}\nclientSecret: ${SECRET}`,
      "clientSecretEnv: AZURE_CLIENT_SECRET",
    ],
    [
      `method: certificate\n${CLIENT}\ncertificatePath: a.pem\ncertificatePassword: ${SECRET}`,
      "certificatePasswordEnv",
    ],
    [`method: clientSecret\n${CLIENT}\nclientSecretEnv: ${SECRET}`, "write that variable's name"],
    [`method: environment\npassword: ${SECRET}`, "certificatePasswordEnv"],
  ])("inline-secret, never echoed: %s", (auth, hint) => {
    const result = check({ "t.yaml": tenant(auth) });
    // (A missing clientSecretEnv may be reported too: both are true.)
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({ code: "inline-secret", detail: expect.stringContaining(hint) }),
    );
    const everything =
      renderValidationText(result, { color: false }) + renderValidationJson(result);
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain(SECRET.slice(0, 8));
  });

  it("a secret in a document of a misspelt kind is still found", () => {
    const result = check({
      "t.yaml": tenant(`clientSecret: ${SECRET}`).replace("kind: Tenant", "kind: Tenent"),
    });
    expect(brief(result)).toEqual([
      "error unknown-kind t.yaml:2:7",
      "error inline-secret t.yaml:8:5",
    ]);
  });

  it("values under auth are not echoed in other messages either", () => {
    const result = check({ "t.yaml": tenant(`method: default\nclientId: ${SECRET}`) });
    expect(result.diagnostics).toMatchObject([
      { code: "invalid-guid", summary: "spec.auth.clientId: a text value is not a GUID" },
    ]);
  });

  it("a method name alone, or no method: says how to write it", () => {
    const alone = check({
      "t.yaml": TENANTS.replace(
        "  auth:\n    method: environment\n---",
        "  auth: environment\n---",
      ),
    });
    expect(alone.diagnostics).toMatchObject([
      {
        code: "wrong-type",
        detail: "write the mapping: auth: { method: environment }",
        source: { line: 8, column: 9 },
      },
    ]);
    const none = check({ "t.yaml": tenant(CLIENT) });
    expect(none.diagnostics).toMatchObject([
      {
        code: "missing-key",
        summary: "spec.auth: missing method",
        detail: expect.stringContaining("add method: one of clientSecret, certificate,"),
      },
    ]);
  });

  it.each(["clientSecret\nclientSecretEnv: APP_SECRET", "githubOidc", "workloadIdentity"])(
    "clientIdEnv names the app by variable instead of clientId (method %s)",
    (method) => {
      const result = check({
        "t.yaml": tenant(`method: ${method}\nclientIdEnv: INTUNE_CLIENT_ID`),
      });
      expect(result.diagnostics).toEqual([]);
      expect(result.state!.tenants[0]!.auth).toMatchObject({ clientIdEnv: "INTUNE_CLIENT_ID" });
      expect(result.state!.tenants[0]!.auth).not.toHaveProperty("clientId");
    },
  );

  it("invalid-client-id: exactly one of clientId and clientIdEnv", () => {
    for (const auth of [
      `method: githubOidc\n${CLIENT}\nclientIdEnv: INTUNE_CLIENT_ID`,
      "method: githubOidc",
    ]) {
      expect(check({ "t.yaml": tenant(auth) }).diagnostics, auth).toMatchObject([
        {
          code: "invalid-client-id",
          source: { line: 8, column: 5 },
          detail: expect.stringContaining("clientIdEnv: NAME"),
        },
      ]);
    }
    expect(check({ "t.yaml": tenant("method: githubOidc") }).diagnostics[0]!.summary).toBe(
      "spec.auth names no app: add clientId or clientIdEnv",
    );
    expect(
      check({ "t.yaml": tenant(`method: githubOidc\n${CLIENT}\nclientIdEnv: INTUNE_CLIENT_ID`) })
        .diagnostics[0]!.summary,
    ).toBe("spec.auth has both clientId and clientIdEnv: keep one");
  });

  it("clientIdEnv follows the rules of secrets: a name, not a $reference or the id itself", () => {
    expect(
      check({ "t.yaml": tenant("method: githubOidc\nclientIdEnv: $READ_CLIENT_ID") }).diagnostics,
    ).toMatchObject([
      {
        code: "invalid-env-var-name",
        detail: "write the name without $: clientIdEnv: READ_CLIENT_ID",
      },
    ]);
    const guid = check({
      "t.yaml": tenant("method: githubOidc\nclientIdEnv: 9a3c1f0e-5b7d-4e2a-8c61-2f4d8b9e7a13"),
    });
    expect(guid.diagnostics).toMatchObject([
      {
        code: "invalid-env-var-name",
        summary: "spec.auth.clientIdEnv holds an id, not the name of an environment variable",
        detail:
          "write the id as clientId, or put it in an environment variable and write that variable's name: clientIdEnv: INTUNE_GITOPS_CLIENT_ID",
      },
    ]);
    expect(renderValidationText(guid, { color: false })).not.toContain("9a3c1f0e");
  });

  it("invalid-env-var-name: a $reference, or not a name", () => {
    expect(
      check({
        "t.yaml": tenant(`method: clientSecret\n${CLIENT}\nclientSecretEnv: $AZURE_CLIENT_SECRET`),
      }).diagnostics,
    ).toMatchObject([
      {
        code: "invalid-env-var-name",
        detail: "write the name without $: clientSecretEnv: AZURE_CLIENT_SECRET",
      },
    ]);
    expect(
      check({ "t.yaml": tenant(`method: clientSecret\n${CLIENT}\nclientSecretEnv: my-secret`) })
        .diagnostics,
    ).toMatchObject([
      {
        code: "invalid-env-var-name",
        summary: "spec.auth.clientSecretEnv is not an environment variable name",
      },
    ]);
  });
});
