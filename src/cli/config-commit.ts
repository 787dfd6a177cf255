import { execFile } from "node:child_process";

/**
 * The git commit a configuration folder is at, for the saved plan's record of what it was made
 * from: `HEAD` of the repository holding the folder, and whether the folder has changes not yet
 * committed (then the plan was not made from that commit alone). `null` outside a git
 * repository or without git: a plan can be made anywhere.
 */
export interface ConfigCommit {
  readonly commit: string;
  /** Files under the configuration folder differ from the commit (or are not committed yet). */
  readonly modified: boolean;
}

export async function configCommitOf(
  configDir: string,
  env: NodeJS.ProcessEnv,
): Promise<ConfigCommit | null> {
  const git = (args: readonly string[]) => runGit(configDir, args, env);
  const head = await git(["rev-parse", "--verify", "HEAD"]);
  if (head === undefined || !/^[0-9a-f]{40,64}$/.test(head.trim())) return null;
  const status = await git(["status", "--porcelain", "--", "."]);
  return { commit: head.trim(), modified: status === undefined || status.trim() !== "" };
}

/** git's standard output, or undefined when git fails or is not installed. */
function runGit(
  cwd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      "git",
      ["-C", cwd, ...args],
      // No index refresh written by a read-only look (GIT_OPTIONAL_LOCKS).
      { encoding: "utf8", timeout: 10_000, env: { ...env, GIT_OPTIONAL_LOCKS: "0" } },
      (error, stdout) => resolve(error === null ? stdout : undefined),
    );
  });
}
