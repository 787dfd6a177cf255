import type { ValueFinding } from "./behaviour.ts";

/**
 * A hint, not an error: Graph matches GUIDs regardless of case and the tool compares them so (and
 * sends them lower-case), but the file then differs from what Graph and `export` show.
 */
export function upperCaseGuidFinding(
  path: readonly (string | number)[],
  value: string,
): ValueFinding {
  return {
    severity: "warning",
    code: "guid-upper-case",
    path,
    text: ({ name }) => ({
      summary: `${name(path)} is a GUID written in upper case`,
      detail: `GUIDs are compared regardless of case and sent lower-case, as Graph returns them; write ${value.toLowerCase()} to match what Graph and export show`,
    }),
  };
}
