import { propertyBehaviour } from "./property-types/registry.ts";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { availableOrCi } from "../../test/helpers/precondition.ts";
import { loadSeedPages } from "../../test/helpers/seeds.ts";
import { RESOURCES, findProperty } from "./registry.ts";
import { GRAPH_VERSIONS, type GraphVersion, type PropertyType } from "./types.ts";

/**
 * Conformance: every kind file is registered, and every registered kind's property table agrees
 * with Microsoft's metadata (the copies in `src/emulator/metadata/`, themselves checked against
 * `shared/graph/` when it is present) and with the seed pages. A misspelt property, a wrong type
 * or nullability, or a kind registered without its table fails here.
 */
interface SchemaProperty {
  name: string;
  type: string;
  nullable: boolean;
}
interface Schema {
  entityTypes: Record<string, { collectionPath: string; properties: SchemaProperty[] }>;
  enumTypes: Record<string, { members: { name: string }[] }>;
}

const metadataDir = fileURLToPath(new URL("../emulator/metadata/", import.meta.url));
const sharedGraphDir = fileURLToPath(new URL("../../../shared/graph/", import.meta.url));
const resourcesDir = fileURLToPath(new URL("./", import.meta.url));

function loadSchema(version: GraphVersion): Schema {
  return JSON.parse(readFileSync(`${metadataDir}schema-${version}.json`, "utf8")) as Schema;
}

/** The registry's type, written as the metadata writes it: its type module's Edm name. */
function edmTypeOf(type: PropertyType): string {
  return propertyBehaviour(type).edmName;
}

const NON_KIND_FILES = new Set(["types.ts", "registry.ts", "index.ts", "assignment-targets.ts"]);

