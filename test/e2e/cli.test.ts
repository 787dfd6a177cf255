import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/cli/commands.ts";
import { EXAMPLES, runCli } from "../helpers/cli.ts";

const version = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  }
).version;
const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const STACK = /\n\s+at .+:\d+:\d+/;

describe("the intune-gitops command line", () => {
  it("prints the package version", async () => {
    const run = await runCli(["--version"]);
    expect(run).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it("teaches with --help, for the tool and for every command", async () => {
    const general = await runCli(["--help"]);
    expect(general.code).toBe(0);
    for (const command of COMMANDS) expect(general.stdout).toContain(command.name);
    for (const command of COMMANDS) {
      const run = await runCli([command.name, "--help"]);
      expect(run.code, command.name).toBe(0);
      expect(run.stdout, command.name).toMatch(/^Usage: intune-gitops /);
      expect(run.stdout, command.name).toMatch(/Exit code/i);
    }
  });

  it("rejects an unknown command with a suggestion, exit 1 and no stack trace", async () => {
    const run = await runCli(["pln"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('unknown command "pln"; did you mean "plan"?');
    expect(run.stderr).not.toMatch(STACK);
  });

  it("rejects an unknown flag and a stray argument, exit 1 and no stack trace", async () => {
    const flag = await runCli(["plan", "--colour"]);
    expect(flag.code).toBe(1);
    expect(flag.stderr).toMatch(/plan: Unknown option '--colour'/);
    expect(flag.stderr).not.toMatch(STACK);
    const stray = await runCli(["validate", "extra"]);
    expect(stray.code).toBe(1);
    expect(stray.stderr).toMatch(/unexpected argument extra/);
    const format = await runCli(["plan", "--format", "yaml"]);
    expect(format.code).toBe(1);
    expect(format.stderr).toMatch(/--format yaml: expected one of text, markdown, json/);
  });

  it("runs the README's demo: the example plan against the bundled emulator", async () => {
    const run = await runCli(["demo"], { timeoutMs: 60_000 });
    expect(run.stderr).not.toMatch(STACK);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Plan: 2 to change, 2 unchanged.");
  });

  // `npm ci` builds dist/ (prepare); the published bin runs that bundle, not the sources. Where
  // it was not built (tests run without `npm ci`), it is built here rather than skipped.
  const bin = fileURLToPath(new URL("../../bin/intune-gitops.js", import.meta.url));
  const bundle = fileURLToPath(new URL("../../dist/bundle.cjs", import.meta.url));
  it("runs from the built bundle, as npx intune-gitops does", () => {
    if (!existsSync(bundle)) {
      const build = spawnSync("npm", ["run", "build"], { cwd: REPO_ROOT, encoding: "utf8" });
      expect(build.status, `npm run build: ${build.stderr}`).toBe(0);
    }
    expect(existsSync(bundle)).toBe(true);
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [bin, ...args], {
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: "1" },
      });
    expect(run("--version").stdout).toBe(`${version}\n`);
    const validate = run("validate", "--config", EXAMPLES);
    expect(validate.status).toBe(0);
    expect(validate.stdout).toContain("Configuration valid: 2 tenants, 4 objects (3 files).");
  });

  // Resolving @azure/identity's few hundred modules at run time cost a 1-tenant plan about a
  // third of its CPU (bench/RESULTS.md); bundled, it is a few files the compile cache keeps.
  it("holds @azure/identity in the bundle: no import of it is left to resolve at run time", () => {
    const importsOfIdentity = readdirSync(dirname(bundle))
      .filter((file) => file.endsWith(".cjs"))
      .filter((file) =>
        /\brequire\(\s*["']@azure\/|^\s*import\b[^;\n]*from\s*["']@azure\/|\bimport\(\s*["']@azure\//m.test(
          readFileSync(join(dirname(bundle), file), "utf8"),
        ),
      );
    expect(importsOfIdentity).toEqual([]);
  });
});
