import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { COMMANDS } from "../../src/cli/commands.ts";

/**
 * The template's GitHub workflows (template/.github/workflows) and the project's own: least
 * privilege, actions pinned to a commit, every intune-gitops command they run exists with those
 * flags, and the github-script steps compile. template.test.ts runs the template's workflows.
 */
const USER_WORKFLOWS = fileURLToPath(new URL("../../template/.github/workflows/", import.meta.url));
/** How the template's workflows name the intune-gitops action (OWNER is the placeholder to replace). */
const ACTION = "OWNER/intune-gitops";
const PROJECT_WORKFLOWS = fileURLToPath(new URL("../../.github/workflows/", import.meta.url));

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}
interface Job {
  permissions?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  permissions?: Record<string, string> | string;
  jobs: Record<string, Job>;
}

function workflows(dir: string): [string, Workflow][] {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".yml"))
    .sort()
    .map((file) => [file, parse(readFileSync(join(dir, file), "utf8")) as Workflow]);
}

const ALL = [...workflows(USER_WORKFLOWS), ...workflows(PROJECT_WORKFLOWS)];

/** Every `intune-gitops` call in a workflow's run scripts. */
function callsIn(workflow: Workflow): { command: string; flags: string[] }[] {
  return Object.values(workflow.jobs).flatMap((job) =>
    job.steps.flatMap((step) => invocations(step.run ?? "")),
  );
}

function githubScripts(workflow: Workflow): Step[] {
  return Object.values(workflow.jobs).flatMap((job) =>
    job.steps.filter((step) => step.uses?.startsWith("actions/github-script@")),
  );
}

/**
 * The per-workflow checks below run only on the workflows that have what they check, and each
 * row asserts that it found some: a row that loops over nothing proves nothing. Which workflows
 * those are is pinned here, so a workflow that loses its calls is noticed too.
 */
const CALLING = ALL.filter(([, workflow]) => callsIn(workflow).length > 0);
const SCRIPTING = ALL.filter(([, workflow]) => githubScripts(workflow).length > 0);

/** `intune-gitops <command> --flag ...` invocations in a run script. */
function invocations(script: string): { command: string; flags: string[] }[] {
  return [...script.matchAll(/intune-gitops(?:@\S+)? ([a-z-]+)([^\n|>]*)/g)]
    .filter((match) => !match[0].includes("intune-gitops@"))
    .map((match) => ({
      command: match[1]!,
      flags: [...match[2]!.matchAll(/(?:^|\s)--([a-z-]+)/g)].map((flag) => flag[1]!),
    }));
}

