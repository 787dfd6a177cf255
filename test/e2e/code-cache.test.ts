import { spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLES } from "../helpers/cli.ts";

/**
 * bin/intune-gitops.js compiles the bundle's files with a V8 code cache of its own, written as the
 * process exits (bench/RESULTS.md, change 15). Here a copy of the built package runs `validate`
 * with its own cache folder (NODE_COMPILE_CACHE), as a user's machine would.
 */
const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

describe("the code cache of the published entry", () => {
  let root: string;
  let cacheRoot: string;

  beforeAll(() => {
    if (!existsSync(join(REPO_ROOT, "dist", "bundle.cjs"))) {
      const build = spawnSync("npm", ["run", "build"], { cwd: REPO_ROOT, encoding: "utf8" });
      expect(build.status, `npm run build: ${build.stderr}`).toBe(0);
    }
    root = mkdtempSync(join(tmpdir(), "intune-gitops-code-cache-"));
    for (const part of ["bin", "dist", "package.json"]) {
      cpSync(join(REPO_ROOT, part), join(root, "package", part), { recursive: true });
    }
    cacheRoot = join(root, "node-compile-cache");
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  /** The copied entry with these arguments, its caches in `cacheRoot` unless `env` says else. */
  const runEntry = (args: readonly string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [join(root, "package", "bin", "intune-gitops.js"), ...args], {
      encoding: "utf8",
      env: { PATH: process.env.PATH, NO_COLOR: "1", NODE_COMPILE_CACHE: cacheRoot, ...env },
    });
  const validate = (env: Record<string, string> = {}) =>
    runEntry(["validate", "--config", EXAMPLES], env);
  /** Our cache files (beside Node's own) and when each was last written. */
  const cacheFiles = () => {
    const written = new Map<string, number>();
    for (const folder of readdirSync(cacheRoot)) {
      const ours = join(cacheRoot, folder, "intune-gitops");
      if (!existsSync(ours)) continue;
      for (const file of readdirSync(ours)) written.set(file, statSync(join(ours, file)).mtimeMs);
    }
    return written;
  };
  const bundleFile = (prefix: string) => {
    const name = readdirSync(join(root, "package", "dist")).find((file) => file.startsWith(prefix));
    expect(name, prefix).toBeDefined();
    return join(root, "package", "dist", name!);
  };

  it("writes a cache for the files a run compiled, and the next run uses it unchanged", () => {
    const first = validate();
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    const written = cacheFiles();
    // zod, yaml and the configuration checks: the files `validate` runs.
    expect([...written.keys()].some((file) => file.startsWith("zod-"))).toBe(true);
    expect([...written.keys()].some((file) => file.startsWith("diagnostics-text-"))).toBe(true);
    // Not the entry: it changes V8's flags, to which a cache is keyed (it would be refused).
    expect([...written.keys()].some((file) => file.startsWith("bundle.cjs"))).toBe(false);

    const second = validate();
    expect(second.stdout).toBe(first.stdout);
    expect(second.status).toBe(0);
    // Accepted by V8, so not written again: a refused cache would be replaced at exit.
    expect(cacheFiles()).toEqual(written);
  });

  it("never runs the code of an earlier file: an edit of the same length is seen", () => {
    expect(validate().stdout).toContain("Configuration valid:");
    // V8 checks a cache against the source's length only; the key must catch this edit.
    const file = bundleFile("diagnostics-text-");
    const text = readFileSync(file, "utf8");
    expect(text).toContain("Configuration valid:");
    writeFileSync(file, text.replaceAll("Configuration valid:", "Configuration VALID:"));
    const edited = validate();
    expect(edited.status).toBe(0);
    expect(edited.stdout).toContain("Configuration VALID:");
  });

  /** Our cache folder and validate's cache of zod's chunk, after the first run. */
  const zodCache = () => {
    const ours = readdirSync(cacheRoot)
      .map((folder) => join(cacheRoot, folder, "intune-gitops"))
      .find((folder) => existsSync(folder));
    expect(ours).toBeDefined();
    const name = readdirSync(ours!).find(
      (file) => file.startsWith("zod-") && file.endsWith("-validate"),
    );
    expect(name).toBeDefined();
    return { ours: ours!, file: join(ours!, name!) };
  };

  it("runs when a cache file is damaged, and replaces it", () => {
    const { file } = zodCache();
    const cache = readFileSync(file);
    const header = cache.subarray(0, cache.indexOf(10) + 1);
    writeFileSync(file, Buffer.concat([header, Buffer.alloc(4096, 7)]));
    const run = validate();
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(readFileSync(file).length).toBeGreaterThan(4096 + header.length);
  });

  it("never runs a cache file that another user could have written: it is replaced", () => {
    const { file } = zodCache();
    chmodSync(file, 0o666);
    const before = statSync(file).ino;
    const run = validate();
    expect(run.status).toBe(0);
    // Not accepted, so written anew at exit (a new file renamed into place), for this user only.
    expect(statSync(file).ino).not.toBe(before);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("never follows a link to a cache file: it is replaced by a file of its own", () => {
    const { file } = zodCache();
    const elsewhere = join(root, "elsewhere.cache");
    cpSync(file, elsewhere);
    rmSync(file);
    symlinkSync(elsewhere, file);
    const run = validate();
    expect(run.status).toBe(0);
    expect(lstatSync(file).isSymbolicLink()).toBe(false);
  });

  it("keeps and uses its cache in folders a umask of 002 made group-writable", () => {
    const { ours } = zodCache();
    for (const name of readdirSync(ours)) rmSync(join(ours, name));
    chmodSync(ours, 0o770);
    chmodSync(dirname(ours), 0o775);
    try {
      expect(validate().status).toBe(0);
      const written = cacheFiles();
      expect([...written.keys()].some((name) => name.startsWith("zod-"))).toBe(true);
      expect(validate().status).toBe(0);
      // Accepted by V8 on the second run, so not written again.
      expect(cacheFiles()).toEqual(written);
    } finally {
      chmodSync(ours, 0o700);
      chmodSync(dirname(ours), 0o755);
    }
  });

  it("keeps a cache per command: validate never runs with the functions another command compiled", () => {
    rmSync(cacheRoot, { recursive: true, force: true });
    const schema = runEntry(["schema"]);
    expect(schema.status).toBe(0);
    const afterSchema = [...cacheFiles().keys()].filter((name) => name.startsWith("zod-"));
    expect(afterSchema).toHaveLength(1);
    // `schema` compiled part of zod; `validate` needs other parts. With one cache for both, the
    // first command's would be accepted and validate would compile the rest again on every run
    // (37 ms of a 160 ms start-up after a plan had run first, bench/RESULTS.md change 24).
    expect(validate().status).toBe(0);
    const zodCaches = [...cacheFiles().keys()].filter((name) => name.startsWith("zod-"));
    expect(zodCaches).toHaveLength(2);
    const written = cacheFiles();
    expect(validate().status).toBe(0);
    expect(cacheFiles()).toEqual(written);
  });

  it("prunes, when it writes, what earlier builds and long-gone copies left", () => {
    const { ours, file } = zodCache();
    // A cache file is named after its bundle file and a hash of the folder the file is in.
    const folderHash = file.slice(file.lastIndexOf("."));
    const earlierBuild = join(ours, `zod-EarlierBuild.cjs${folderHash}`);
    const goneCopy = join(ours, "zod-OtherCopy.cjs.gone1");
    const recentCopy = join(ours, "zod-OtherCopy.cjs.recent1");
    for (const name of [earlierBuild, goneCopy, recentCopy]) {
      writeFileSync(name, "key\n", { mode: 0o600 });
    }
    const fortyDaysAgo = Date.now() / 1000 - 40 * 24 * 60 * 60;
    utimesSync(goneCopy, fortyDaysAgo, fortyDaysAgo);
    rmSync(file); // so that this run writes a cache, as the first run of a new build does
    expect(validate().status).toBe(0);
    expect(existsSync(file)).toBe(true);
    // Its own folder's caches of files no longer in dist/, and any copy's unused for 30 days.
    expect(existsSync(earlierBuild)).toBe(false);
    expect(existsSync(goneCopy)).toBe(false);
    // Another copy's recent cache is that copy's business.
    expect(existsSync(recentCopy)).toBe(true);
  });

  it("keeps a cache in use however long ago it was written: using it refreshes its time", () => {
    const { ours, file } = zodCache();
    const fortyDaysAgo = Date.now() / 1000 - 40 * 24 * 60 * 60;
    utimesSync(file, fortyDaysAgo, fortyDaysAgo);
    expect(validate().status).toBe(0); // uses it (V8 accepts it: it is not written again)
    // A run that writes a cache prunes: remove another of validate's caches so that one is written.
    const other = readdirSync(ours).find(
      (name) => name.startsWith("diagnostics-text-") && name.endsWith("-validate"),
    );
    expect(other).toBeDefined();
    rmSync(join(ours, other!));
    expect(validate().status).toBe(0);
    expect(existsSync(join(ours, other!))).toBe(true);
    expect(existsSync(file)).toBe(true);
  });

  it("prunes nothing through a link: a link planted as our cache folder leaves the user's files alone", () => {
    // Node's compile-cache folder is in the shared temporary folder by default: another user can
    // create its version folder first and put a link named intune-gitops in it.
    const linkedRoot = join(root, "linked-cache");
    const run = () => validate({ NODE_COMPILE_CACHE: linkedRoot });
    expect(run().status).toBe(0);
    const [versionFolder] = readdirSync(linkedRoot);
    expect(versionFolder).toBeDefined();
    const ours = join(linkedRoot, versionFolder!, "intune-gitops");
    rmSync(ours, { recursive: true });
    const victim = join(root, "victim");
    mkdirSync(victim);
    symlinkSync(victim, ours);
    // A file of the user's whose name looks like a cache's, unchanged for 40 days.
    const backup = join(victim, "deploy.cjs.bak");
    writeFileSync(backup, "the user's own file\n");
    const fortyDaysAgo = Date.now() / 1000 - 40 * 24 * 60 * 60;
    utimesSync(backup, fortyDaysAgo, fortyDaysAgo);
    expect(run().status).toBe(0);
    expect(existsSync(backup)).toBe(true);
  });

  it("writes nothing when Node's compile cache is off", () => {
    rmSync(cacheRoot, { recursive: true, force: true });
    const run = validate({ NODE_DISABLE_COMPILE_CACHE: "1" });
    expect(run.status).toBe(0);
    expect(existsSync(cacheRoot) ? cacheFiles().size : 0).toBe(0);
  });
});
