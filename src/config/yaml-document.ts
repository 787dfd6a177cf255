import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  visit,
  type Alias,
  type Document,
  type Node,
  type Pair,
} from "yaml";
import type { Diagnostic, SourceLocation } from "../diagnostics.ts";

/**
 * YAML text to plain data that remembers where it came from. Pure.
 *
 * The `yaml` package builds the syntax tree; the conversion to plain data is ours, because the
 * configuration needs things `toJS()` does not give:
 * - mappings are objects with nothing in their prototype chain, so a `__proto__` or `constructor`
 *   key is just an unknown key, never a prototype;
 * - duplicate keys are found with a set (the package's own check is quadratic in the number of
 *   keys, which lets a large flat mapping stall a pull-request check);
 * - a timestamp the parser turned into a `Date` (YAML 1.1 documents, `!!timestamp`) is read back
 *   exactly as written: Graph's DateTimeOffset carries 100 ns and an offset, a `Date` neither;
 * - aliases expand within a budget, so an alias bomb ("billion laughs") is a diagnostic, not an
 *   out-of-memory crash;
 * - every value can be traced back to its line and column for diagnostics.
 */

/** A path into a document, as zod reports it: mapping keys and sequence indexes. */
export type Path = readonly (string | number)[];

export type PlainValue = null | boolean | number | string | PlainValue[] | PlainMap;
/**
 * A YAML mapping as plain data: an object with string keys whose prototype holds nothing (see
 * `newPlainMap`).
 */
export interface PlainMap {
  [key: string]: PlainValue;
}

/** One YAML document of a configuration file. */
export interface SourceDocument {
  /** Relative to the configuration folder, with `/` separators. */
  readonly file: string;
  /** 0-based position among the file's documents. */
  readonly index: number;
  /** The content as plain data; `null` for an empty document. */
  readonly value: PlainValue;
  /** True when the document has no content at all (only comments or nothing). */
  readonly empty: boolean;
  /** True when reading the document produced errors: its value may be partial. */
  readonly hasErrors: boolean;
  /** Where the content starts. */
  readonly start: SourceLocation;
  /** Where the value (or key) at `path` is; the nearest existing ancestor when it is missing. */
  locate(path: Path, part?: "value" | "key"): SourceLocation;
  /** The scalar at `path` exactly as written (without quotes), or undefined for a collection. */
  sourceText(path: Path): string | undefined;
  /** True when the value at `path` is a null written as nothing at all (`key:`). */
  isImplicitNull(path: Path): boolean;
}

export interface ParsedYamlFile {
  readonly documents: readonly SourceDocument[];
  /** Syntax errors and warnings, in file order. */
  readonly diagnostics: readonly Diagnostic[];
}

/** How many values aliases may expand to in one document. Real configurations need a handful. */
export const MAX_ALIAS_EXPANSION = 10_000;
/** How deeply collections may nest. The format itself needs 6 levels. */
export const MAX_DEPTH = 64;

/** The YAML package's error codes, explained in terms of what to change. */
const SYNTAX_ADVICE: Readonly<Record<string, string>> = {
  TAB_AS_INDENT: "indent with spaces: YAML does not allow tabs for indentation",
  BAD_INDENT: "check the indentation: items of one mapping or list must line up",
  BLOCK_AS_IMPLICIT_KEY: "put the nested mapping on its own lines, indented under its key",
  MULTILINE_IMPLICIT_KEY: "a key must fit on one line; check for a missing colon or quote above",
  MISSING_CHAR: "add the missing character (a closing quote or bracket)",
  UNEXPECTED_TOKEN:
    "check this line for a stray character, a missing colon or a missing space after one",
  BAD_DIRECTIVE: "remove the directive, or use %YAML 1.2",
  BAD_SCALAR_START: "quote the value: it starts with a character YAML reserves",
  BLOCK_IN_FLOW: "inside [ ] or { }, write values on one line or quote them",
  DUPLICATE_KEY: "remove one of the two keys",
  TAG_RESOLVE_FAILED: "remove the tag: the configuration uses plain YAML values only",
};

