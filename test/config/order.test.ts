import { describe, expect, it } from "vitest";
import { brief, check, objectYaml, TENANTS } from "./helpers.ts";

/**
 * Where a tenant is declared does not change what its objects mean. The loader checks an object
 * as soon as every tenant it names is known and keeps the rest until the whole configuration is
 * read (so that it need not hold every document); these cases pin that the result is the same
 * either way: tenants declared in a later file, later in the same file, or both.
 */

const [CONTOSO, FABRIKAM] = TENANTS.split("---\n");
const partner = (tenants: string, name = "partner") =>
  objectYaml({
    name,
    tenants,
    match: `{ displayName: ${name} }`,
    spec: "onboardingStatus: onboarded",
  });

function objectsOf(result: ReturnType<typeof check>) {
  return result.state?.objects.map((o) => [o.tenant, o.name, o.graphVersion, o.source.file]);
}

describe("objects and the tenants they name, in any order", () => {
  it("accepts an object whose tenant is declared in a later file, with that tenant's Graph version", () => {
    const result = check({ "a.yaml": partner("fabrikam"), "z.yaml": TENANTS });
    expect(result.diagnostics).toEqual([]);
    expect(objectsOf(result)).toEqual([["fabrikam", "partner", "v1.0", "a.yaml"]]);
  });

  it("accepts an object above its tenant in the same file", () => {
    const result = check({ "one.yaml": `${partner("contoso")}---\n${CONTOSO}` });
    expect(result.diagnostics).toEqual([]);
    expect(objectsOf(result)).toEqual([["contoso", "partner", "beta", "one.yaml"]]);
  });

  it("expands tenants: all to tenants declared before and after the object", () => {
    const result = check({
      "a.yaml": CONTOSO!,
      "b.yaml": partner("all"),
      "c.yaml": FABRIKAM!,
    });
    expect(result.diagnostics).toEqual([]);
    expect(objectsOf(result)).toEqual([
      ["contoso", "partner", "beta", "b.yaml"],
      ["fabrikam", "partner", "v1.0", "b.yaml"],
    ]);
  });

  it("names an object whose tenants are known at once and one that waits for a later file the same way", () => {
    const result = check({
      "a.yaml": CONTOSO!,
      "b.yaml": partner("[contoso, fabrikam]"),
      "c.yaml": partner("contoso", "second"),
      "d.yaml": FABRIKAM!,
    });
    expect(result.diagnostics).toEqual([]);
    expect(objectsOf(result)).toEqual([
      ["contoso", "partner", "beta", "b.yaml"],
      ["contoso", "second", "beta", "c.yaml"],
      ["fabrikam", "partner", "v1.0", "b.yaml"],
    ]);
  });

  it("reports a duplicate at the later document, whichever of the two waited for its tenants", () => {
    const result = check({
      "a.yaml": partner("fabrikam"),
      "b.yaml": TENANTS,
      "c.yaml": partner("fabrikam"),
    });
    expect(result.diagnostics).toEqual([
      {
        severity: "error",
        code: "duplicate-object",
        summary: 'RemoteAssistancePartner "partner" is declared twice in tenant fabrikam',
        detail: "the other declaration is at a.yaml:4:9: remove one, or give them different names",
        source: { file: "c.yaml", line: 4, column: 9 },
      },
    ]);
  });

  it("suggests a tenant declared in a later file for a misspelt name", () => {
    const result = check({ "a.yaml": partner("fabrikan"), "z.yaml": TENANTS });
    expect(result.diagnostics).toEqual([
      {
        severity: "error",
        code: "unknown-tenant",
        summary: 'metadata.tenants: no tenant is named "fabrikan"',
        detail: "did you mean fabrikam?",
        source: { file: "a.yaml", line: 5, column: 12 },
      },
    ]);
  });

  it("uses the first of two declarations of a tenant, even when an object between them is checked early", () => {
    const other = FABRIKAM!
      .replace("v1.0", "beta")
      .replace("3f2b8c4d-1e6a-4b9f-a7d5-8c0e2b4f6a19", "0e6b9c1a-2d3f-4a5b-8c7d-9e0f1a2b3c4d");
    const result = check({ "a.yaml": FABRIKAM!, "b.yaml": partner("fabrikam"), "c.yaml": other });
    expect(brief(result)).toEqual(["error duplicate-tenant c.yaml:4:9"]);
    expect(result.state).toBeUndefined();
  });
});
