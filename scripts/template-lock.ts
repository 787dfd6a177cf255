/**
 * Writes template/package-lock.json, the lockfile of the configuration-repository template, so
 * that `npm ci` there installs exactly one reviewed intune-gitops:
 * - intune-gitops at this repository's version, with the integrity (sha512) of the tarball
 *   `npm pack` makes here: the release workflow publishes that tarball and runs this script
 *   with --check first, so the published package is the one the template pins;
 * - its runtime dependencies exactly as this repository's own lockfile pins them (same versions,
 *   same integrity hashes, same layout: nothing else is installed beside them).
 *
 * Run it after `npx changeset version` (see CONTRIBUTING.md): `npm run template:lock`.
 * `npm run template:lock -- --check` only compares, and fails when the file is not current.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const TEMPLATE = join(ROOT, "template");

interface PackageJson {
  name: string;
  version: string;
  license?: string;
  bin?: Record<string, string>;
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
}
type LockEntry = Record<string, unknown> & { dev?: boolean };

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

/** The integrity of the tarball `npm pack` makes from this checkout (it builds dist/ first). */
function packedIntegrity(): string {
  const destination = mkdtempSync(join(tmpdir(), "intune-gitops-pack-"));
  try {
    // What `npm pack` does (its prepare script builds dist/), with the build's output kept off
    // the JSON answer.
    execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: ["ignore", 2, "inherit"] });
    const output = execFileSync(
      "npm",
      ["pack", "--json", "--ignore-scripts", "--pack-destination", destination],
      {
        cwd: ROOT,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const [packed] = JSON.parse(output) as { integrity: string }[];
    if (packed === undefined) throw new Error("npm pack reported no tarball");
    return packed.integrity;
  } finally {
    rmSync(destination, { recursive: true, force: true });
  }
}

function templateLock(integrity: string): string {
  const tool = readJson<PackageJson>(join(ROOT, "package.json"));
  const toolLock = readJson<{ packages: Record<string, LockEntry> }>(
    join(ROOT, "package-lock.json"),
  );
  const template = readJson<PackageJson>(join(TEMPLATE, "package.json"));
  const runtime = Object.entries(toolLock.packages).filter(
    ([path, entry]) => path.startsWith("node_modules/") && entry.dev !== true,
  );
  const lock = {
    name: template.name,
    version: template.version,
    lockfileVersion: 3,
    requires: true,
    packages: {
      "": {
        name: template.name,
        version: template.version,
        dependencies: template.dependencies,
        engines: template.engines,
      },
      "node_modules/intune-gitops": {
        version: tool.version,
        // Where `npm publish` puts this version's tarball; npm checks it against the integrity.
        resolved: `https://registry.npmjs.org/${tool.name}/-/${tool.name}-${tool.version}.tgz`,
        integrity,
        license: tool.license,
        dependencies: tool.dependencies,
        bin: tool.bin,
        engines: tool.engines,
      },
      ...Object.fromEntries(runtime),
    },
  };
  return `${JSON.stringify(lock, null, 2)}\n`;
}

const tool = readJson<PackageJson>(join(ROOT, "package.json"));
const template = readJson<PackageJson>(join(TEMPLATE, "package.json"));
const pinned = template.dependencies?.["intune-gitops"];
if (pinned !== tool.version) {
  console.error(
    `template/package.json pins intune-gitops ${pinned ?? "(nothing)"}, not ${tool.version}: set "intune-gitops": "${tool.version}" in its dependencies`,
  );
  process.exit(1);
}
const expected = templateLock(packedIntegrity());
const file = join(TEMPLATE, "package-lock.json");
if (process.argv.includes("--check")) {
  if (readFileSync(file, "utf8") !== expected) {
    console.error(
      "template/package-lock.json does not pin the tarball this checkout packs (or its dependencies): run `npm run template:lock` and commit the result",
    );
    process.exit(1);
  }
  console.log("template/package-lock.json pins this tarball and its dependencies");
} else {
  writeFileSync(file, expected);
  console.log(`wrote ${file}`);
}
