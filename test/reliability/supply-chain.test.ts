import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * What can be checked offline about the dependencies: the lockfile is committed and matches
 * package.json, every runtime package is pinned by an integrity hash from the public registry,
 * and nothing needs an install script to run (so `npm ci --ignore-scripts` gives a working tool).
 * `npm audit --omit=dev` needs the registry's advisory service: see docs/reliability.md.
 */
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

interface LockEntry {
  readonly version?: string;
  readonly resolved?: string;
  readonly integrity?: string;
  readonly dev?: boolean;
  readonly link?: boolean;
  readonly hasInstallScript?: boolean;
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
}

const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
};
const lock = JSON.parse(readFileSync(`${ROOT}package-lock.json`, "utf8")) as {
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
};
const runtime = Object.entries(lock.packages).filter(([path, entry]) => path !== "" && !entry.dev);

describe("supply chain", () => {
  it("package-lock.json is committed", () => {
    const tracked = execFileSync("git", ["ls-files", "--", "package-lock.json", "package.json"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(tracked.split("\n").filter(Boolean).sort()).toEqual([
      "package-lock.json",
      "package.json",
    ]);
  });

  it("the lockfile matches package.json", () => {
    expect(lock.lockfileVersion).toBeGreaterThanOrEqual(2);
    const root = lock.packages[""]!;
    expect(root.dependencies).toEqual(pkg.dependencies);
    expect(root.devDependencies).toEqual(pkg.devDependencies);
    for (const name of Object.keys(pkg.dependencies)) {
      expect(lock.packages[`node_modules/${name}`], name).toBeDefined();
    }
  });

  it("every runtime package comes from the registry, pinned by a sha512 integrity hash", () => {
    expect(runtime.length).toBeGreaterThan(Object.keys(pkg.dependencies).length);
    for (const [path, entry] of runtime) {
      if (entry.link === true) continue;
      expect(entry.integrity, path).toMatch(/^sha512-/);
      if (entry.resolved !== undefined) {
        expect(entry.resolved, path).toMatch(/^https:\/\/registry\.npmjs\.org\//);
      }
    }
    for (const [name, range] of Object.entries(pkg.dependencies)) {
      // A semver range, not a git URL, a tarball URL or a local path.
      expect(range, name).toMatch(/^[~^]?\d+\.\d+\.\d+$/);
    }
  });

  it("no runtime package needs an install script, and neither does this one", () => {
    const withScripts = runtime
      .filter(([, entry]) => entry.hasInstallScript === true)
      .map(([path]) => path);
    expect(withScripts).toEqual([]);
    for (const hook of ["preinstall", "install", "postinstall"]) {
      expect(pkg.scripts[hook], hook).toBeUndefined();
    }
  });
});