export function parseYamlFile(file: string, text: string): ParsedYamlFile {
  const lineCounter = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  const at = (offset: number): SourceLocation => {
    const position = lineCounter.linePos(offset);
    return { file, line: position.line, column: position.col };
  };
  // uniqueKeys: false because our conversion checks duplicates in linear time (see above).
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  // An empty stream (only comments, or nothing) is an empty array.
  const documents = [...parsed].map((document, index) => {
    const documentDiagnostics: Diagnostic[] = [];
    for (const error of document.errors) {
      documentDiagnostics.push(syntaxDiagnostic(error, at, openingOf(document, error)));
    }
    for (const warning of document.warnings) {
      documentDiagnostics.push({
        ...syntaxDiagnostic(warning, at),
        severity: "warning",
        code: "yaml-warning",
      });
    }
    const syntaxErrors = document.errors.length > 0;
    const converter = new Converter(document, at, documentDiagnostics);
    const value = converter.convertRoot();
    diagnostics.push(...documentDiagnostics);
    const contents = document.contents;
    const empty =
      contents === null || (isScalar(contents) && contents.value === null && !contents.source);
    const startOffset = contents?.range?.[0] ?? document.range[0];
    return makeSourceDocument({
      file,
      index,
      value,
      empty,
      hasErrors: syntaxErrors || documentDiagnostics.some((d) => d.severity === "error"),
      // An empty document is reported at the start of its line (the `---` that opens it).
      start: empty ? { ...at(startOffset), column: 1 } : at(startOffset),
      document,
      aliasTargets: converter.aliasTargets,
      at,
    });
  });
  diagnostics.sort(
    (a, b) =>
      (a.source?.line ?? 0) - (b.source?.line ?? 0) ||
      (a.source?.column ?? 0) - (b.source?.column ?? 0),
  );
  return { documents, diagnostics };
}

interface YamlProblem {
  readonly code: string;
  readonly message: string;
  readonly pos: readonly [number, number];
}

function syntaxDiagnostic(
  error: YamlProblem,
  at: (offset: number) => SourceLocation,
  opening?: number,
): Diagnostic {
  const message = error.message.replace(/\.$/, "");
  return {
    severity: "error",
    code: error.code === "DUPLICATE_KEY" ? "duplicate-key" : "yaml-syntax",
    summary:
      opening === undefined ? message : `${message}: the value that starts here is never closed`,
    detail: SYNTAX_ADVICE[error.code] ?? "fix the YAML syntax at this position",
    source: at(opening ?? error.pos[0]),
  };
}

/**
 * Where an unclosed quote or bracket opened. The parser reports the place it gave up, often the
 * end of the file; the opening quote or bracket is where the fix goes.
 */
function openingOf(document: Document, error: YamlProblem): number | undefined {
  const unclosedQuote = error.code === "MISSING_CHAR" && /quote/.test(error.message);
  const unclosedFlow = /^Flow (sequence|map)/.test(error.message);
  if (!unclosedQuote && !unclosedFlow) return undefined;
  let opening: number | undefined;
  visit(document, (_key, node) => {
    const range = isNode(node) ? node.range : undefined;
    if (!range || range[0] >= error.pos[0] || range[1] < error.pos[0] - 1) return;
    const matches = unclosedQuote
      ? isScalar(node) && (node.type === "QUOTE_SINGLE" || node.type === "QUOTE_DOUBLE")
      : (isMap(node) || isSeq(node)) && node.flow === true;
    // The outermost match: visiting goes from outer to inner, and an inner value may be closed.
    if (matches && opening === undefined) opening = range[0];
  });
  return opening;
}

/** Converts one document's syntax tree to plain data, reporting what YAML itself allows but we do not. */
class Converter {
  readonly aliasTargets = new Map<Alias, Node>();
  private readonly anchors = new Map<string, Node>();
  private readonly expanding = new Set<Node>();
  /** The aliases being expanded, outermost first: a blown budget is reported at the outermost. */
  private readonly aliasStack: Alias[] = [];
  private expansionBudget = MAX_ALIAS_EXPANSION;
  private budgetReported = false;
  private readonly document: Document;
  private readonly at: (offset: number) => SourceLocation;
  private readonly diagnostics: Diagnostic[];

