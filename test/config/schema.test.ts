import { createRequire } from "node:module";
import { readdirSync, readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { configJsonSchema } from "../../src/config/schema.ts";
import { RESOURCES } from "../../src/resources/registry.ts";
import { GRAPH_VERSIONS } from "../../src/resources/types.ts";
import { REPO_ROOT } from "../helpers/cli.ts";

const SCHEMA_FILE = `${REPO_ROOT}schema/intune-gitops.schema.json`;
const REGENERATE = "node src/cli/bin.ts schema > schema/intune-gitops.schema.json";

type JsonSchema = Record<string, unknown> & {
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  description?: string;
};

describe("the JSON Schema", () => {
  it("committed in schema/ is up to date", () => {
    const generated = `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
    const committed = readFileSync(SCHEMA_FILE, "utf8");
    expect(
      committed === generated,
      `schema/intune-gitops.schema.json is out of date; regenerate it with: ${REGENERATE}`,
    ).toBe(true);
  });

  it("offers every property of every kind and Graph version, with the registry's description", () => {
    const schema = configJsonSchema() as JsonSchema;
    for (const resource of RESOURCES) {
      const document = schema.oneOf!.find(
        (option) => option.properties?.kind?.const === resource.kind,
      );
      expect(document, resource.kind).toBeDefined();
      const spec = document!.properties!.spec!;
      expect(spec.additionalProperties).toBe(false);
      for (const version of GRAPH_VERSIONS) {
        for (const property of resource.properties[version]) {
          const entry = spec.properties![property.name];
          expect(entry, `${resource.kind}.${property.name}`).toBeDefined();
          expect(entry!.description).toContain(property.description);
          if (property.deprecated) expect(entry!.deprecated).toBe(true);
        }
      }
    }
  });

  it("is what the configuration examples point their editors at", () => {
    for (const file of readdirSync(`${REPO_ROOT}config-examples`).filter((name) =>
      /\.ya?ml$/.test(name),
    )) {
      const text = readFileSync(`${REPO_ROOT}config-examples/${file}`, "utf8");
      if (!/^(apiVersion|kind):/m.test(text)) continue; // not configuration (the emulator's seed)
      expect(text.split("\n")[0], file).toBe(
        "# yaml-language-server: $schema=../schema/intune-gitops.schema.json",
      );
    }
  });

  // An editor's view: a draft-07 validator (ajv, which eslint brings, so `npm ci` always
  // installs it) accepts the examples and rejects a misspelt enum member. Never skipped: if eslint
  // ever stops bringing ajv, this fails and says so.
  const require = createRequire(import.meta.url);
  type Ajv = new (options: object) => {
    compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown[] };
  };
  it("accepts the examples and rejects mistakes in a JSON Schema validator", () => {
    let Ajv: Ajv;
    try {
      Ajv = require("ajv") as Ajv;
    } catch (error) {
      throw new Error("ajv is not installed (eslint used to bring it): add it to devDependencies", {
        cause: error,
      });
    }
    const validate = new Ajv({
      allErrors: true,
      unknownFormats: "ignore",
      schemaId: "auto",
    }).compile(configJsonSchema());
    let documents = 0;
    for (const file of ["tenants.yaml", "remote-assistance.yaml", "device-management.yaml"]) {
      for (const document of parseAllDocuments(
        readFileSync(`${REPO_ROOT}config-examples/${file}`, "utf8"),
      )) {
        const value = document.toJS() as unknown;
        expect(validate(value), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
        documents++;
      }
    }
    expect(documents).toBe(5);
    const wrong = {
      apiVersion: "intune-gitops/v1",
      kind: "RemoteAssistancePartner",
      metadata: { name: "x", tenants: "all", match: { displayName: "X" } },
      spec: { onboardingStatus: "onbarded" },
    };
    expect(validate(wrong)).toBe(false);
    expect(validate({ ...wrong, spec: { onboardingStatus: "onboarded" } })).toBe(true);
    expect(validate({ ...wrong, spec: { onboardingStatus: "onboarded", extra: 1 } })).toBe(false);
  });
});
