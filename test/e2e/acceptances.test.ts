import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { useCliScene } from "../helpers/cli-scene.ts";

/**
 * Accepted deviations (`acceptedDeviations`), with the date fixed by INTUNE_GITOPS_NOW: contoso's
 * TeamViewer is notOnboarded in the emulator, the configuration declares onboarded.
 */
const ACCEPTANCE = `
acceptedDeviations:
  - tenant: contoso
    property: onboardingStatus
    value: notOnboarded # the live value accepted
    reason: TeamViewer licence not bought yet
    owner: it-ops@contoso.com
    expires: 2027-01-31
`;
const ACCEPTED =
  "accepted until 2027-01-31 (owner: it-ops@contoso.com, reason: TeamViewer licence not bought yet)";

describe("accepted deviations (CLI against the emulator, fixed clock)", () => {
  const scene = useCliScene();
  const { work, graphRequests } = scene;

  beforeEach(() => {
    // Only TeamViewer: its contoso difference is the one accepted.
    rmSync(join(work().dir, "device-management.yaml"));
    const file = join(work().dir, "remote-assistance.yaml");
    work().write("remote-assistance.yaml", `${readFileSync(file, "utf8")}${ACCEPTANCE}`);
  });

  const cli = (args: string[], now: string) => scene.cli(args, { INTUNE_GITOPS_NOW: now });
  const patches = () => graphRequests("PATCH");

  it("before its expiry: shown as accepted, not a change, never written; --detailed-exitcode 0", async () => {
    const plan = await cli(
      ["plan", "--config", ".", "--detailed-exitcode"],
      "2027-01-20T12:00:00Z",
    );
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(
      `= remoteAssistancePartner[contoso].teamviewer onboardingStatus: live "notOnboarded", declared "onboarded": ${ACCEPTED}`,
    );
    expect(plan.stdout).toContain(
      "No changes. The tenants match the configuration, apart from 1 accepted difference.",
    );
    // Eleven days left: listed for the drift report.
    expect(plan.stdout).toContain(
      "1 acceptance ends within 14 days (renew or fix the drift):\n  - 2027-01-31 remoteAssistancePartner[contoso].teamviewer onboardingStatus",
    );
    const markdown = await cli(
      ["plan", "--config", ".", "--format", "markdown"],
      "2027-01-20T12:00:00Z",
    );
    expect(markdown.stdout).toContain("#### 1 accepted difference (not changed, not drift)");
    expect(markdown.stdout).toContain("#### 1 acceptance ends within 14 days");

    const apply = await cli(["apply", "--config", ".", "--auto-approve"], "2027-01-20T12:00:00Z");
    expect(apply.code).toBe(0);
    expect(patches()).toHaveLength(0);
  });

  it("after its expiry: drift again, with a warning naming the expired acceptance", async () => {
    const plan = await cli(
      ["plan", "--config", ".", "--detailed-exitcode"],
      "2027-02-01T00:00:00Z",
    );
    expect(plan.code).toBe(2);
    expect(plan.stderr).toMatch(
      /warning: remote-assistance\.yaml:\d+:\d+: acceptedDeviations\[0\]: the acceptance of onboardingStatus expired on 2027-01-31/,
    );
    expect(plan.stdout).toContain(
      "! remoteAssistancePartner[contoso].teamviewer: the acceptance of onboardingStatus expired on 2027-01-31 (owner: it-ops@contoso.com, reason: TeamViewer licence not bought yet): the difference is drift again",
    );
    expect(plan.stdout).toContain('~ onboardingStatus: "notOnboarded" → "onboarded"');
    expect(plan.stdout).toContain("Plan: 1 to change");
  });

  it("when the live value moves away from the accepted one: drift again, with a warning", async () => {
    const moved = await cli(
      [
        "invoke",
        "beginOnboarding",
        "--tenant",
        "contoso",
        "--object",
        "teamviewer",
        "--auto-approve",
        "--config",
        ".",
      ],
      "2027-01-20T12:00:00Z",
    );
    expect(moved.code).toBe(0);
    const plan = await cli(
      ["plan", "--config", ".", "--detailed-exitcode"],
      "2027-01-20T12:00:00Z",
    );
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain(
      'the live onboardingStatus is no longer the accepted "notOnboarded" (owner: it-ops@contoso.com, reason: TeamViewer licence not bought yet, until 2027-01-31): the difference is drift again',
    );
    expect(plan.stdout).toContain('~ onboardingStatus: "onboarding" → "onboarded"');
  });

  it("validate refuses an acceptance more than a year ahead, at its file:line:col", async () => {
    const run = await cli(["validate", "--config", "."], "2026-01-20T12:00:00Z");
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /error: remote-assistance\.yaml:\d+:14: acceptedDeviations\[0\]\.expires: 2027-01-31 is more than a year ahead\n {2}→ an acceptance lasts at most a year, so that someone looks at it again: set expires to 2027-01-20 or earlier/,
    );
  });
});