  constructor(
    document: Document,
    at: (offset: number) => SourceLocation,
    diagnostics: Diagnostic[],
  ) {
    this.document = document;
    this.at = at;
    this.diagnostics = diagnostics;
  }

  convertRoot(): PlainValue {
    const contents = this.document.contents;
    return contents ? this.convert(contents, 0, false) : null;
  }

  private convert(node: Node, depth: number, viaAlias: boolean): PlainValue {
    if (depth > MAX_DEPTH) {
      this.error(
        node,
        "nesting-too-deep",
        `values nest more than ${MAX_DEPTH} levels deep`,
        "the configuration format nests a few levels at most: check the indentation",
      );
      return null;
    }
    if (viaAlias && --this.expansionBudget < 0) {
      if (!this.budgetReported) {
        this.budgetReported = true;
        this.error(
          this.aliasStack[0] ?? node,
          "alias-limit",
          `aliases expand to more than ${MAX_ALIAS_EXPANSION} values`,
          "write the values out, or use fewer aliases: a configuration never needs this many (this pattern is known as an alias bomb)",
        );
      }
      return null;
    }
    if (!viaAlias && node.anchor) this.anchors.set(node.anchor, node);
    if (isAlias(node)) return this.convertAlias(node, depth);
    if (isScalar(node)) {
      const value = node.value;
      if (value instanceof Date) return node.source ?? value.toISOString();
      if (typeof value === "bigint") return node.source ?? String(value);
      if (typeof value === "string") return detached(value);
      if (value === null || typeof value === "boolean" || typeof value === "number") return value;
      return node.source ?? null;
    }
    if (isSeq(node)) {
      return node.items.map((item) =>
        isNode(item) ? this.convert(item, depth + 1, viaAlias) : null,
      );
    }
    if (isMap(node)) {
      const result = newPlainMap();
      const seen = new Map<string, Node>();
      for (const pair of node.items) {
        const key = keyOf(pair);
        if (key === undefined) {
          this.error(
            isNode(pair.key) ? pair.key : node,
            "invalid-key",
            "a key must be plain text",
            "write the key as a plain word, not a list, mapping or empty key",
          );
          continue;
        }
        const keyNode = isNode(pair.key) ? pair.key : node;
        const earlier = seen.get(key);
        if (earlier) {
          if (!viaAlias) {
            const first = this.at(earlier.range?.[0] ?? 0);
            this.error(
              keyNode,
              "duplicate-key",
              `key "${key}" appears twice in this mapping`,
              `remove one of them (the first is at line ${first.line}, column ${first.column})`,
            );
          }
          continue;
        }
        seen.set(key, keyNode);
        result[key] = isNode(pair.value) ? this.convert(pair.value, depth + 1, viaAlias) : null;
      }
      return result;
    }
    return null;
  }

  private convertAlias(alias: Alias, depth: number): PlainValue {
    const target = this.anchors.get(alias.source);
    if (!target) {
      this.error(
        alias,
        "unknown-alias",
        `alias *${alias.source} refers to no anchor &${alias.source} above it`,
        `define &${alias.source} before this line, or write the value out`,
      );
      return null;
    }
    if (this.expanding.has(target)) {
      this.error(
        alias,
        "recursive-alias",
        `alias *${alias.source} is inside its own anchor`,
        "an alias cannot contain itself: write the value out",
      );
      return null;
    }
    this.aliasTargets.set(alias, target);
    this.expanding.add(target);
    this.aliasStack.push(alias);
    try {
      return this.convert(target, depth, true);
    } finally {
      this.expanding.delete(target);
      this.aliasStack.pop();
    }
  }

