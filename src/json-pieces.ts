import type { JsonValue } from "./json.ts";

/**
 * `JSON.stringify(value, null, indent)`'s text in pieces, for documents too large to hold as one
 * string: a 2,000-tenant plan's JSON is megabytes, and as one string it was the text, its
 * flattened copy, the lower-case copy `redact` compares with, the document it was made from
 * and the bytes queued for the pipe, all at once at the end of the run (bench/RESULTS.md, change
 * 22). Joined, the pieces are exactly `JSON.stringify`'s text (test: json-pieces.test.ts).
 *
 * Where the text is cut: only between the members of an object or the elements of an array,
 * and a member's key is in the same piece as the start of its value. So a value (a string, a
 * number) is never cut, and neither is `"key": value` when the value is not a container: the
 * output filter (`redact`), which sees one write at a time, finds in each piece what it found
 * in the whole text.
 *
 * Containers are cut into pieces down to `SPLIT_DEPTH`; below that a value is written whole by
 * `JSON.stringify` (and indented to its depth), which is far faster than anything in JS.
 */
export function* jsonPieces(value: unknown, indent: "" | "  " = ""): Generator<string> {
  const resolved = resolve(value, "");
  if (resolved === undefined) return;
  yield* valuePieces(resolved, indent, 0, "");
}

/**
 * An array whose elements are made as they are written: `jsonPieces` maps one element at a time,
 * so the JSON-shaped copy of a plan's thousands of changes is never whole. `JSON.stringify` sees
 * the mapped array (`toJSON`), so both give the same text.
 */
export class MappedArray<T> {
  readonly items: readonly T[];
  readonly map: (item: T) => JsonValue;

  constructor(items: readonly T[], map: (item: T) => JsonValue) {
    this.items = items;
    this.map = map;
  }

  toJSON(): JsonValue[] {
    return this.items.map((item) => this.map(item));
  }
}

/**
 * Pieces joined until each is at least `size` characters (the last may be shorter): one write
 * per piece costs a call into the output filter and the stream, so pieces of a few tens of KB.
 */
export function* joinedPieces(pieces: Iterable<string>, size: number): Generator<string> {
  let pending = "";
  for (const piece of pieces) {
    pending += piece;
    if (pending.length >= size) {
      yield pending;
      pending = "";
    }
  }
  if (pending !== "") yield pending;
}

/** Arrays are cut down to elements of depth 2 (a plan's changes), objects down to depth 1. */
const SPLIT_DEPTH = { array: 3, object: 2 } as const;

/** What `JSON.stringify` would write for a value: after `toJSON`, undefined if nothing. */
function resolve(value: unknown, key: string): unknown {
  if (value instanceof MappedArray) return value;
  if (typeof value === "object" && value !== null) {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    // Once, as JSON.stringify calls it: what it returns is not asked again.
    if (typeof toJSON === "function") value = toJSON.call(value, key) as unknown;
  }
  if (value === undefined || typeof value === "function" || typeof value === "symbol")
    return undefined;
  return value;
}

function* valuePieces(
  value: unknown,
  indent: string,
  depth: number,
  prefix: string,
): Generator<string> {
  if (value instanceof MappedArray) {
    yield* arrayPieces(value.items, value.map, indent, depth, prefix);
    return;
  }
  // A plain array or object (anything else JSON.stringify writes as a whole).
  const plain =
    typeof value === "object" &&
    value !== null &&
    (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype);
  if (plain && Array.isArray(value) && depth < SPLIT_DEPTH.array) {
    yield* arrayPieces(value, (item: unknown) => item, indent, depth, prefix);
    return;
  }
  if (plain && !Array.isArray(value) && depth < SPLIT_DEPTH.object) {
    yield* objectPieces(value as Record<string, unknown>, indent, depth, prefix);
    return;
  }
  yield prefix + whole(value, indent, depth);
}

function* arrayPieces<T>(
  items: readonly T[],
  map: (item: T) => unknown,
  indent: string,
  depth: number,
  prefix: string,
): Generator<string> {
  if (items.length === 0) {
    yield `${prefix}[]`;
    return;
  }
  const inner = indent === "" ? "" : `\n${indent.repeat(depth + 1)}`;
  for (let index = 0; index < items.length; index++) {
    const item = resolve(map(items[index]!), String(index));
    const start = `${index === 0 ? `${prefix}[` : ","}${inner}`;
    // An element that writes nothing is `null`, as in JSON.stringify.
    if (item === undefined) yield `${start}null`;
    else yield* valuePieces(item, indent, depth + 1, start);
  }
  yield `${indent === "" ? "" : `\n${indent.repeat(depth)}`}]`;
}

function* objectPieces(
  value: Record<string, unknown>,
  indent: string,
  depth: number,
  prefix: string,
): Generator<string> {
  const inner = indent === "" ? "" : `\n${indent.repeat(depth + 1)}`;
  const colon = indent === "" ? ":" : ": ";
  let first = true;
  for (const key of Object.keys(value)) {
    const member = resolve(value[key], key);
    if (member === undefined) continue;
    const start = `${first ? `${prefix}{` : ","}${inner}${JSON.stringify(key)}${colon}`;
    first = false;
    yield* valuePieces(member, indent, depth + 1, start);
  }
  if (first) yield `${prefix}{}`;
  else yield `${indent === "" ? "" : `\n${indent.repeat(depth)}`}}`;
}

/** `JSON.stringify`'s text for a value written at `depth`: its lines indented to there. */
function whole(value: unknown, indent: string, depth: number): string {
  const text = JSON.stringify(value, null, indent);
  // Strings in JSON text never hold a raw line break: every one is the layout's.
  return indent === "" || depth === 0 ? text : text.replaceAll("\n", `\n${indent.repeat(depth)}`);
}
