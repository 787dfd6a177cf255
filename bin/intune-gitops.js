#!/usr/bin/env node
// The published entry point runs the bundle in dist/ (built by `npm run build`, which `npm ci`
// runs through `prepare`). During development `node src/cli/bin.ts` runs the sources.
//
// Start-up time matters: `validate` is the first check users add to pull requests. The bundle is
// CommonJS, and each of its files is compiled here with a V8 code cache that is written as the
// process exits, when the file had none or V8 refused it (a new build, another Node): so the cache
// holds every function the run compiled. Node's own compile cache, still on for what Node loads
// itself, is written as a file is compiled, before it runs, so it holds a file's top level only
// and the functions a run calls were compiled again on every run: about a fifth of `validate`'s
// CPU (bench/RESULTS.md, change 15).
const fs = process.getBuiltinModule("node:fs");
const path = process.getBuiltinModule("node:path");
const vm = process.getBuiltinModule("node:vm");
const { createRequire, enableCompileCache, getCompileCacheDir } =
  process.getBuiltinModule("node:module");

const DIST = path.join(import.meta.dirname, "..", "dist");
// Beside Node's own compile cache (NODE_COMPILE_CACHE, or a folder per Node version in the
// temporary folder): none when that is off (NODE_DISABLE_COMPILE_CACHE=1).
enableCompileCache?.();
const nodeCache = getCompileCacheDir?.();
const CACHE_DIR = nodeCache === undefined ? undefined : path.join(nodeCache, "intune-gitops");
// Every bundle file is in DIST: its hash names this copy's caches, so that two installed copies
// keep caches of their own.
const DIST_HASH = hashOf(DIST);
const requireOutside = createRequire(path.join(DIST, "bundle.cjs"));
const loaded = new Map();
const toWrite = [];

/** Runs one file of the bundle (CommonJS) and returns its exports, once per file. */
function load(file, cached = true) {
  const known = loaded.get(file);
  if (known !== undefined) return known.exports;
  const module = { exports: {} };
  loaded.set(file, module);
  const source = fs.readFileSync(file, "utf8");
  const cache = CACHE_DIR === undefined || !cached ? undefined : readCache(file);
  const script = new vm.Script(
    `(function (exports, require, module, __filename, __dirname) {${source}\n})`,
    { filename: file, cachedData: cache?.data },
  );
  if (cache !== undefined && (cache.data === undefined || script.cachedDataRejected === true)) {
    toWrite.push({ script, cacheFile: cache.file, key: cache.key });
  }
  const dir = path.dirname(file);
  const require = (id) => (id.startsWith("./") ? load(path.join(dir, id)) : requireOutside(id));
  try {
    script.runInThisContext()(module.exports, require, module, file, dir);
  } catch (error) {
    // As `require` does: a file that threw is not loaded, and requiring it again runs it again
    // (rather than handing out its half-filled exports).
    loaded.delete(file);
    throw error;
  }
  return module.exports;
}

/**
 * The command a run's caches are kept for: the first argument, when it is a command's name. A
 * cache holds the functions the run that wrote it compiled, and is kept as long as V8 accepts it:
 * with one cache per file for all commands, `validate` ran with the caches of whichever command
 * ran first after an install (in the bench, a plan's) and compiled what it needs beyond them again
 * on every run, 37 ms of its 160 ms (bench/RESULTS.md, change 24).
 */
const COMMAND = /^[a-z][a-z-]{0,19}$/.test(process.argv[2] ?? "") ? process.argv[2] : "other";

/**
 * The cache of a file: one cache file per bundle file, folder and command, its first line the key
 * the data was made for. The key is the file's identity and change times, as git's index uses them: V8
 * itself checks only the source's length, and a file cannot be rewritten without its ctime
 * changing. A cache for another key, or one this process cannot trust, is replaced.
 */
function readCache(file) {
  let key;
  try {
    const info = fs.statSync(file, { bigint: true });
    key = `${info.dev}:${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`;
  } catch {
    return undefined;
  }
  const cacheFile = path.join(CACHE_DIR, `${path.basename(file)}.${DIST_HASH}-${COMMAND}`);
  const bytes = trustedBytes(cacheFile);
  const header = Buffer.from(`${key}\n`);
  const matches =
    bytes !== undefined &&
    bytes.length > header.length &&
    bytes.subarray(0, header.length).equals(header);
  return { file: cacheFile, key, data: matches ? bytes.subarray(header.length) : undefined };
}

/**
 * A cache file's bytes, if only this user (or root) can have written them: a code cache is code
 * this process runs, and Node's cache folder is in the shared temporary folder by default. The
 * check is made on the file as opened, not following a link, so nothing can be swapped in between
 * the check and the read, whatever the folders' modes (a umask of 002 makes them group-writable):
 * another user can delete or replace a cache file there, never forge one of ours. Windows has no
 * owners here: its temporary folder is the user's own.
 */