describe("GitHub workflows", () => {
  it("finds the three user workflows and the project CI", () => {
    expect(ALL.map(([file]) => file)).toEqual(
      expect.arrayContaining([
        "intune-gitops-plan.yml",
        "intune-gitops-apply.yml",
        "intune-gitops-drift.yml",
        "ci.yml",
      ]),
    );
  });

  it.each(ALL)("%s pins every action to a full commit SHA", (_file, workflow) => {
    for (const job of Object.values(workflow.jobs)) {
      for (const step of job.steps.filter((s) => s.uses !== undefined)) {
        expect(step.uses, step.name).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
      }
    }
  });

  it.each(ALL)("%s grants least privilege", (_file, workflow) => {
    // Nothing at the top level beyond reading the code; jobs ask for what they use.
    const top = workflow.permissions;
    expect(top === undefined || typeof top === "string").toBe(false);
    expect(
      Object.entries(top as Record<string, string>).every(
        ([k, v]) => k === "contents" && v === "read",
      ) || Object.keys(top as object).length === 0,
    ).toBe(true);
    for (const [name, job] of Object.entries(workflow.jobs)) {
      const scripts = job.steps.map((step) => step.run ?? "").join("\n");
      const signsIn =
        invocations(scripts).some((call) =>
          ["plan", "apply", "export", "adopt"].includes(call.command),
        ) ||
        job.steps.some(
          (step) =>
            step.uses?.startsWith(`${ACTION}@`) === true &&
            ["plan", "apply"].includes(step.with?.command ?? "plan"),
        );
      const publishes = /npm publish .*--provenance/.test(scripts);
      const releases = /gh release create /.test(scripts);
      // The drift workflow's adopt job pushes a branch for its pull request.
      const pushes = /git .*push .*origin /.test(scripts);
      const permissions = job.permissions ?? {};
      // id-token: write only where a job signs in to a tenant (OIDC) or signs npm provenance.
      expect(permissions["id-token"] === "write", `${name} id-token`).toBe(signsIn || publishes);
      for (const [scope, level] of Object.entries(permissions)) {
        expect(["read", "write"], `${name} ${scope}`).toContain(level);
        expect(scope, `${name}`).not.toBe("write-all");
      }
      // contents: write only to create a GitHub release or push a branch.
      expect(permissions.contents ?? "read", `${name} contents`).toBe(
        releases || pushes ? "write" : "read",
      );
      // pull-requests: write only where a pull request is opened or commented on.
      if (permissions["pull-requests"] === "write") {
        expect(JSON.stringify(job.steps), `${name} pull-requests`).toMatch(
          /pulls\.create|issues\.createComment|issues\.updateComment/,
        );
      }
    }
  });

  it("has github-script in the three user workflows; they sign in only through the action", () => {
    const users = ["intune-gitops-apply.yml", "intune-gitops-drift.yml", "intune-gitops-plan.yml"];
    expect(SCRIPTING.map(([file]) => file).sort()).toEqual(users);
    // Only the drift report calls the CLI directly (put on PATH by the action's setup command):
    // pinned, so the check below is known to check something.
    expect(CALLING.map(([file]) => file)).toEqual(["intune-gitops-drift.yml"]);
  });

  it("runs only commands and flags the CLI has, wherever a run script calls it", async () => {
    for (const call of CALLING.flatMap(([, workflow]) => callsIn(workflow))) {
      const entry = COMMANDS.find((command) => command.name === call.command);
      expect(entry, `intune-gitops ${call.command}`).toBeDefined();
      const command = await entry!.load();
      for (const flag of call.flags) {
        expect(Object.keys(command.options), `${call.command} --${flag}`).toContain(flag);
      }
    }
  });
  it("release.yml: publishes the tested tarball with provenance, in the only job with id-token", () => {
    const [, release] = ALL.find(([file]) => file === "release.yml")!;
    const withIdToken = Object.entries(release.jobs).filter(
      ([, job]) => job.permissions?.["id-token"] === "write",
    );
    expect(withIdToken.map(([name]) => name)).toEqual(["publish"]);
    const publish = release.jobs.publish!.steps.map((step) => step.run ?? "").join("\n");
    expect(publish).toContain("sha256sum --check");
    expect(publish).toMatch(/npm publish \.\/intune-gitops-\*\.tgz --provenance/);
    const test = release.jobs.test!.steps.map((step) => step.run ?? "").join("\n");
    expect(test).toContain("npm run check");
    expect(test).toContain("npm pack");
    const github = release.jobs["github-release"]!.steps.map((step) => step.run ?? "").join("\n");
    expect(github).toMatch(/gh release create "\$GITHUB_REF_NAME" release\/\*/);
  });

  it.each(SCRIPTING)("%s has github-script steps that compile", (_file, workflow) => {
    // They talk to GitHub's API, which is not here: compiling them at least catches syntax
    // errors, as actions/github-script wraps the script in an async function.
    const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as new (
      ...args: string[]
    ) => unknown;
    const steps = githubScripts(workflow);
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) {
      expect(
        () => new AsyncFunction("github", "context", "core", "require", step.with!.script!),
        step.name,
      ).not.toThrow();
    }
  });
});