describe("resource registry", () => {
  it("registers every kind file in src/resources/, and nothing twice", () => {
    const kindFiles = readdirSync(resourcesDir).filter(
      (file) => file.endsWith(".ts") && !file.endsWith(".test.ts") && !NON_KIND_FILES.has(file),
    );
    const toFileName = (kind: string) =>
      `${kind.replace(/([a-z])([A-Z])/g, "$1-$2").toLowerCase()}.ts`;
    expect(RESOURCES.map((resource) => toFileName(resource.kind)).sort()).toEqual(kindFiles.sort());
    expect(new Set(RESOURCES.map((resource) => resource.kind)).size).toBe(RESOURCES.length);
  });

  const shared = existsSync(sharedGraphDir);
  it.runIf(availableOrCi(shared, `shared Graph metadata not found at ${sharedGraphDir}`))(
    "ships the same metadata as shared/graph",
    () => {
      expect(shared, `shared Graph metadata must be at ${sharedGraphDir} in CI`).toBe(true);
      for (const version of GRAPH_VERSIONS) {
        const shipped = readFileSync(`${metadataDir}schema-${version}.json`, "utf8");
        const shared = readFileSync(`${sharedGraphDir}schema-${version}.json`, "utf8");
        expect(shipped, `schema-${version}.json`).toBe(shared);
      }
    },
  );

  describe.each(RESOURCES.map((resource) => [resource.kind, resource] as const))(
    "%s",
    (_kind, resource) => {
      it("names the Graph type and collection the metadata has", () => {
        expect(resource.graphType).toBe(
          resource.kind.charAt(0).toLowerCase() + resource.kind.slice(1),
        );
        for (const version of GRAPH_VERSIONS) {
          const entity = loadSchema(version).entityTypes[resource.graphType];
          expect(entity, `${resource.graphType} in ${version} metadata`).toBeDefined();
          expect(resource.collectionPath).toBe(entity!.collectionPath);
        }
      });

      it("describes a row nobody set up by properties of the kind, with values they can hold", () => {
        // Every kind Intune pre-lists has one; a misspelt name would match no row, silently.
        expect(resource.notSetUp).toBeDefined();
        for (const [name, value] of Object.entries(resource.notSetUp ?? {})) {
          for (const version of GRAPH_VERSIONS) {
            const property = findProperty(resource, version, name);
            expect(property, `${name} in ${version}`).toBeDefined();
            if (value === null)
              expect(property?.nullable || property?.type.kind === "url").toBe(true);
            else if (property?.type.kind === "enum") expect(property.type.members).toContain(value);
            else
              expect(typeof value).toBe(property?.type.kind === "boolean" ? "boolean" : "string");
          }
        }
      });

      it("checks health on properties of the kind, with values and types they can hold", () => {
        for (const check of resource.health ?? []) {
          // A check may need a version (beta-only properties): at least one has its property.
          const versions = GRAPH_VERSIONS.filter((version) =>
            findProperty(resource, version, check.property),
          );
          expect(versions.length, `${check.property} in some version`).toBeGreaterThan(0);
          for (const version of versions) {
            const property = findProperty(resource, version, check.property)!;
            if (check.check === "state") {
              expect(property.type.kind).toBe("enum");
              if (property.type.kind === "enum")
                for (const value of check.unhealthy) expect(property.type.members).toContain(value);
              continue;
            }
            expect(property.type.kind, check.property).toBe("dateTimeOffset");
            const condition = findProperty(resource, version, check.when.property);
            expect(condition, `${check.when.property} in ${version}`).toBeDefined();
            if (condition?.type.kind === "enum")
              expect(condition.type.members).toContain(check.when.equals);
            else expect(typeof check.when.equals).toBe(condition?.type.kind);
            expect(check.threshold.setting).toMatch(/^[a-z][A-Za-z]*Hours$/);
            expect(Number.isInteger(check.threshold.defaultHours)).toBe(true);
          }
        }
      });

      it.each(GRAPH_VERSIONS)("has exactly the metadata's properties in %s", (version) => {
        const schema = loadSchema(version);
        const entity = schema.entityTypes[resource.graphType]!;
        const table = resource.properties[version];
        const current = table.filter((property) => !property.deprecated);
        expect(current.map((property) => property.name).sort()).toEqual(
          entity.properties.map((property) => property.name).sort(),
        );
        for (const expected of entity.properties) {
          const property = findProperty(resource, version, expected.name)!;
          expect(edmTypeOf(property.type), `${expected.name} type`).toBe(expected.type);
          expect(property.nullable, `${expected.name} nullable`).toBe(expected.nullable);
          if (property.type.kind === "enum") {
            const members = schema.enumTypes[property.type.enumType]!.members.map((m) => m.name);
            expect(property.type.members, `${expected.name} members`).toEqual(members);
          }
        }
        expect(new Set(table.map((property) => property.name)).size).toBe(table.length);
      });

      it("keeps deprecated properties only where a seed page documents them", () => {
        const seeds = loadSeedPages();
        for (const version of GRAPH_VERSIONS) {
          for (const property of resource.properties[version].filter((p) => p.deprecated)) {
            const documented = seeds.some(
              (page) =>
                page.graphVersion === version &&
                page.graphType === resource.graphType &&
                page.tableProperties.includes(property.name),
            );
            expect(documented, `${version} ${property.name}`).toBe(true);
          }
        }
      });

      it("knows every property the seed pages list and send", () => {
        for (const page of loadSeedPages().filter((p) => p.graphType === resource.graphType)) {
          const names = [...page.tableProperties, ...Object.keys(page.request)].filter(
            (name) => name !== "id" && !name.startsWith("@odata."),
          );
          for (const name of names) {
            expect(
              findProperty(resource, page.graphVersion, name),
              `${page.file}: ${name}`,
            ).toBeDefined();
          }
        }
      });
    },
  );

  it("names each health threshold setting once, so a tenant's setting means one thing", () => {
    const settings = RESOURCES.flatMap((resource) =>
      (resource.health ?? []).flatMap((check) =>
        check.check === "state" ? [] : [check.threshold.setting],
      ),
    );
    expect(settings.length).toBeGreaterThan(0);
    expect(new Set(settings).size).toBe(settings.length);
  });

  it("has a seed page for every kind", () => {
    const pageTypes = new Set(loadSeedPages().map((page) => page.graphType));
    for (const resource of RESOURCES) expect(pageTypes).toContain(resource.graphType);
  });
});
