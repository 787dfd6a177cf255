import { isAbsolute, relative, resolve, sep } from "node:path";
import type { ConfigResult } from "../config/model.ts";
import type { Diagnostic } from "../diagnostics.ts";
import { createStyle, sanitizeText } from "./style.ts";

/**
 * Diagnostics for people, one per problem with what to do on the next line:
 *
 *   error: config/remote-assistance.yaml:12:21: spec.onboardingStatus: "onbarded" is not one of notOnboarded, onboarding, onboarded
 *     → did you mean onboarded?
 *
 * Errors come first, then warnings, each group in file order. Pure; ends with a newline.
 */
export interface DiagnosticsTextOptions {
  /** ANSI colour: the CLI sets it for a TTY without `NO_COLOR` and without `--no-color`. */
  readonly color: boolean;
  /**
   * Put before each file path, e.g. `config/` when the configuration folder is `config`: paths
   * in diagnostics are relative to the configuration folder, people click paths relative to
   * where they are.
   */
  readonly pathPrefix?: string;
}

export function renderDiagnosticsText(
  diagnostics: readonly Diagnostic[],
  options: DiagnosticsTextOptions,
): string {
  const errors = diagnostics.filter((diagnostic) => diagnostic.severity === "error");
  const warnings = diagnostics.filter((diagnostic) => diagnostic.severity === "warning");
  const groups = [errors, warnings].filter((group) => group.length > 0);
  return groups
    .map((group) => group.map((diagnostic) => renderDiagnostic(diagnostic, options)).join(""))
    .join("\n");
}

export function renderDiagnostic(diagnostic: Diagnostic, options: DiagnosticsTextOptions): string {
  const style = createStyle(options.color);
  const label = diagnostic.severity === "error" ? style.red("error") : style.yellow("warning");
  const place = diagnostic.source
    ? `${sanitizeText(`${options.pathPrefix ?? ""}${diagnostic.source.file}`)}:${diagnostic.source.line}:${diagnostic.source.column}: `
    : "";
  const detail = diagnostic.detail
    ? `  ${style.dim("→")} ${sanitizeText(diagnostic.detail)}\n`
    : "";
  return `${style.bold(`${label}:`)} ${place}${sanitizeText(diagnostic.summary)}\n${detail}`;
}

/** `validate`'s whole output: the diagnostics, then one summary line. */
export function renderValidationText(
  result: ConfigResult,
  options: DiagnosticsTextOptions,
): string {
  const style = createStyle(options.color);
  const listed = renderDiagnosticsText(result.diagnostics, options);
  return `${listed}${listed ? "\n" : ""}${style.bold(validationSummaryLine(result))}\n`;
}

/**
 * `Configuration valid: 2 tenants, 4 objects (3 files).` (plus the warning count, if any), or
 * `Configuration invalid: 2 errors, 1 warning.`
 */
export function validationSummaryLine(result: ConfigResult): string {
  const errors = result.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = result.diagnostics.length - errors;
  if (!result.state) {
    const parts = [count(errors, "error"), ...(warnings > 0 ? [count(warnings, "warning")] : [])];
    return `Configuration invalid: ${parts.join(", ")}.`;
  }
  const { tenants, objects, files } = result.state;
  const valid = `Configuration valid: ${count(tenants.length, "tenant")}, ${count(objects.length, "object")} (${count(files.length, "file")}).`;
  return warnings > 0 ? `${valid} ${count(warnings, "warning")}.` : valid;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/**
 * The `pathPrefix` that shows configuration files relative to the current folder (as people open
 * them, and as CI annotations want them): `config/` for `--config config`, nothing for `.`, the
 * absolute folder when it lies outside the current one. `configDir` may also name one file.
 */
export function configPathPrefix(configDir: string, cwd: string): string {
  const absolute = resolve(cwd, configDir);
  const folder = /\.ya?ml$/i.test(absolute) ? resolve(absolute, "..") : absolute;
  const fromCwd = relative(cwd, folder);
  if (fromCwd === "") return "";
  if (fromCwd.startsWith("..") || isAbsolute(fromCwd)) return `${folder.split(sep).join("/")}/`;
  return `${fromCwd.split(sep).join("/")}/`;
}
