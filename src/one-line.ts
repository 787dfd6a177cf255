/** Error messages from services arrive as pages, stack traces or JSON: one bounded line each. */

const MAX_MESSAGE_LENGTH = 600;

/** Collapses whitespace to one line and bounds the length. */
export function oneLine(text: string, max = MAX_MESSAGE_LENGTH): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
