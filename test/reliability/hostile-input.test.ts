import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.ts";
import { canonicalJson, sha256Hex } from "../../src/canonical-json.ts";
import { EXAMPLES, emulatorEnv, runCli, type CliRun } from "../helpers/cli.ts";
import { tempConfig, type TempConfig } from "../helpers/config-dir.ts";
import { runInProcess } from "./in-process-cli.ts";

/**
 * Hostile input through the CLI, as a user (or an attacker with write access to a branch) would
 * feed it: every configuration of the corpus through `validate` and `plan`, and saved plans edited
 * by hand through `apply PLANFILE`. Each is refused with a message, exit 1, no stack trace, and
 * nothing reaches Graph (the emulator's request log proves it).
 */

const CORPUS = fileURLToPath(new URL("../fixtures/corpus/", import.meta.url));

interface Expected {
  readonly valid: boolean;
  readonly diagnostics: readonly { severity: string; code: string; at?: string }[];
}

const cases = readdirSync(CORPUS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => ({
    name: entry.name,
    expected: JSON.parse(
      readFileSync(join(CORPUS, entry.name, "expected.json"), "utf8"),
    ) as Expected,
  }))
  .sort((a, b) => a.name.localeCompare(b.name));
const invalid = cases.filter((entry) => !entry.expected.valid);
const valid = cases.filter((entry) => entry.expected.valid);

/** A Node.js stack frame, or our "this is a bug" banner: neither may ever reach a user. */
const STACK = /\n\s+at .+:\d+:\d+|internal error|This is a bug/;

/** Broken cases also run as a separate process: encodings, size limits and parser bombs. */
const SPAWNED = ["alias-bomb", "deep-nesting", "latin1-bytes", "proto-keys", "utf16-file"];

function expectRefused(run: CliRun, expected: Expected): void {
  expect(run.code).toBe(1);
  expect(run.stdout + run.stderr).not.toMatch(STACK);
  for (const diagnostic of expected.diagnostics) {
    if (diagnostic.at !== undefined) expect(run.stdout + run.stderr).toContain(diagnostic.at);
  }
}

describe("the configuration corpus through the CLI", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  it("has broken cases to run, and the spawned sample is among them", () => {
    expect(invalid.length).toBeGreaterThanOrEqual(30);
    for (const name of SPAWNED) expect(invalid.map((entry) => entry.name)).toContain(name);
  });

  it.each(invalid)(
    "$name: validate and plan refuse it (exit 1, every diagnostic shown, no request sent)",
    async ({ name, expected }) => {
      const config = join(CORPUS, name);
      const validate = await runInProcess(["validate", "--config", config]);
      const plan = await runInProcess(
        ["plan", "--config", config, "--debug"],
        emulatorEnv(emulator),
      );
      expectRefused(validate, expected);
      expectRefused(plan, expected);
      expect(validate.stdout).toMatch(/^error: /m);
      expect(plan.stderr).toContain("the configuration is not valid");
      // Nothing was asked of Graph or Entra ID: not a token, not a read.
      expect(emulator.requests).toEqual([]);
    },
  );

  describe.concurrent("as a separate process", () => {
    it.each(SPAWNED)("%s: validate and plan refuse it", async (name) => {
      const { expected } = invalid.find((entry) => entry.name === name)!;
      const config = join(CORPUS, name);
      const [validate, plan] = await Promise.all([
        runCli(["validate", "--config", config]),
        runCli(["plan", "--config", config], { env: emulatorEnv(emulator) }),
      ]);
      expectRefused(validate, expected);
      expectRefused(plan, expected);
      expect(emulator.requests).toEqual([]);
    });
  });

  it.each(valid)(
    "$name (valid, with warnings): validate passes, plan shows the warning and only reads",
    async ({ name, expected }) => {
      const config = join(CORPUS, name);
      const validate = await runInProcess(["validate", "--config", config]);
      expect(validate.code).toBe(0);
      const plan = await runCli(["plan", "--config", config], { env: emulatorEnv(emulator) });
      expect(plan.stdout + plan.stderr).not.toMatch(STACK);
      expect([0, 1, 2]).toContain(plan.code);
      for (const diagnostic of expected.diagnostics) {
        expect(diagnostic.severity).toBe("warning");
        if (diagnostic.at !== undefined) expect(plan.stderr).toContain(diagnostic.at);
      }
      expect(emulator.requests.filter((entry) => entry.kind === "graph").length).toBeGreaterThan(0);
      expect(emulator.requests.filter((entry) => entry.method === "PATCH")).toEqual([]);
      emulator.reset();
    },
  );
});

