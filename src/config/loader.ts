import {
  readdir as readdirCallback,
  realpath as realpathCallback,
  stat as statCallback,
} from "node:fs";
import type { Dirent } from "node:fs";
import { promisify } from "node:util";
import { basename, join, relative, resolve, sep } from "node:path";
import { hasErrors, type Diagnostic } from "../diagnostics.ts";
import { compareStrings } from "../canonical-json.ts";
import { FileReadError, readRegularFile } from "../read-regular-file.ts";
import { fileTooLarge, MAX_FILE_BYTES } from "./decode.ts";
import { ConfigAssembler } from "./assemble.ts";
import type { ConfigResult } from "./model.ts";
import type { ConfigFile } from "./read-files.ts";

export type { ConfigFile } from "./read-files.ts";
export type { ConfigResult } from "./model.ts";

// The callback API, promisified, rather than `node:fs/promises` (which loads Node's readline
// modules with it): see src/read-regular-file.ts. `realpath.native` is what the promise API's
// `realpath` calls.
const readdir = promisify(readdirCallback);
const realpath = promisify(realpathCallback.native);
const stat = promisify(statCallback);

/** How the configuration folder is read. */
export interface LoadConfigOptions {
  /**
   * Read files that symbolic links in the folder point to outside it (`--follow-symlinks`). Off
   * by default: a configuration folder is reviewed in git, and a link can make it read any file
   * the process can.
   */
  readonly followSymlinks?: boolean;
  /** Today, for the acceptances' expiry (default: the system clock). */
  readonly now?: Date;
}

/**
 * Folders nested deeper than this under the configuration folder are not read (one error says
 * so): a configuration is a few levels deep, and a walk must stay bounded whatever it meets.
 */
export const MAX_FOLDER_DEPTH = 32;

/** What parsing needs beyond the files. */
export type ParseOptions = Pick<LoadConfigOptions, "now">;

/**
 * Loads the configuration: every `*.yaml` / `*.yml` under `dir` (recursively, sorted; `node_modules`
 * and dot-entries skipped), or the one file `dir` names. Only regular files are read, and none
 * larger than `MAX_FILE_BYTES`. Symbolic links are followed to files inside the folder only
 * (unless `followSymlinks`), never to folders. Every entry that looks like configuration but is
 * skipped — a link outside, to nothing, or looping; a FIFO, socket or device — is a warning.
 * Never throws for a problem in the configuration or the file system: everything is a diagnostic.
 */
export async function loadConfig(
  dir: string,
  options: LoadConfigOptions = {},
): Promise<ConfigResult> {
  const root = resolve(dir);
  let rootStat;
  try {
    rootStat = await stat(root);
  } catch {
    return {
      diagnostics: [
        {
          severity: "error",
          code: "config-not-found",
          summary: `the configuration folder ${dir} does not exist`,
          detail: "pass the folder that holds the configuration's .yaml files with --config DIR",
        },
      ],
    };
  }
  const base = rootStat.isDirectory() ? root : resolve(root, "..");
  const nameOf = (path: string) => relative(base, path).split(sep).join("/") || basename(path);
  const walk = rootStat.isDirectory()
    ? await listYamlFiles(root, options, nameOf)
    : { paths: [root], diagnostics: [] };
  if (walk.paths.length === 0 && !hasErrors(walk.diagnostics)) {
    return {
      diagnostics: [
        ...walk.diagnostics,
        {
          severity: "error",
          code: "empty-configuration",
          summary: `no .yaml or .yml files in ${dir}`,
          detail:
            "pass the folder that holds the configuration with --config DIR (default: the current folder)",
        },
      ],
    };
  }
  // The files' bytes are read first, back to back (reads that alternate with parsing left the
  // process waiting on each one: 17 % more CPU for `validate` at 2,000 files); then each file is
  // parsed and checked in turn and its bytes dropped (see ConfigAssembler). The bytes of every
  // file are a fraction of what their parsed documents would be. The order is parseConfig's.
  const assembler = new ConfigAssembler(options.now ?? new Date(), walk.diagnostics);
  const names = walk.paths
    .map((path) => ({ path, name: nameOf(path) }))
    .sort((a, b) => compareStrings(a.name, b.name));
  const contents: (Buffer | undefined)[] = [];
  for (const { path, name } of names) {
    try {
      contents.push(await readRegularFile(path, MAX_FILE_BYTES));
    } catch (error) {
      if (!(error instanceof FileReadError)) throw error;
      contents.push(undefined);
      // A size is known exactly when the file was too large. The files that could not be read
      // are reported with the rest, and count as problems (not as an empty configuration).
      assembler.report(
        error.size !== undefined
          ? fileTooLarge(name, error.size)
          : {
              severity: "error",
              code: "file-unreadable",
              summary: `the file cannot be read: ${error.message}`,
              detail:
                "only regular files are read: check the file's permissions, or pass a folder of .yaml files (or one of them) with --config",
              source: { file: name, line: 1, column: 1 },
            },
      );
    }
  }
  for (const [index, { name }] of names.entries()) {
    const text = contents[index];
    if (text === undefined) continue;
    contents[index] = undefined;
    assembler.addFile({ path: name, text });
  }
  return assembler.finish();
}

