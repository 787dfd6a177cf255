import type { ConfigResult } from "../config/model.ts";
import type { Diagnostic } from "../diagnostics.ts";

/**
 * `validate --format json`, for machines (CI annotations, editors, bots):
 *
 *   { "format_version": 1, "valid": false,
 *     "errors": [{ "code": "enum-member", "file": "config/x.yaml", "line": 12, "column": 21,
 *                  "summary": "...", "detail": "..." }],
 *     "warnings": [],
 *     "summary": { "errors": 1, "warnings": 0, "tenants": 0, "objects": 0, "files": 0 },
 *     "digest": null }
 *
 * `format_version` changes only when a field changes meaning or goes away. `file`, `line` and
 * `column` are absent for a diagnostic about no place in particular; tenants, objects and files
 * count only a valid configuration, and `digest` (the
 * desired state's sha256, as saved plans record it) is null for an invalid one. Pure; ends with a newline.
 */
export const DIAGNOSTICS_JSON_FORMAT_VERSION = 1;

export interface DiagnosticJson {
  readonly code: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly summary: string;
  readonly detail?: string;
}

export function diagnosticToJson(diagnostic: Diagnostic, pathPrefix = ""): DiagnosticJson {
  return {
    code: diagnostic.code,
    ...(diagnostic.source
      ? {
          file: `${pathPrefix}${diagnostic.source.file}`,
          line: diagnostic.source.line,
          column: diagnostic.source.column,
        }
      : {}),
    summary: diagnostic.summary,
    ...(diagnostic.detail !== undefined ? { detail: diagnostic.detail } : {}),
  };
}

export function renderValidationJson(
  result: ConfigResult,
  options: { readonly pathPrefix?: string } = {},
): string {
  const toJson = (diagnostic: Diagnostic) => diagnosticToJson(diagnostic, options.pathPrefix);
  const errors = result.diagnostics.filter((d) => d.severity === "error").map(toJson);
  const warnings = result.diagnostics.filter((d) => d.severity === "warning").map(toJson);
  const document = {
    format_version: DIAGNOSTICS_JSON_FORMAT_VERSION,
    valid: result.state !== undefined,
    errors,
    warnings,
    summary: {
      errors: errors.length,
      warnings: warnings.length,
      tenants: result.state?.tenants.length ?? 0,
      objects: result.state?.objects.length ?? 0,
      files: result.state?.files.length ?? 0,
    },
    digest: result.state?.digest ?? null,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
