import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { anyPlanArbitrary } from "../../test/helpers/plan-arbitraries.ts";
import { change, plan, problem } from "../../test/helpers/plan-builders.ts";
import type { ResourceChange } from "../plan/model.ts";
import { GITHUB_COMMENT_LIMIT, PLAN_MARKDOWN_MARKER, renderPlanMarkdown } from "./plan-markdown.ts";

const group = (groupId: string) => ({
  target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId },
});

function manyChanges(count: number, valueLength: number): ResourceChange[] {
  return Array.from({ length: count }, (_, index) => {
    const name = `partner-${String(index).padStart(6, "0")}`;
    const value = `${"v".repeat(valueLength)}|${index}`;
    return change({
      address: `remoteAssistancePartner[contoso].${name}`,
      name,
      changes: [
        { property: "displayName", before: "old", after: value },
        {
          property: "onboardingUrl",
          before: "https://a.example/",
          after: `https://b.example/${value}`,
        },
      ],
      patch: { displayName: value, onboardingUrl: `https://b.example/${value}` },
    });
  });
}

describe("renderPlanMarkdown", () => {
  it("groups a cause shared by 400 tenants into one problem item with the count and the tenants", () => {
    const tenants = Array.from(
      { length: 400 },
      (_, index) => `customer-${String(index).padStart(3, "0")}`,
    );
    const markdown = renderPlanMarkdown(
      plan({
        tenants,
        problems: tenants.map((tenant, index) =>
          problem({
            tenant,
            address: undefined,
            code: "read-failed",
            cause: "permissions",
            summary: `not permitted in tenant ${tenant}: AADSTS65001 consent missing for tenant ${String(index).padStart(8, "0")}-0000-4000-8000-000000000000`,
            detail: "An administrator of the tenant must grant admin consent.",
            candidates: undefined,
          }),
        ),
      }),
    );
    expect(markdown).toContain("#### 400 problems, 1 cause\n");
    expect(markdown.match(/AADSTS65001/g)).toHaveLength(1);
    expect(markdown).toContain("**400 tenants**, one cause (shown for the first): ");
    expect(markdown).toContain("Tenants: customer-000, customer-001,");
    expect(markdown).toContain(", … 200 more");
    expect(markdown).not.toContain("more problem");
  });

  it("starts with the marker and summarises per tenant", () => {
    const markdown = renderPlanMarkdown(
      plan({
        tenants: ["contoso", "fabrikam"],
        changes: [change()],
        unchangedCount: 5,
        unchangedByTenant: { contoso: 2, fabrikam: 3 },
        problems: [
          problem({
            tenant: "fabrikam",
            address: undefined,
            code: "read-failed",
            summary: "could not read tenant fabrikam: down",
            candidates: undefined,
          }),
        ],
      }),
    );
    expect(
      markdown.startsWith(
        `${PLAN_MARKDOWN_MARKER}\n### intune-gitops plan: 1 to change, 5 unchanged, 1 error\n`,
      ),
    ).toBe(true);
    expect(markdown).toContain(
      "| tenant | to change | unchanged | errors |\n| --- | ---: | ---: | ---: |\n" +
        "| contoso | 1 | 2 | 0 |\n| fabrikam | 0 | 3 | 1 |\n" +
        "| **all 2 tenants** | **1** | **5** | **1** |\n",
    );
    expect(markdown).toContain("#### 1 problem\n- ❌ could not read tenant fabrikam&#58; down");
  });

  it("shows a small plan inline: a table of live and desired values per object", () => {
    const markdown = renderPlanMarkdown(plan({ changes: [change()] }));
    expect(markdown).toContain(
      "<code>~ remoteAssistancePartner.teamviewer</code> (tenant contoso, id <code>7443c8b9…</code>, beta): 1 property\n\n" +
        "| property | live | desired |\n| --- | --- | --- |\n" +
        '| <code>onboardingStatus</code> | <code>"notOnboarded"</code> | <code>"onboarded"</code> |\n\n',
    );
    expect(markdown).not.toContain("<details>");
  });

  it("groups an identical change across tenants into one block that names the tenants", () => {
    const tenants = Array.from(
      { length: 42 },
      (_, index) => `customer-${String(index).padStart(3, "0")}`,
    );
    const changes = tenants.map((tenant) =>
      change({ tenant, address: `remoteAssistancePartner[${tenant}].teamviewer` }),
    );
    const other = change({
      tenant: "customer-000",
      address: "remoteAssistancePartner[customer-000].teamviewer2",
      name: "teamviewer2",
    });
    const markdown = renderPlanMarkdown(
      plan({
        tenants,
        changes: [...changes, other].sort((a, b) => (a.address < b.address ? -1 : 1)),
      }),
    );
    expect(markdown.match(/onboardingStatus/g)).toHaveLength(2);
    expect(markdown).toContain(
      `<code>~ remoteAssistancePartner.teamviewer</code> in 42 tenants (beta): 1 property`,
    );
    expect(markdown).toContain(`Tenants: ${tenants.join(", ")}`);
    expect(markdown).toContain("#### 43 objects to change, in 2 blocks");
    // Forty-two quiet rows would say nothing the totals do not.
    expect(markdown).not.toContain("| customer-041 |");
  });

  it("never cuts through a tag, whatever the limit", () => {
    fc.assert(
      fc.property(
        anyPlanArbitrary({ maxChanges: 30 }),
        fc.integer({ min: 1_000, max: 8_000 }),
        (anyPlan, maxLength) => {
          const markdown = renderPlanMarkdown(anyPlan, { maxLength });
          for (const tag of ["details", "summary", "code"]) {
            expect(markdown.split(`<${tag}>`).length).toBe(markdown.split(`</${tag}>`).length);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("shows assignment sets with what is added and removed", () => {
    const markdown = renderPlanMarkdown(
      plan({
        changes: [
          change({
            kind: "DeviceManagementPartner",
            changes: [
              {
                property: "groupsRequiringPartnerEnrollment",
                before: [group("a"), group("b")],
                after: [group("a"), group("c")],
              },
            ],
            patch: { groupsRequiringPartnerEnrollment: [group("a"), group("c")] },
          }),
        ],
      }),
    );
    expect(markdown).toContain(
      "| <code>groupsRequiringPartnerEnrollment</code> | <code>target groupAssignmentTarget groupId=a</code><br>− <code>target groupAssignmentTarget groupId=b</code> | <code>target groupAssignmentTarget groupId=a</code><br>+ <code>target groupAssignmentTarget groupId=c</code> |",
    );
  });

  it("says so when nothing changes", () => {
    const markdown = renderPlanMarkdown(
      plan({ unchangedCount: 4, unchangedByTenant: { contoso: 4 } }),
    );
    expect(markdown).toContain(
      "### intune-gitops plan: no changes\n\nThe tenants match the configuration.",
    );
    expect(markdown).not.toContain("<details>");
  });

  it("escapes values so they cannot break the table or turn into markup", () => {
    const nasty =
      "a|b `c` <script>x</script> @octocat #1 :tada: $x$ https://evil.example www.evil.example *b* [l](u)\nnext";
    const markdown = renderPlanMarkdown(
      plan({
        changes: [
          change({
            liveDisplayName: nasty,
            changes: [{ property: "displayName", before: nasty, after: "ok" }],
            patch: { displayName: "ok" },
          }),
        ],
        problems: [problem({ summary: nasty, candidates: [{ id: "1", displayName: nasty }] })],
      }),
    );
    const row = markdown.split("\n").find((line) => line.startsWith("| <code>displayName"))!;
    expect(row.split("|").length).toBe(5);
    for (const raw of [
      "<script>",
      "`c`",
      "@octocat",
      ":tada:",
      "$x$",
      "https://",
      "www.evil",
      "*b*",
      "[l]",
    ]) {
      expect(markdown).not.toContain(raw);
    }
    // An issue reference is `#1` not inside an entity such as `&#124;`.
    expect(markdown).not.toMatch(/(^|[^&])#1\b/);
    expect(markdown).toContain("&#60;script&#62;");
    expect(markdown).not.toContain("\nnext");
  });

  it("stays within GitHub's limit for a huge plan and says what it left out", () => {
    const huge = plan({
      tenants: Array.from(
        { length: 3_000 },
        (_, index) => `tenant-${String(index).padStart(5, "0")}`,
      ),
      changes: manyChanges(5_000, 2_000),
      unchangedCount: 0,
      problems: Array.from({ length: 2_000 }, (_, index) =>
        problem({
          address: `remoteAssistancePartner[contoso].missing-${String(index).padStart(5, "0")}`,
          summary: "s".repeat(3_000),
          candidates: Array.from({ length: 50 }, (_, c) => ({
            id: `id-${c}`,
            displayName: "d".repeat(500),
          })),
        }),
      ),
    });
    const markdown = renderPlanMarkdown(huge);
    expect(markdown.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(markdown.startsWith(PLAN_MARKDOWN_MARKER)).toBe(true);
    expect(markdown).toMatch(/… \d+ more objects: run plan locally or see the JSON artifact\./);
    expect(markdown).toMatch(/… \d+ more problems: run plan locally or see the JSON artifact\./);
    expect(markdown).toContain("| 3000 tenants without changes |");
    expect(markdown).toContain("**5000**");
  });

  it("drops details progressively: full tables first, then one line per object", () => {
    const markdown = renderPlanMarkdown(plan({ changes: manyChanges(300, 300) }));
    expect(markdown.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    const details = markdown.split("<details>").length - 1;
    const lines = markdown.split("\n").filter((line) => line.startsWith("- <code>~")).length;
    expect(details).toBeGreaterThan(0);
    expect(lines).toBeGreaterThan(0);
    expect(details + lines).toBe(300);
    expect(markdown).toContain("some objects are shown without their details");
    expect(markdown).not.toContain("more objects");
  });

  it("shows everything when it fits", () => {
    const markdown = renderPlanMarkdown(plan({ changes: manyChanges(20, 50) }));
    expect(markdown.split("<details>").length - 1).toBe(20);
    expect(markdown).not.toContain("run plan locally");
  });

  it("never throws and never exceeds the limit, on any plan", () => {
    fc.assert(
      fc.property(
        anyPlanArbitrary({ maxChanges: 30 }),
        fc.integer({ min: 1_000, max: 20_000 }),
        (anyPlan, maxLength) => {
          const markdown = renderPlanMarkdown(anyPlan, { maxLength });
          expect(markdown.length).toBeLessThanOrEqual(maxLength);
          expect(markdown.startsWith(PLAN_MARKDOWN_MARKER)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