const YAML_NAME = /\.ya?ml$/i;

/**
 * The configuration files under `root`, sorted, and a diagnostic for each entry skipped that
 * could have held configuration. Iterative and bounded by `MAX_FOLDER_DEPTH`, so that no folder
 * structure can exhaust the stack or go on for ever.
 */
async function listYamlFiles(
  root: string,
  options: LoadConfigOptions,
  nameOf: (path: string) => string,
): Promise<{ paths: string[]; diagnostics: Diagnostic[] }> {
  const paths: string[] = [];
  const diagnostics: Diagnostic[] = [];
  const realRoot = await realpath(root);
  const skipped = (
    path: string,
    code: string,
    summary: string,
    detail: string,
    severity: "warning" | "error" = "warning",
  ) =>
    diagnostics.push({
      severity,
      code,
      summary,
      detail,
      source: { file: nameOf(path), line: 1, column: 1 },
    });
  let tooDeep: string | undefined;
  const pending = [{ dir: root, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { dir, depth } = next;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      skipped(
        dir,
        "folder-unreadable",
        `the folder cannot be read (${errorCode(error)}): its files are not part of the configuration`,
        "check the folder's permissions, or move it out of the configuration folder",
        "error",
      );
      continue;
    }
    for (const entry of entries) {
      if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (depth + 1 < MAX_FOLDER_DEPTH) pending.push({ dir: path, depth: depth + 1 });
        else tooDeep ??= path;
      } else if (entry.isSymbolicLink()) {
        const target = await linkTarget(path, realRoot, options);
        if (target === "read") {
          if (YAML_NAME.test(entry.name)) paths.push(path);
        } else if (target.evenWithoutYamlName || YAML_NAME.test(entry.name)) {
          skipped(path, "link-skipped", target.summary, target.detail);
        }
      } else if (YAML_NAME.test(entry.name)) {
        if (entry.isFile()) paths.push(path);
        else {
          skipped(
            path,
            "not-a-file",
            `${describeEntry(entry)} with a YAML name: skipped (only regular files are read)`,
            "move it out of the configuration folder",
          );
        }
      }
    }
  }
  if (tooDeep !== undefined) {
    skipped(
      tooDeep,
      "folders-too-deep",
      `folders nested more than ${MAX_FOLDER_DEPTH} levels deep under the configuration folder are not read`,
      "keep the configuration in a shallower tree, or pass a deeper folder with --config",
      "error",
    );
  }
  return { paths: paths.sort(compareStrings), diagnostics };
}

/**
 * Where a symbolic link leads, and whether the walk may read it: `read` (a regular file inside
 * the folder, or anywhere with `followSymlinks`), or a reason not to, and whether the reason is
 * worth a warning for a link without a YAML name (a link to a folder is: it could hold some).
 */
async function linkTarget(
  path: string,
  realRoot: string,
  options: LoadConfigOptions,
): Promise<"read" | { summary: string; detail: string; evenWithoutYamlName: boolean }> {
  let target: string;
  try {
    target = await realpath(path);
  } catch (error) {
    const code = errorCode(error);
    return {
      summary:
        code === "ELOOP"
          ? "a symbolic link that loops: skipped"
          : `a symbolic link to nothing (${code}): skipped`,
      detail: "fix or remove the link",
      evenWithoutYamlName: false,
    };
  }
  const info = await stat(target).catch(() => undefined);
  if (info?.isDirectory() === true) {
    return {
      summary: "a symbolic link to a folder: not followed",
      detail: "move the folder into the configuration folder, or pass it with --config",
      evenWithoutYamlName: true,
    };
  }
  if (info?.isFile() !== true) {
    return {
      summary: "a symbolic link to something that is not a regular file: skipped",
      detail: "only regular files are read: remove the link",
      evenWithoutYamlName: false,
    };
  }
  const inside = target.startsWith(`${realRoot}${sep}`);
  if (inside || options.followSymlinks === true) return "read";
  return {
    summary: `a symbolic link to ${target}, outside the configuration folder: not followed`,
    detail:
      "copy the file into the configuration folder, or pass --follow-symlinks to read files that links lead to outside it",
    evenWithoutYamlName: false,
  };
}

function describeEntry(entry: Dirent): string {
  if (entry.isFIFO()) return "a FIFO (named pipe)";
  if (entry.isSocket()) return "a socket";
  if (entry.isCharacterDevice()) return "a character device";
  if (entry.isBlockDevice()) return "a block device";
  return "not a regular file";
}

function errorCode(error: unknown): string {
  return error instanceof Error && "code" in error ? String(error.code) : "I/O error";
}

/**
 * The pure core of `loadConfig`: files (paths relative to the configuration folder) to the
 * validated desired state and every diagnostic. `state` is present exactly when there is no error.
 * `initialDiagnostics` are problems found before parsing (files too large or unreadable).
 */
export function parseConfig(
  files: readonly ConfigFile[],
  initialDiagnostics: readonly Diagnostic[] = [],
  options: ParseOptions = {},
): ConfigResult {
  const assembler = new ConfigAssembler(options.now ?? new Date(), initialDiagnostics);
  for (const file of [...files].sort((a, b) => compareStrings(a.path, b.path)))
    assembler.addFile(file);
  return assembler.finish();
}