describe("hand-edited plan files through apply PLANFILE", () => {
  let emulator: Emulator;
  let dir: TempConfig;
  let original: string;

  beforeAll(async () => {
    emulator = await startEmulator();
    dir = tempConfig();
    const plan = await runCli(["plan", "--config", EXAMPLES, "--out", join(dir.dir, "plan.json")], {
      env: emulatorEnv(emulator),
    });
    expect(plan.code).toBe(0);
    original = readFileSync(join(dir.dir, "plan.json"), "utf8");
    expect(JSON.parse(original).plan.changes).toHaveLength(2);
  });
  afterAll(async () => {
    dir.cleanup();
    await emulator.close();
  });

  interface PlanFile {
    intune_gitops_plan: number;
    tool_version: string;
    config_digest: string;
    checksum: string;
    plan: {
      changes: {
        address: string;
        property_changes: { property: string; before?: unknown; after: unknown }[];
        patch: Record<string, unknown>;
        declared_properties?: string[];
        live_id: string;
        live_display_name: string | null;
      }[];
    };
  }

  /** The saved plan, edited, with its checksum recomputed as an attacker would. */
  function edited(edit: (file: PlanFile) => void, fixChecksum = true): string {
    const file = JSON.parse(original) as PlanFile;
    edit(file);
    if (fixChecksum) file.checksum = sha256Hex(canonicalJson(file.plan as never));
    return `${JSON.stringify(file, null, 2)}\n`;
  }

  const teamviewer = (file: PlanFile) =>
    file.plan.changes.find((change) => change.address.startsWith("remoteAssistancePartner"))!;

  const TAMPERED: readonly (readonly [string, () => string, RegExp])[] = [
    [
      "a patch value edited (checksum left)",
      () =>
        edited((file) => {
          teamviewer(file).patch["onboardingStatus"] = "onboarding";
        }, false),
      /checksum does not match its content \(edited by hand\?\)/,
    ],
    [
      "another tool version",
      () => original.replace(/"tool_version": "[^"]+"/, '"tool_version": "0.0.1"'),
      /plan made by intune-gitops 0\.0\.1, this is .*: run plan again with this version/,
    ],
    [
      "another file format version",
      () => original.replace('"intune_gitops_plan": 2', '"intune_gitops_plan": 99'),
      /plan file format 99 is not one intune-gitops .* reads/,
    ],
    [
      "truncated",
      () => original.slice(0, Math.floor(original.length / 2)),
      /not valid JSON \(truncated\?\)/,
    ],
    ["empty", () => "", /the plan file is empty/],
    [
      "nested 100,000 levels deep",
      () => original.replace(/"onboarded"/g, `${"[".repeat(100_000)}${"]".repeat(100_000)}`),
      /nested too deeply/,
    ],
    [
      "checksum fixed, the patch adds a property its changes do not list",
      () =>
        edited((file) => {
          teamviewer(file).patch["displayName"] = "Pwned";
        }),
      /must have exactly the properties listed in property_changes/,
    ],
    [
      "checksum fixed, the patch sends id",
      () =>
        edited((file) => {
          const change = teamviewer(file);
          change.property_changes.push({ property: "id", before: null, after: "x" });
          change.patch["id"] = "x";
        }),
      /"id" is not a beta property/,
    ],
    [
      "checksum fixed, a PATCH aimed at another path",
      () =>
        edited((file) => {
          teamviewer(file).live_id = "../../users/someone";
        }),
      /must be one URL path segment/,
    ],
    [
      "checksum fixed, a consistent change to a property the configuration does not declare",
      () =>
        edited((file) => {
          const change = teamviewer(file);
          change.property_changes.push({
            property: "displayName",
            before: "TeamViewer",
            after: "Pwned",
          });
          change.patch["displayName"] = "Pwned";
          change.declared_properties = [...(change.declared_properties ?? []), "displayName"];
        }),
      /does not match the configuration/,
    ],
    [
      "checksum fixed, a declared property set to a value the configuration does not hold",
      () =>
        edited((file) => {
          const change = teamviewer(file);
          change.property_changes = change.property_changes.map((c) =>
            c.property === "onboardingStatus" ? { ...c, after: "notOnboarded" } : c,
          );
          change.patch["onboardingStatus"] = "notOnboarded";
        }),
      /does not match the configuration/,
    ],
    [
      "checksum fixed, a change for an object the configuration does not declare",
      () =>
        edited((file) => {
          const change = teamviewer(file);
          change.address = change.address.replace(".teamviewer", ".rogue");
          (change as unknown as { name: string }).name = "rogue";
        }),
      /does not match the configuration/,
    ],
  ];

  it.each(TAMPERED)("refuses %s, clearly, writing nothing", async (_name, text, message) => {
    const file = join(dir.dir, "edited.json");
    dir.write("edited.json", text());
    emulator.reset();
    const run = await runCli(["apply", file, "--config", EXAMPLES], {
      env: emulatorEnv(emulator),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain("Nothing was written");
    expect(run.stdout + run.stderr).not.toMatch(STACK);
    expect(emulator.requests.filter((entry) => entry.method === "PATCH")).toEqual([]);
  });

  it("refuses a plan whose change was aimed at another live object, even with every field forged to agree", async () => {
    // The attacker plans a configuration that matches the object they want to overwrite, then
    // dresses the change up as the real configuration's: its digest, its display name.
    const forged = tempConfig({ fromExamples: true });
    try {
      const examples = readFileSync(join(EXAMPLES, "device-management.yaml"), "utf8");
      forged.write(
        "device-management.yaml",
        examples.replace(
          "displayName: VMware Workspace ONE",
          "displayName: Microsoft Intune Demo Partner",
        ),
      );
      const out = join(forged.dir, "forged.json");
      const plan = await runCli(["plan", "--config", forged.dir, "--out", out], {
        env: emulatorEnv(emulator),
      });
      expect(plan.code).toBe(0);
      const file = JSON.parse(readFileSync(out, "utf8")) as PlanFile & {
        plan: { config_digest: string };
      };
      const real = JSON.parse(original) as PlanFile;
      const target = file.plan.changes.find((change) =>
        change.address.endsWith("[fabrikam].workspace-one"),
      )!;
      expect(target.live_display_name).toBe("Microsoft Intune Demo Partner");
      target.live_display_name = "VMware Workspace ONE";
      file.config_digest = real.config_digest;
      file.plan.config_digest = real.config_digest;
      file.checksum = sha256Hex(canonicalJson(file.plan as never));
      dir.write("forged.json", JSON.stringify(file, null, 2));

      emulator.reset();
      const run = await runCli(["apply", join(dir.dir, "forged.json"), "--config", EXAMPLES], {
        env: emulatorEnv(emulator),
      });
      expect(run.code).toBe(1);
      expect(run.stdout + run.stderr).not.toMatch(STACK);
      expect(run.stdout).toMatch(/Apply refused/);
      expect(run.stdout).toContain("displayName");
      expect(emulator.requests.filter((entry) => entry.method === "PATCH")).toEqual([]);
    } finally {
      forged.cleanup();
    }
  });

  it("applies the untouched file (so the refusals above are not the file's fault)", async () => {
    emulator.reset();
    dir.write("plan.json", original);
    const run = await runCli(["apply", join(dir.dir, "plan.json"), "--config", EXAMPLES], {
      env: emulatorEnv(emulator),
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(emulator.requests.filter((entry) => entry.method === "PATCH")).toHaveLength(2);
  });
});
