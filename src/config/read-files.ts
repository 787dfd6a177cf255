import type { Diagnostic } from "../diagnostics.ts";
import { decodeConfigFile } from "./decode.ts";
import { isMapping } from "./schema-walk.ts";
import { parseYamlFile, type SourceDocument } from "./yaml-document.ts";

/**
 * One configuration file to its documents worth validating. Pure. The rules about files:
 * - a file with nothing but comments and whitespace is skipped with a warning (`empty-file`);
 * - a file in which no document is a mapping with one of the envelope keys (`apiVersion`, `kind`,
 *   `metadata`, `spec`) is not an intune-gitops file (a docker-compose file, say, next to the
 *   configuration): skipped with a warning (`not-intune-gitops`), so that `--config .` works in a
 *   repository root. One envelope key is enough to make a file ours, so a document that lost
 *   its `apiVersion` and `kind` is still reported, not skipped;
 * - an empty document between `---` separators is skipped with a warning (`empty-document`);
 * - a document with YAML errors is reported and not validated further (its content is partial).
 */

/** One configuration file: `path` relative to the configuration folder, `/`-separated. */
export interface ConfigFile {
  readonly path: string;
  /** The file's content: bytes as read (decoded strictly as UTF-8 here), or text. */
  readonly text: string | Uint8Array;
}

/** Top-level keys that mark a document as meant for intune-gitops. */
const ENVELOPE_KEYS = ["apiVersion", "kind", "metadata", "spec"] as const;

/** What one file gives: its documents worth validating, and what was wrong with it. */
export interface ReadFileResult {
  /** Non-empty, free of YAML errors, in file order. */
  readonly documents: readonly SourceDocument[];
  readonly diagnostics: readonly Diagnostic[];
  /** The file holds intune-gitops documents (it is listed in the desired state's files). */
  readonly isConfiguration: boolean;
}

export function readConfigFile(file: ConfigFile): ReadFileResult {
  const diagnostics: Diagnostic[] = [];
  const skipped = { documents: [], diagnostics, isConfiguration: false };
  // Text is encoded and decoded again so that both kinds of input meet the same checks.
  const bytes = typeof file.text === "string" ? new TextEncoder().encode(file.text) : file.text;
  const decoded = decodeConfigFile(file.path, bytes);
  if (!decoded.ok) return { ...skipped, diagnostics: [decoded.diagnostic] };
  const text = decoded.text;
  const parsed = parseYamlFile(file.path, text);
  diagnostics.push(...parsed.diagnostics);
  const fileStart = { file: file.path, line: 1, column: 1 };
  const nonEmpty = parsed.documents.filter((document) => !document.empty);
  if (nonEmpty.length === 0) {
    if (!parsed.diagnostics.some((d) => d.severity === "error")) {
      diagnostics.push({
        severity: "warning",
        code: "empty-file",
        summary: "the file has no YAML documents (only comments or nothing): skipped",
        detail: "add configuration documents to it, or delete it",
        source: fileStart,
      });
    }
    return skipped;
  }
  const ours = nonEmpty.some((document) => {
    const value = document.value;
    return isMapping(value) && ENVELOPE_KEYS.some((key) => Object.hasOwn(value, key));
  });
  if (!ours && !nonEmpty.some((document) => document.hasErrors)) {
    diagnostics.push({
      severity: "warning",
      code: "not-intune-gitops",
      summary:
        "no document in this file has apiVersion or kind, so it is not an intune-gitops file: skipped",
      detail:
        "if it is configuration, start each document with apiVersion: intune-gitops/v1 and a kind; otherwise move it out of the configuration folder",
      source: fileStart,
    });
    return skipped;
  }
  if (nonEmpty.length < parsed.documents.length) {
    for (const document of parsed.documents.filter((d) => d.empty)) {
      diagnostics.push({
        severity: "warning",
        code: "empty-document",
        summary: `document ${document.index + 1} of the file is empty`,
        detail:
          "remove the extra --- separator (a file needs no --- before its first document or after its last)",
        source: document.start,
      });
    }
  }
  return {
    documents: nonEmpty.filter((document) => !document.hasErrors),
    diagnostics,
    isConfiguration: true,
  };
}
