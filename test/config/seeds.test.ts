import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { RESOURCES } from "../../src/resources/registry.ts";
import { GRAPH_VERSIONS, type GraphVersion } from "../../src/resources/types.ts";
import { loadSeedPages } from "../helpers/seeds.ts";
import { check } from "./helpers.ts";

/**
 * Golden: the example request body of each seed Graph page, written as a YAML spec (without
 * `@odata.type` and `id`), validates on the page's own Graph version and keeps every value exactly;
 * on the other version it fails, property by property, where that version lacks a property.
 */

function configFor(graphType: string, version: GraphVersion, spec: Record<string, unknown>) {
  const resource = RESOURCES.find((candidate) => candidate.graphType === graphType)!;
  const tenant = `apiVersion: intune-gitops/v1
kind: Tenant
metadata: { name: contoso }
spec:
  tenantId: 6babcaad-604b-40ac-a9d7-9fd97c0b779f
  graphVersion: ${version}
  auth: { method: environment }
`;
  const object = stringify({
    apiVersion: "intune-gitops/v1",
    kind: resource.kind,
    metadata: { name: "example", tenants: "contoso", match: { displayName: "Display Name value" } },
    spec,
  });
  return { resource, result: check({ "tenant.yaml": tenant, "object.yaml": object }), object };
}

describe.each(loadSeedPages().map((page) => [page.file, page] as const))(
  "seed page %s",
  (_file, page) => {
    const spec = Object.fromEntries(
      Object.entries(page.request).filter(([key]) => key !== "id" && !key.startsWith("@odata.")),
    );

    it(`validates on its own version (${page.graphVersion}) with every value kept exactly`, () => {
      const { result, object } = configFor(page.graphType, page.graphVersion, spec);
      // The YAML really has the date-times unquoted: the loader must still read them as text.
      expect(object).toMatch(/DateTime: \d{4}-\d{2}-\d{2}T/);
      expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const declared = result.state!.objects[0]!.spec;
      expect(declared).toEqual(spec);
      // Warnings only for deprecated properties the page still lists.
      for (const warning of result.diagnostics) expect(warning.code).toBe("deprecated-property");
    });

    const other = GRAPH_VERSIONS.find((version) => version !== page.graphVersion)!;
    it(`on ${other}, fails exactly where ${other} lacks a property, saying which version has it`, () => {
      const { resource, result } = configFor(page.graphType, other, spec);
      const missing = Object.keys(spec).filter(
        (name) => !resource.properties[other].some((property) => property.name === name),
      );
      const errors = result.diagnostics.filter((d) => d.severity === "error");
      expect(errors.map((d) => d.code)).toEqual(missing.map(() => "not-in-graph-version"));
      missing.forEach((name, index) => {
        expect(errors[index]!.summary).toBe(
          `spec.${name} exists only in Graph ${page.graphVersion}, but tenant contoso uses ${other}`,
        );
        expect(errors[index]!.detail).toContain(`set metadata.graphVersion: ${page.graphVersion}`);
      });
      expect(result.state === undefined).toBe(missing.length > 0);
    });
  },
);

it("the seed pages include one with a beta-only property (so the test above can fail)", () => {
  const betaOnly = loadSeedPages().filter((page) => {
    const resource = RESOURCES.find((candidate) => candidate.graphType === page.graphType)!;
    return Object.keys(page.request).some(
      (name) =>
        !name.startsWith("@") &&
        name !== "id" &&
        !resource.properties["v1.0"].some((p) => p.name === name),
    );
  });
  expect(betaOnly.map((page) => page.file)).toEqual([
    "000_863e2432f754272b.txt",
    "004_890ede27bd154ab7.txt",
  ]);
});