  private error(node: Node, code: string, summary: string, detail: string): void {
    this.diagnostics.push({
      severity: "error",
      code,
      summary,
      detail,
      source: this.at(node.range?.[0] ?? 0),
    });
  }
}

/**
 * The string as a copy of its own. The parser cuts scalars out of the file's text, and V8 keeps
 * a cut of 13 characters or more as a view into the whole text: one tenant id kept in the desired
 * state kept its whole file alive (3.8 MB of file text at 2,000 tenants, after every document
 * was dropped). Concatenating makes a new flat string, and the slice of it keeps only that.
 */
function detached(text: string): string {
  return text.length < 13 ? text : ` ${text}`.slice(1);
}

/** The prototype of every `PlainMap`: an object with no properties and no prototype. */
const EMPTY_PROTOTYPE: object = Object.freeze(Object.create(null) as object);

/**
 * A new mapping. Its prototype chain has no properties at all (no `Object.prototype`), so any key
 * is an ordinary own key, as with `Object.create(null)`; but V8 keeps such objects in fast mode,
 * where `Object.create(null)` makes dictionaries of about 4 times the memory (thousands of
 * documents are held while the configuration loads).
 */
function newPlainMap(): PlainMap {
  return Object.create(EMPTY_PROTOTYPE) as PlainMap;
}

function isNode(value: unknown): value is Node {
  return isScalar(value) || isMap(value) || isSeq(value) || isAlias(value);
}

/** A mapping key as a string: scalars as written (`1:` is the key "1"), anything else undefined. */
function keyOf(pair: Pair): string | undefined {
  const key = pair.key;
  if (!isScalar(key)) return undefined;
  if (typeof key.value === "string") return key.value;
  if (key.value === null && !key.source) return undefined;
  return key.source ?? String(key.value);
}

interface SourceDocumentParts {
  file: string;
  index: number;
  value: PlainValue;
  empty: boolean;
  hasErrors: boolean;
  start: SourceLocation;
  document: Document;
  aliasTargets: ReadonlyMap<Alias, Node>;
  at: (offset: number) => SourceLocation;
}

/**
 * Where one node of the document is, and what `sourceText` and `isImplicitNull` need of it: the
 * part of the syntax tree that diagnostics use. A document keeps this, not the `yaml` package's
 * tree (about 10 KB per document, which at thousands of documents was most of the memory a run
 * needed: the configuration is loaded one document at a time and only this outlives it).
 */
interface NodeEntry {
  /** The node's start offset (for a `key:` without a value: the key's). */
  readonly offset?: number;
  /** For a mapping's value: where its key starts. */
  readonly keyOffset?: number;
  /** `other`: a sequence item that is not a node (a pair in a flow sequence, `[a: b]`). */
  readonly kind: "map" | "seq" | "scalar" | "alias" | "valueless" | "other";
  /** A mapping's values by key (the first of duplicate keys, as the conversion keeps). */
  readonly entries?: Readonly<Record<string, NodeEntry>>;
  readonly items?: readonly NodeEntry[];
  /** A scalar exactly as written (see `sourceText`). */
  readonly text?: string;
  /** A scalar null written as nothing at all. */
  readonly implicitNull?: boolean;
  /** An alias: the entry of the node it refers to (undefined when it refers to none). */
  target?: NodeEntry;
}

