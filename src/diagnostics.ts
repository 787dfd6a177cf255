/**
 * Expected problems (a bad configuration, an object that matches nothing, a tenant that is down)
 * are diagnostics: collected, shown together, never thrown. Only `cli/` prints them.
 */

/** A position in a configuration file; line and column are 1-based. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface Diagnostic {
  readonly severity: "error" | "warning";
  /** A stable identifier for machines and tests, e.g. `unknown-key`, `enum-member`. */
  readonly code: string;
  /** What is wrong, in one line. */
  readonly summary: string;
  /** What to do about it. */
  readonly detail?: string;
  /** Where in the configuration, when it came from YAML. */
  readonly source?: SourceLocation;
}

export function formatLocation(source: SourceLocation): string {
  return `${source.file}:${source.line}:${source.column}`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((diagnostic) => diagnostic.severity === "error");
}
