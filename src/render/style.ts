/**
 * Terminal colour for the human renderers. Pure: whether colour is on is the CLI's decision (a
 * TTY, no `NO_COLOR`, no `--no-color`), passed in as a boolean. With colour off every function is
 * the identity, so output without colour has no escape codes at all.
 */
export interface Style {
  readonly green: (text: string) => string;
  readonly red: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly bold: (text: string) => string;
}

export function createStyle(color: boolean): Style {
  // Each colour closes with its own reset (39 for foreground, 22 for intensity), so nesting works.
  const wrap = (open: number, close: number) => (text: string) =>
    color && text !== "" ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return {
    green: wrap(32, 39),
    red: wrap(31, 39),
    yellow: wrap(33, 39),
    dim: wrap(2, 22),
    bold: wrap(1, 22),
  };
}

/**
 * Text from outside (live display names, Graph messages, values) made safe for a terminal: control
 * characters, including ESC, and the invisible bidi/line-separator characters are shown as
 * `\uXXXX` instead of acting on the terminal or reordering what the reader sees.
 */
export function sanitizeText(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
