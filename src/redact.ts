/**
 * Keeps secrets out of every message the tool produces. Two nets:
 * - the values themselves: every client secret, certificate password, client assertion and access
 *   token the process handles is registered here the moment it is read or received, and replaced
 *   wherever it appears, also in the encodings a server or a library may echo it back in
 *   (lower case, percent-encoded, JSON-escaped, base64 and base64url at any byte offset);
 * - shapes: anything that looks like a JWT, a bearer token, or a secret-bearing form field
 *   (`client_secret=…`, `client_assertion=…`), because a library error can echo a request body we
 *   never saw as a value.
 *
 * The registry is process-wide on purpose: an error raised deep inside `@azure/identity` is turned
 * into a message far from where the secret was read, and every message must pass through the
 * same filter. Values are kept only in memory and never printed.
 */

import type { JsonValue } from "./json.ts";

export const REDACTED = "[redacted]";

/** Shorter values are too likely to occur by chance in ordinary text to be replaced blindly. */
const MIN_SECRET_LENGTH = 6;
/**
 * A derived form (a base64 run inside a longer base64 text) shorter than this is not looked for:
 * eight base64 characters carry six bytes, as much as the shortest secret itself.
 */
const MIN_FORM_LENGTH = 8;

/**
 * The forms of one length that share a key, in letter case (`caseless`) or not. A form can
 * show up in any letter case when `caseless`: a lower-cased URL or a percent-encoding with `%2f`
 * instead of `%2F` still leaks the secret. Base64 is case-sensitive: changing its case changes
 * the bytes it stands for.
 *
 * A short form is kept whole. A longer one is kept as a hash of all of it (`hashOf`) and its
 * first HEAD_LENGTH characters: a token is registered with every sign-in and has several forms
 * of 1-2 KB each (lower case, base64 at three offsets), and kept whole they were 11 MB of a
 * 2,000-tenant plan's heap. A real occurrence always has the same hash and head, so nothing is
 * missed; another text would need the same 53-bit hash and the same first characters to be cut
 * (more hidden, never less). The text at a position is hashed once per length, however many
 * forms of that length share the key (tokens of one issuer start alike and have few lengths).
 */
interface FormGroup {
  readonly length: number;
  readonly caseless: boolean;
  readonly whole: Set<string>;
  /** Hash of a long form → the heads of the forms with that hash. */
  readonly byHash: Map<number, string[]>;
}

const HEAD_LENGTH = 32;

/**
 * Every form, indexed by its first KEY_LENGTH characters in lower case: `redact` goes over a text
 * once and looks each position up here, instead of searching the whole text once per form (with
 * a token per tenant, thousands of forms). Each list is longest first, so that of two secrets
 * that start alike the longer is replaced whole.
 */
const KEY_LENGTH = MIN_SECRET_LENGTH;
const formsByKey = new Map<string, FormGroup[]>();
/** Whether any key starts with these two characters (low bytes): most positions stop here. */
const keyStarts = new Uint8Array(1 << 16);
let redactionCount = 0;

/**
 * Registers a secret value so that `redact` hides it, in every form, from now on. The value
 * itself is not kept: only its forms, as `addForm` holds them, and a form already held is not
 * held twice (a token is registered again whenever a credential hands it out again).
 */
export function registerSecret(value: string | undefined): void {
  if (value === undefined) return;
  const trimmed = value.trim();
  if (trimmed.length < MIN_SECRET_LENGTH) return;
  for (const form of formsOf(trimmed))
    addForm(form.caseless ? lowerCaseInPlace(form.text) : form.text, form.caseless);
}

function addForm(text: string, caseless: boolean): void {
  const key = lowerCaseInPlace(text.slice(0, KEY_LENGTH));
  const groups = formsByKey.get(key) ?? [];
  formsByKey.set(key, groups);
  let group = groups.find((g) => g.length === text.length && g.caseless === caseless);
  if (group === undefined) {
    group = { length: text.length, caseless, whole: new Set(), byHash: new Map() };
    groups.push(group);
    groups.sort((a, b) => b.length - a.length);
  }
  if (text.length <= HEAD_LENGTH) {
    group.whole.add(text);
  } else {
    const hash = hashOf(text, 0, text.length);
    // A copy, not a view into the secret (V8 keeps a slice as one).
    const head = ` ${text.slice(0, HEAD_LENGTH)}`.slice(1);
    const heads = group.byHash.get(hash) ?? [];
    if (heads.includes(head)) return;
    heads.push(head);
    group.byHash.set(hash, heads);
  }
  keyStarts[pairOf(key, 0)] = 1;
}

/**
 * cyrb53 (bryc, public domain) of `text[start, end)`: a 53-bit hash, without cutting the text
 * out first. Exported for the test that holds it to cyrb53's published values: registering and
 * looking up use this one function, so a weaker hash would break no lookup, only make a chance
 * match likelier.
 */
export function hashOf(text: string, start: number, end: number): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let index = start; index < end; index++) {
    const code = text.charCodeAt(index);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

function pairOf(text: string, index: number): number {
  return ((text.charCodeAt(index) & 0xff) << 8) | (text.charCodeAt(index + 1) & 0xff);
}

function formsOf(secret: string): { text: string; caseless: boolean }[] {
  // The upper case too: a server that upper-cases the secret writes ß as SS, ı as I and a σ
  // that ends a word comes back as ς, none of which the secret's own lower case finds.
  const caseless = [
    secret,
    secret.toUpperCase(),
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1),
  ];
  return [
    ...caseless.map((text) => ({ text, caseless: true })),
    ...base64Runs(secret)
      .filter((text) => text.length >= MIN_FORM_LENGTH)
      .map((text) => ({ text, caseless: false })),
  ];
}