/** The entries of a document's nodes, down to the depth the conversion reads. */
function indexNodes(
  contents: Node | null,
  aliasTargets: ReadonlyMap<Alias, Node>,
): NodeEntry | undefined {
  const byNode = new Map<Node, NodeEntry>();
  const aliases: [Alias, NodeEntry][] = [];
  const build = (node: Node, keyOffset: number | undefined, depth: number): NodeEntry => {
    const offset = node.range?.[0];
    const located = {
      ...(offset === undefined ? {} : { offset }),
      ...(keyOffset === undefined ? {} : { keyOffset }),
    };
    let entry: NodeEntry;
    if (isAlias(node)) {
      entry = { ...located, kind: "alias" };
      aliases.push([node, entry]);
    } else if (isScalar(node)) {
      const value: unknown = node.value;
      entry = {
        ...located,
        kind: "scalar",
        text:
          node.source ??
          (typeof value === "string" || typeof value === "number" || typeof value === "boolean"
            ? String(value)
            : "null"),
        implicitNull: value === null && !node.source,
      };
    } else if (isSeq(node)) {
      entry = {
        ...located,
        kind: "seq",
        items:
          depth > MAX_DEPTH
            ? []
            : node.items.map((item) =>
                isNode(item) ? build(item, undefined, depth + 1) : { kind: "other" as const },
              ),
      };
    } else if (isMap(node)) {
      // A record, not a Map: a few keys each, and thousands of mappings are held at once.
      const entries = Object.create(EMPTY_PROTOTYPE) as Record<string, NodeEntry>;
      if (depth <= MAX_DEPTH) {
        for (const pair of node.items) {
          const key = keyOf(pair);
          if (key === undefined || Object.hasOwn(entries, key)) continue;
          const keyStart = isNode(pair.key) ? pair.key.range?.[0] : undefined;
          entries[key] = isNode(pair.value)
            ? build(pair.value, keyStart, depth + 1)
            : {
                ...(keyStart === undefined ? {} : { offset: keyStart, keyOffset: keyStart }),
                kind: "valueless",
              };
        }
      }
      entry = { ...located, kind: "map", entries };
    } else {
      entry = { kind: "other" };
    }
    byNode.set(node, entry);
    return entry;
  };
  const root = contents === null ? undefined : build(contents, undefined, 0);
  for (const [alias, entry] of aliases) {
    const target = aliasTargets.get(alias);
    entry.target = target === undefined ? undefined : byNode.get(target);
  }
  return root;
}

function makeSourceDocument(parts: SourceDocumentParts): SourceDocument {
  const { at, start } = parts;
  const root = indexNodes(parts.document.contents, parts.aliasTargets);
  const resolve = (entry: NodeEntry | undefined): NodeEntry | undefined =>
    entry?.kind === "alias" ? entry.target : entry;
  /**
   * The entry at `path` (unresolved, so an alias is located where it is used), the key offset of
   * the last mapping step, and whether the whole path exists. When it does not, `entry` is the
   * deepest one found: a missing key is reported at the mapping that lacks it.
   */
  const walk = (path: Path) => {
    let entry = root;
    let keyOffset: number | undefined;
    for (const segment of path) {
      const container = resolve(entry);
      if (container?.entries !== undefined && typeof segment === "string") {
        const child = Object.hasOwn(container.entries, segment)
          ? container.entries[segment]
          : undefined;
        if (!child) return { entry, keyOffset, complete: false };
        keyOffset = child.keyOffset;
        entry = child;
        // `key:` with nothing after it has no value node at all: it is an implicit null.
        if (child.kind === "valueless") return { entry, keyOffset, complete: true };
      } else if (
        container?.items !== undefined &&
        typeof segment === "number" &&
        segment < container.items.length
      ) {
        keyOffset = undefined;
        entry = container.items[segment];
      } else {
        return { entry, keyOffset, complete: false };
      }
    }
    return { entry, keyOffset, complete: true };
  };
  return {
    file: parts.file,
    index: parts.index,
    value: parts.value,
    empty: parts.empty,
    hasErrors: parts.hasErrors,
    start,
    locate(path, part = "value") {
      const { entry, keyOffset, complete } = walk(path);
      const offset = complete && part === "key" ? (keyOffset ?? entry?.offset) : entry?.offset;
      return offset === undefined ? start : at(offset);
    },
    sourceText(path) {
      const found = walk(path);
      if (!found.complete) return undefined;
      if (found.entry?.kind === "valueless") return "";
      const target = resolve(found.entry);
      return target?.kind === "scalar" ? target.text : undefined;
    },
    isImplicitNull(path) {
      const found = walk(path);
      if (!found.complete) return false;
      if (found.entry?.kind === "valueless") return true;
      return found.entry?.kind === "scalar" && found.entry.implicitNull === true;
    },
  };
}