function trustedBytes(cacheFile) {
  let descriptor;
  try {
    descriptor = fs.openSync(cacheFile, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
    const info = fs.fstatSync(descriptor);
    const uid = process.getuid?.();
    const trusted =
      info.isFile() &&
      (uid === undefined || ((info.uid === uid || info.uid === 0) && (info.mode & 0o022) === 0));
    if (!trusted) return undefined;
    // A cache V8 accepts is never written again: its time is refreshed, at most weekly, so that
    // pruning (which removes caches unused for 30 days) sees it is in use.
    if (Date.now() - info.mtimeMs > REFRESH_AFTER_MS) {
      try {
        fs.futimesSync(descriptor, new Date(), new Date());
      } catch {
        // Root's cache, read by another user: its time is root's to keep.
      }
    }
    return fs.readFileSync(descriptor);
  } catch {
    return undefined;
  } finally {
    if (descriptor !== undefined) fs.closeSync(descriptor);
  }
}

/** A short name for a folder (FNV-1a, base 36). */
function hashOf(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(36);
}

process.on("exit", () => {
  if (toWrite.length === 0) return;
  for (const { script, cacheFile, key } of toWrite) {
    // Created new (never through a link or over another's file), readable by this user only, then
    // renamed into place whole: another run may be reading the cache.
    const temporary = `${cacheFile}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      fs.mkdirSync(CACHE_DIR, { recursive: true, mode: 0o700 });
      fs.writeFileSync(
        temporary,
        Buffer.concat([Buffer.from(`${key}\n`), script.createCachedData()]),
        { flag: "wx", mode: 0o600 },
      );
      fs.renameSync(temporary, cacheFile);
    } catch {
      // Without a cache the next run compiles as Node would: slower, nothing else.
      try {
        fs.rmSync(temporary, { force: true });
      } catch {
        // The folder cannot even be searched: nothing of ours is in it.
      }
    }
  }
  pruneCaches();
});

/** How stale a cache's time may get before a run that uses it refreshes it. */
const REFRESH_AFTER_MS = 7 * 24 * 60 * 60 * 1000;

/** A cache unused this long belongs to a copy that is gone (an `npx` folder, an old checkout). */
const UNUSED_FOR_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Removes the caches nothing will read again: this copy's caches of files a new build replaced
 * (their names carry the build's hashes), and any copy's unused for 30 days (a cache in use has
 * its time refreshed weekly, `trustedBytes`). Run only when this process wrote a cache, that is
 * on a new build's first runs, so a steady run reads no folder. Only this user's regular files
 * named as our caches are removed.
 */
function pruneCaches() {
  const uid = process.getuid?.();
  let names;
  try {
    // Not through a link: another user can create Node's version folder in the shared temporary
    // folder and a link in it named as ours, to a folder of this user's, whose files we would
    // then remove. Both folders must be real, and ours this user's.
    const ours = fs.lstatSync(CACHE_DIR);
    const version = fs.lstatSync(path.dirname(CACHE_DIR));
    if (!ours.isDirectory() || !version.isDirectory()) return;
    if (uid !== undefined && ours.uid !== uid) return;
    names = fs.readdirSync(CACHE_DIR);
  } catch {
    return; // Pruning is housekeeping: a folder that cannot be read is left as it is.
  }
  for (const name of names) {
    // `<file>.<folder hash>-<command>` (or, written by an earlier version, without the command).
    const match = /^(.+\.cjs)(\.[0-9a-z]+)(-[a-z-]+)?$/.exec(name);
    if (match === null) continue;
    const file = path.join(CACHE_DIR, name);
    try {
      const info = fs.lstatSync(file);
      if (!info.isFile() || (uid !== undefined && info.uid !== uid)) continue;
      const replaced = match[2] === `.${DIST_HASH}` && !fs.existsSync(path.join(DIST, match[1]));
      if (replaced || Date.now() - info.mtimeMs > UNUSED_FOR_MS) fs.rmSync(file, { force: true });
    } catch {
      // Gone already (another run pruning too), or not ours to remove: the next one is looked at.
    }
  }
}

// The entry sets V8 flags (src/cli/heap-flags.ts) and V8 keys a code cache to the flags in force:
// compiled before they change, its cache would be refused on every run. It is a few lines; the
// program it requires is compiled after.
const entry = path.join(DIST, "bundle.cjs");
if (!fs.existsSync(entry)) {
  process.stderr.write(
    `intune-gitops: the program is not built: ${entry} is missing. Run \`npm run build\` (or \`npm ci\`) in ${path.dirname(DIST)}.\n`,
  );
  process.exit(1);
}
await load(entry, false).main();
