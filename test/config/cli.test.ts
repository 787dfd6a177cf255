import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, runCli, runValidate } from "../helpers/cli.ts";

/** `validate` and `schema` run as a user runs them: exit codes, stdout, stderr. */

describe("intune-gitops validate", () => {
  it("accepts config-examples/ (exit 0)", async () => {
    const run = await runValidate(["--config", "config-examples"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^Configuration valid: 2 tenants, 4 objects \(3 files\)\.( \d+ warnings?\.)?$/m,
    );
    expect(run.stdout).not.toMatch(/^error:/m);
  });

  it("reads the current folder by default", async () => {
    const run = await runValidate([], { cwd: `${REPO_ROOT}config-examples` });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Configuration valid: 2 tenants, 4 objects (3 files).");
  });

  it("prints JSON for machines, with paths relative to the current folder", async () => {
    const valid = await runValidate(["--config", "config-examples", "--format", "json"]);
    expect(valid.code).toBe(0);
    const document = JSON.parse(valid.stdout) as Record<string, unknown>;
    expect(document).toMatchObject({
      format_version: 1,
      valid: true,
      errors: [],
      summary: { errors: 0, tenants: 2, objects: 4, files: 3 },
    });
    expect(document.digest).toMatch(/^[0-9a-f]{64}$/);

    const invalid = await runValidate([
      "-c",
      "test/fixtures/corpus/many-errors-one-run",
      "-f",
      "json",
    ]);
    expect(invalid.code).toBe(1);
    expect(JSON.parse(invalid.stdout)).toMatchObject({
      valid: false,
      digest: null,
      summary: { errors: 4, warnings: 0 },
      errors: [
        {
          code: "unknown-tenant",
          file: "test/fixtures/corpus/many-errors-one-run/partner.yaml",
          line: 5,
          column: 22,
          summary: 'metadata.tenants[1]: no tenant is named "tailspin"',
          detail: "the declared tenants are contoso, fabrikam",
        },
        { code: "invalid-url" },
        { code: "enum-member" },
        { code: "invalid-date-time" },
      ],
    });
  });

  it("prints each problem with what to do, then the summary", async () => {
    const run = await runValidate(["--config", "test/fixtures/corpus/enum-member"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      'error: test/fixtures/corpus/enum-member/partner.yaml:8:21: spec.onboardingStatus: "onbarded" is not one of notOnboarded, onboarding, onboarded\n' +
        "  → did you mean onboarded?\n" +
        "\n" +
        "Configuration invalid: 1 error.\n",
    );
  });

  it("says when the folder does not exist", async () => {
    const run = await runValidate(["--config", "no/such/folder"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("error: the configuration folder");
    expect(run.stdout).toContain("→ pass the folder");
  });

  it("teaches with --help", async () => {
    const run = await runValidate(["--help"]);
    expect(run.code).toBe(0);
    for (const text of [
      "Usage: intune-gitops validate",
      "--config DIR",
      "--format",
      "Examples:",
      "Exit codes: 0 valid",
    ]) {
      expect(run.stdout).toContain(text);
    }
  });

  it("rejects an unknown format as a usage error", async () => {
    const run = await runValidate(["--format", "xml"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("--format xml: expected one of text, json");
    expect(run.stdout).toBe("");
  });

  it("loads neither @azure/identity nor the Graph client", async () => {
    // Module resolution hooks record every module the validate run loads (clouds.ts is data).
    const script = `
      import { registerHooks } from "node:module";
      const loaded = [];
      registerHooks({ resolve(specifier, context, next) { const result = next(specifier, context); loaded.push(result.url); return result; } });
      const { runCli } = await import(${JSON.stringify(`${REPO_ROOT}src/cli/main.ts`)});
      const sink = { write() { return true; } };
      const code = await runCli(["validate", "--config", ${JSON.stringify(`${REPO_ROOT}config-examples`)}], {
        stdout: sink, stderr: sink, stdin: process.stdin, env: {}, cwd: process.cwd(), abortSignal: new AbortController().signal,
      });
      process.stdout.write(JSON.stringify({ code, loaded }));
    `;
    const { execFileSync } = await import("node:child_process");
    const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      timeout: 30_000,
    });
    const { code, loaded } = JSON.parse(output) as { code: number; loaded: string[] };
    expect(code).toBe(0);
    expect(loaded.some((url) => url.includes("/src/config/loader.ts"))).toBe(true);
    // redact.ts is allowed: every command's output passes it, and it imports nothing.
    expect(
      loaded.filter((url) => /@azure|\/src\/(graph|plan|apply|emulator|auth)\//.test(url)),
    ).toEqual([]);
  });
});

describe("intune-gitops schema", () => {
  it("prints the JSON Schema that is committed in schema/", async () => {
    const run = await runCli(["schema"], { cwd: REPO_ROOT });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe(readFileSync(`${REPO_ROOT}schema/intune-gitops.schema.json`, "utf8"));
    expect(JSON.parse(run.stdout)).toMatchObject({
      $schema: "http://json-schema.org/draft-07/schema#",
    });
  });

  it("teaches with --help", async () => {
    const run = await runCli(["schema", "--help"], { cwd: REPO_ROOT });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("yaml-language-server: $schema=");
  });
});