/**
 * The base64 and base64url text every encoding of a longer text that holds `secret` contains.
 * Base64 turns each group of 3 bytes into 4 characters, so what the secret becomes depends on
 * its offset in the encoded bytes modulo 3: for each of the three offsets, the secret's bytes
 * that fill whole groups encode the same way whatever surrounds them. At most two bytes at each
 * end are left out of the match, never enough to rebuild a secret.
 */
function base64Runs(secret: string): string[] {
  const bytes = Buffer.from(secret);
  const runs: string[] = [];
  // A secret has at least MIN_SECRET_LENGTH bytes: each offset leaves at least one whole group.
  for (const skip of [0, 1, 2]) {
    const length = Math.floor((bytes.length - skip) / 3) * 3;
    const core = bytes.subarray(skip, skip + length);
    runs.push(core.toString("base64"), core.toString("base64url"));
  }
  return runs;
}

/** Credential shapes, each with what a match (and its groups) becomes. */
const PATTERNS: readonly (readonly [RegExp, (...match: string[]) => string])[] = [
  // Form fields and JSON properties that carry credentials (not again when already replaced).
  [
    /\b(client_secret|client_assertion|assertion|access_token|refresh_token|id_token|password)(["']?\s*[=:]\s*["']?)(?!\[redacted)[^\s&"',}]+/gi,
    (_field, name, separator) => `${name}${separator}${REDACTED}`,
  ],
  // A JWT (header.payload.signature, base64url): access tokens, ID tokens, client assertions.
  [/\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/g, () => "[redacted-jwt]"],
  [/\b(Bearer)\s+[\w\-.~+/]+=*/gi, (_header, scheme) => `${scheme} ${REDACTED}`],
];

/** The text with every registered secret and every credential-shaped string replaced. */
export function redact(text: string): string {
  let result = replaceForms(text);
  for (const [pattern, replacement] of PATTERNS) {
    // One pass per shape, counting the matches as it replaces them.
    result = result.replace(pattern, (...match: string[]) => {
      redactionCount++;
      return replacement(...match);
    });
  }
  return result;
}

/** One pass over the text: at each position, the longest registered form that starts there. */
function replaceForms(text: string): string {
  const lower = lowerCaseInPlace(text);
  let shown = "";
  let copiedTo = 0;
  for (let index = 0; index + KEY_LENGTH <= text.length;) {
    const length = keyStarts[pairOf(lower, index)] === 1 ? formAt(text, lower, index) : undefined;
    if (length === undefined) {
      index++;
      continue;
    }
    shown += text.slice(copiedTo, index) + REDACTED;
    redactionCount++;
    index += length;
    copiedTo = index;
  }
  return shown + text.slice(copiedTo);
}

/** The length of the longest registered form at `index`, if any. */
function formAt(text: string, lower: string, index: number): number | undefined {
  const groups = formsByKey.get(lower.slice(index, index + KEY_LENGTH));
  if (groups === undefined) return undefined;
  for (const group of groups) {
    const source = group.caseless ? lower : text;
    const end = index + group.length;
    if (end > source.length) continue;
    if (group.length <= HEAD_LENGTH) {
      if (group.whole.has(source.slice(index, end))) return group.length;
    } else {
      const heads = group.byHash.get(hashOf(source, index, end));
      if (heads?.some((head) => source.startsWith(head, index))) return group.length;
    }
  }
  return undefined;
}

/**
 * The text in lower case, character for character: a character whose lower case is longer
 * (`İ` → `i̇`) is kept as it is, so that a position in one is the same position in the other.
 */
function lowerCaseInPlace(text: string): string {
  const lower = text.toLowerCase();
  if (lower.length === text.length) return lower;
  let kept = "";
  for (const character of text) {
    const lowered = character.toLowerCase();
    kept += lowered.length === character.length ? lowered : character;
  }
  return kept;
}

/**
 * A JSON value with every string in it (keys too) redacted. For data that is rendered or saved
 * after escaping or truncation, where the text-level net would no longer recognise a secret.
 */
export function redactJson(value: JsonValue): JsonValue {
  if (typeof value === "string") return redact(value);
  if (Array.isArray(value)) return value.map(redactJson);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [redact(key), redactJson(item)]),
  );
}

/** Whether `redact` would change the text: it holds a secret or something shaped like one. */
export function holdsSecret(text: string): boolean {
  const before = redactionCount;
  redact(text);
  const found = redactionCount !== before;
  redactionCount = before;
  return found;
}

/**
 * How many replacements `redact` has made in this process. A command compares it before and
 * after its run to say, once, that its output had something cut out.
 */
export function redactionsSoFar(): number {
  return redactionCount;
}

/**
 * What the registry holds: how many forms, and how many of their characters (a short form
 * whole, a long one's head). For tests and memory diagnostics: a long form costs HEAD_LENGTH
 * characters and its hash whatever its length, and a form registered twice is held once.
 */
export function registeredForms(): { forms: number; characters: number } {
  let forms = 0;
  let characters = 0;
  for (const groups of formsByKey.values()) {
    for (const group of groups) {
      for (const kept of [...group.whole, ...[...group.byHash.values()].flat()]) {
        forms++;
        characters += kept.length;
      }
    }
  }
  return { forms, characters };
}

/** For tests only: forget every registered secret. */
export function clearRegisteredSecretsForTests(): void {
  formsByKey.clear();
  keyStarts.fill(0);
}
