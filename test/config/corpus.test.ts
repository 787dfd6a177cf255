import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { MAX_FILE_BYTES } from "../../src/config/decode.ts";
import { loadConfig, parseConfig } from "../../src/config/loader.ts";
import type { ConfigResult } from "../../src/config/model.ts";
import { renderValidationText } from "../../src/render/diagnostics-text.ts";
import { runValidate } from "../helpers/cli.ts";
import { TENANTS } from "./helpers.ts";

/**
 * The corpus of broken configurations (`test/fixtures/corpus/<case>/`): each folder holds the
 * files of one configuration and `expected.json`, the exact diagnostics it must produce (severity,
 * code, file:line:column, and the summary or a fragment of it) and whether it is valid. Every case
 * runs through `loadConfig` (files from disk) and `parseConfig` (the pure core); a selection also
 * through the CLI, as a user would run it.
 */

const CORPUS = fileURLToPath(new URL("../fixtures/corpus/", import.meta.url));

interface Expected {
  description: string;
  valid: boolean;
  diagnostics: { severity: "error" | "warning"; code: string; at?: string; message: string }[];
}

const cases = readdirSync(CORPUS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

function expectedOf(name: string): Expected {
  return JSON.parse(readFileSync(join(CORPUS, name, "expected.json"), "utf8")) as Expected;
}

function checkAgainst(result: ConfigResult, expected: Expected): void {
  const actual = result.diagnostics.map((d) => ({
    severity: d.severity,
    code: d.code,
    ...(d.source ? { at: `${d.source.file}:${d.source.line}:${d.source.column}` } : {}),
  }));
  expect(actual).toEqual(expected.diagnostics.map(({ message: _message, ...rest }) => rest));
  expected.diagnostics.forEach((diagnostic, index) => {
    expect(result.diagnostics[index]!.summary).toContain(diagnostic.message);
    // Every diagnostic says what to do.
    expect(result.diagnostics[index]!.detail ?? "").not.toBe("");
  });
  expect(result.state !== undefined).toBe(expected.valid);
  const text = renderValidationText(result, { color: false });
  expect(text).not.toMatch(/\n\s+at |ZodError|"code": "invalid_|\[object Object\]|undefined/);
}

describe("corpus", () => {
  it("has at least 30 broken configurations, each with its expectations", () => {
    const broken = cases.filter((name) => !expectedOf(name).valid);
    expect(broken.length).toBeGreaterThanOrEqual(30);
    for (const name of cases) expect(expectedOf(name).diagnostics.length, name).toBeGreaterThan(0);
  });

  describe.each(cases)("%s", (name) => {
    const expected = expectedOf(name);

    it(`loadConfig: ${expected.description}`, async () => {
      checkAgainst(await loadConfig(join(CORPUS, name)), expected);
    });

    it("parseConfig gives the same diagnostics from the same bytes", () => {
      const folder = join(CORPUS, name);
      const files = readdirSync(folder)
        .filter((file) => /\.ya?ml$/.test(file))
        .map((file) => ({ path: file, text: readFileSync(join(folder, file)) }));
      checkAgainst(parseConfig(files), expected);
    });
  });

  it("leaves Object.prototype alone", () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain("polluted");
  });
});

describe("a 10 MB file (generated, not committed)", () => {
  const folder = mkdtempSync(join(tmpdir(), "intune-gitops-corpus-"));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const document = (index: number) =>
    `apiVersion: intune-gitops/v1\nkind: RemoteAssistancePartner\nmetadata:\n  name: tv-${index}\n  tenants: all\n  match: { displayName: TeamViewer ${index} }\nspec:\n  onboardingStatus: onboarded\n`;
  const parts: string[] = [];
  let size = 0;
  for (let index = 0; size < 10 * 1024 * 1024; index++) {
    parts.push(document(index));
    size += parts[parts.length - 1]!.length + 4;
  }
  const big = parts.join("---\n");
  writeFileSync(join(folder, "tenants.yaml"), TENANTS);
  writeFileSync(join(folder, "objects.yaml"), big);

  it("is refused with a diagnostic by loadConfig, without reading it", async () => {
    const result = await loadConfig(folder);
    expect(result.diagnostics).toMatchObject([
      { code: "file-too-large", source: { file: "objects.yaml", line: 1, column: 1 } },
    ]);
    expect(result.diagnostics[0]!.summary).toContain("10.0 MB");
    expect(result.state).toBeUndefined();
  });

  it("is the only error when it is the only file (not also an empty configuration)", async () => {
    const alone = mkdtempSync(join(tmpdir(), "intune-gitops-corpus-"));
    try {
      writeFileSync(join(alone, "objects.yaml"), big);
      const result = await loadConfig(alone);
      expect(result.diagnostics.map((diagnostic) => diagnostic.code)).toEqual(["file-too-large"]);
    } finally {
      rmSync(alone, { recursive: true, force: true });
    }
  });

  it("is refused by parseConfig too", () => {
    expect(big.length).toBeGreaterThan(MAX_FILE_BYTES);
    const result = parseConfig([
      { path: "tenants.yaml", text: TENANTS },
      { path: "objects.yaml", text: big },
    ]);
    expect(result.diagnostics).toMatchObject([{ code: "file-too-large" }]);
  });

  it("ends validate quickly with exit 1 and no stack trace", async () => {
    const run = await runValidate(["--config", folder]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`objects.yaml:1:1: the file is 10.0 MB`);
    expect(run.stderr).toBe("");
  });
});

describe("corpus through the CLI", () => {
  it.each([
    ["enum-member", "partner.yaml:8:21"],
    ["alias-bomb", "bomb.yaml:9:31"],
    ["latin1-bytes", "partner.yaml:8:19"],
    ["utf16-file", "partner.yaml:1:1"],
    ["crlf-with-error", "partner.yaml:9:21"],
    ["bom-with-error", "partner.yaml:8:21"],
    ["tab-indentation", "partner.yaml:8:1"],
    ["syntax-unclosed-quote", "partner.yaml:8:18"],
    ["proto-keys", "partner.yaml:8:3"],
    ["deep-nesting", "partner.yaml:8:79"],
    ["inline-client-secret", "tenants.yaml:11:5"],
  ])("%s: exit 1, the diagnostic at %s, no stack", async (name, at) => {
    const expected = expectedOf(name);
    const run = await runValidate(["--config", join(CORPUS, name)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("");
    const first = expected.diagnostics.find((d) => d.at === at)!;
    expect(run.stdout).toContain(
      `${first.severity}: test/fixtures/corpus/${name}/${at}: ${first.message}`,
    );
    expect(run.stdout).toMatch(/\nConfiguration invalid: \d+ errors?(, \d+ warnings?)?\.\n$/);
    expect(run.stdout).not.toMatch(/\n\s+at /);
    expect(run.stdout).not.toContain("\u001b[");
  });

  it("a case with warnings only exits 0", async () => {
    const run = await runValidate(["--config", join(CORPUS, "deprecated-property")]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("warning: ");
    expect(run.stdout).toContain("Configuration valid: 2 tenants, 1 object (2 files). 1 warning.");
  });

  it("never prints a secret", async () => {
    const run = await runValidate([
      "--config",
      join(CORPUS, "secret-in-env-key"),
      "--format",
      "json",
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).not.toContain("fakeSecretValue");
    expect(JSON.parse(run.stdout)).toMatchObject({
      valid: false,
      errors: [{ code: "inline-secret" }],
    });
  });
});
