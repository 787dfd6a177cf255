import {
  isCollection,
  isMap,
  isScalar,
  LineCounter,
  parseAllDocuments,
  stringify,
  type Document,
} from "yaml";
import type { JsonValue } from "../json.ts";

/** One value to write: `spec.<property>` of the document that starts on `documentLine`. */
export interface SpecEdit {
  /** 1-based line where the document's content starts (`DesiredObject.source.line`). */
  readonly documentLine: number;
  readonly property: string;
  readonly value: JsonValue;
}

/**
 * Writes new `spec` values into YAML text in place: only the bytes of each changed value are
 * replaced, so comments, key order, quoting elsewhere, blank lines and the other documents stay
 * exactly as they were. A scalar keeps its trailing comment; a block list is written back as a
 * block list at its own indentation (so a diff shows only the elements that changed), a flow
 * list as a flow list.
 */
export function editSpecValues(text: string, edits: readonly SpecEdit[]): string {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, uniqueKeys: false });
  const replacements = edits.map((edit) => {
    const document = [...documents].find(
      (candidate) => lineCounter.linePos(startOf(candidate)).line === edit.documentLine,
    );
    if (document === undefined)
      throw new Error(`no YAML document starts on line ${edit.documentLine}`);
    const spec = document.get("spec", true);
    if (!isMap(spec)) throw new Error(`the document on line ${edit.documentLine} has no spec`);
    const node = spec.get(edit.property, true);
    if (!(isScalar(node) || isCollection(node)) || node.range == null)
      throw new Error(
        `spec.${edit.property} is not written in the document on line ${edit.documentLine}`,
      );
    const [start, valueEnd] = node.range;
    // A block collection's range runs on to the next key's indentation: keep that whitespace.
    const end = start + text.slice(start, valueEnd).trimEnd().length;
    const block = isCollection(node) && node.flow !== true;
    const written = block
      ? blockText(edit.value, start - (text.lastIndexOf("\n", start - 1) + 1))
      : yamlText(edit.value, isScalar(node));
    return { start, end, text: written };
  });
  // From the end, so earlier offsets stay valid.
  let result = text;
  for (const replacement of replacements.sort((a, b) => b.start - a.start)) {
    result = result.slice(0, replacement.start) + replacement.text + result.slice(replacement.end);
  }
  return result;
}

function startOf(document: Document.Parsed): number {
  return document.contents?.range?.[0] ?? document.range[0];
}

/**
 * A value as block YAML whose first line goes where the old block began (`column` characters
 * into its line) and whose other lines are indented to match. An empty list or map can only be
 * written in flow style (`[]`, `{}`).
 */
function blockText(value: JsonValue, column: number): string {
  const lines = stringify(value, { lineWidth: 0 }).trimEnd().split("\n");
  return lines
    .map((line, index) => (index === 0 ? line : `${" ".repeat(column)}${line}`))
    .join("\n");
}

/** A value as YAML on one line: plain where YAML 1.2 reads it back the same, else quoted. */
function yamlText(value: JsonValue, scalar: boolean): string {
  if (!scalar || (value !== null && typeof value === "object")) return JSON.stringify(value);
  return stringify(value, { lineWidth: 0 }).trimEnd();
}
