import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configReferenceMarkdown } from "../../src/config/reference.ts";
import { RESOURCES } from "../../src/resources/registry.ts";
import { GRAPH_VERSIONS } from "../../src/resources/types.ts";
import { REPO_ROOT } from "../helpers/cli.ts";

/** The documentation of the format cannot drift from the schema or from the diagnostics. */

const REFERENCE = `${REPO_ROOT}docs/configuration-reference.md`;
const GUIDE = `${REPO_ROOT}docs/configuration.md`;

describe("docs/configuration-reference.md", () => {
  it("is generated from the JSON Schema and up to date", () => {
    const committed = readFileSync(REFERENCE, "utf8");
    expect(
      committed === configReferenceMarkdown(),
      "docs/configuration-reference.md is out of date; regenerate it with: node src/cli/bin.ts schema --format markdown > docs/configuration-reference.md",
    ).toBe(true);
  });

  it("documents every property of every kind", () => {
    const reference = configReferenceMarkdown();
    for (const resource of RESOURCES) {
      expect(reference).toContain(`## \`kind: ${resource.kind}\``);
      for (const version of GRAPH_VERSIONS) {
        for (const property of resource.properties[version]) {
          expect(reference).toContain(`| \`spec.${property.name}\` |`);
        }
      }
    }
  });
});

describe("docs/configuration.md", () => {
  const documented = new Set(
    [...readFileSync(GUIDE, "utf8").matchAll(/^\| `([a-z-]+)` +\| (error|warning) +\|/gm)].map(
      (match) => match[1]!,
    ),
  );

  it("lists exactly the diagnostic codes the loader emits", () => {
    // Every kebab-case string literal in src/config is a diagnostic code.
    const dir = `${REPO_ROOT}src/config/`;
    const emitted = new Set(
      readdirSync(dir)
        .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"))
        .flatMap((file) =>
          [...readFileSync(dir + file, "utf8").matchAll(/"([a-z]+(?:-[a-z]+)+)"/g)].map(
            (match) => match[1]!,
          ),
        ),
    );
    // The property types' own findings on a declared value (`declaredValueFindings`).
    const types = `${REPO_ROOT}src/resources/property-types/`;
    for (const file of readdirSync(types).filter((name) => !name.endsWith(".test.ts"))) {
      for (const match of readFileSync(types + file, "utf8").matchAll(
        /code: "([a-z]+(?:-[a-z]+)+)"/g,
      )) {
        emitted.add(match[1]!);
      }
    }
    expect([...documented].sort()).toEqual([...emitted].sort());
  });

  it("lists every code the corpus expects", () => {
    const corpus = `${REPO_ROOT}test/fixtures/corpus/`;
    for (const name of readdirSync(corpus)) {
      const expected = JSON.parse(readFileSync(`${corpus}${name}/expected.json`, "utf8")) as {
        diagnostics: { code: string }[];
      };
      for (const { code } of expected.diagnostics)
        expect(documented, `${name}: ${code}`).toContain(code);
    }
  });
});
