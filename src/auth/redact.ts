/**
 * Keeps secrets out of every message the tool produces. Two nets:
 * - the values themselves: every client secret, certificate password, client assertion and access
 *   token the process handles is registered here the moment it is read or received, and replaced
 *   wherever it appears;
 * - shapes: anything that looks like a JWT, a bearer token, or a secret-bearing form field
 *   (`client_secret=…`, `client_assertion=…`), because a library error can echo a request body we
 *   never saw as a value.
 *
 * The registry is process-wide on purpose: an error raised deep inside `@azure/identity` is turned
 * into a message far from where the secret was read, and every message must pass through the
 * same filter. Values are kept only in memory and never printed.
 */

const secrets = new Set<string>();

/** Shorter values are too likely to occur by chance in ordinary text to be replaced blindly. */
const MIN_SECRET_LENGTH = 6;

/** Registers a secret value so that `redact` hides it from now on. */
export function registerSecret(value: string | undefined): void {
  if (value === undefined) return;
  const trimmed = value.trim();
  if (trimmed.length >= MIN_SECRET_LENGTH) secrets.add(trimmed);
}

const PATTERNS: readonly (readonly [RegExp, string])[] = [
  // Form fields and JSON properties that carry credentials.
  [
    /\b(client_secret|client_assertion|assertion|access_token|refresh_token|id_token|password)(["']?\s*[=:]\s*["']?)[^\s&"',}]+/gi,
    "$1$2[redacted]",
  ],
  // A JWT (header.payload.signature, base64url): access tokens, ID tokens, client assertions.
  [/\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/g, "[redacted-jwt]"],
  [/\b(Bearer)\s+[\w\-.~+/]+=*/gi, "$1 [redacted]"],
];

/** The text with every registered secret and every credential-shaped string replaced. */
export function redact(text: string): string {
  let result = text;
  for (const secret of secrets) {
    if (result.includes(secret)) result = result.split(secret).join("[redacted]");
  }
  for (const [pattern, replacement] of PATTERNS) result = result.replace(pattern, replacement);
  return result;
}

/** For tests only: forget every registered secret. */
export function clearRegisteredSecretsForTests(): void {
  secrets.clear();
}
