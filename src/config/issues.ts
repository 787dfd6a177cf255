import { CALENDAR_DATE_PATTERN } from "./calendar-date.ts";
import type * as z from "zod";
import type { Diagnostic } from "../diagnostics.ts";
import { DATE_TIME_OFFSET_PATTERN, explainDateTimeOffset } from "../date-time-offset.ts";
import { NAME_PATTERN } from "./formats.ts";
import {
  discriminatorValues,
  fieldInfo,
  isMapping,
  schemaAt,
  valueAt,
  type FieldInfo,
} from "./schema-walk.ts";
import { nearest } from "./suggest.ts";
import type { Path, SourceDocument } from "./yaml-document.ts";

/**
 * zod issues to diagnostics in our words: each at the line and column of the offending node, with
 * what is wrong and what to do. zod's own messages are never shown.
 */

export interface IssueContext {
  readonly document: SourceDocument;
  /** The schema the data was validated with. */
  readonly schema: z.ZodType;
  /** The validated data. */
  readonly data: unknown;
  /** Where the data sits in the document (`["spec"]` when a spec was validated on its own). */
  readonly prefix: Path;
  /** True for values that must not be echoed (anything that could be a secret). */
  readonly redact?: (path: Path) => boolean;
  /** True for paths already reported (e.g. as an inline secret): no second diagnostic. */
  readonly reported?: (path: Path) => boolean;
  /**
   * A better diagnostic for an unknown key (a property of another Graph version, say), `null` to
   * report nothing, or undefined for the default "unknown key".
   */
  readonly unknownKey?: (parent: Path, key: string) => Diagnostic | null | undefined;
  /** Added to "what to do" lines about a value that may be omitted. */
  readonly omitHint?: (path: Path) => string | undefined;
}

type Issue = z.core.$ZodIssue;

export function issuesToDiagnostics(issues: readonly Issue[], context: IssueContext): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const seenPaths = new Set<string>();
  for (const issue of issues) {
    for (const diagnostic of mapIssue(issue, [], context)) {
      // One diagnostic per place and code: a value failing two checks needs one fix.
      const key = `${diagnostic.code}@${diagnostic.source?.line}:${diagnostic.source?.column}:${diagnostic.summary}`;
      if (seenPaths.has(key)) continue;
      seenPaths.add(key);
      diagnostics.push(diagnostic);
    }
  }
  return diagnostics;
}

function mapIssue(issue: Issue, base: Path, context: IssueContext): Diagnostic[] {
  const relative = [...base, ...(issue.path as (string | number)[])];
  const path = [...context.prefix, ...relative];
  if (context.reported?.(path)) return [];
  const value = valueAt(context.data, relative);
  const info = () => fieldInfo(schemaAt(context.schema, relative, context.data), value);
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.flatMap((key) => unknownKey(path, relative, key, context));
    case "invalid_type":
      if (value === undefined) return [missingKey(path, info(), context)];
      if (value === null) return [nullNotAllowed(path, info(), context)];
      return [wrongType(path, info(), value, context)];
    case "invalid_value":
      if (value === null) return [nullNotAllowed(path, info(), context)];
      return [notAMember(path, issue.values.map(String), value, context)];
    case "invalid_format":
      return [badFormat(path, issue, value, info(), context)];
    case "too_big":
    case "too_small":
      // A number out of its range is not empty: say which values it takes.
      if (issue.origin === "number") {
        return [
          at(
            context,
            path,
            "invalid-value",
            `${display(path)}: ${shown(path, value, context)} is out of range`,
            `write ${describe(info())}`,
          ),
        ];
      }
      if (issue.code === "too_big") return [invalidValue(path, value, info(), context)];
      return [
        at(context, path, "empty-value", `${display(path)} is empty`, `write ${describe(info())}`),
      ];
    case "invalid_union":
      return unionIssue(issue, relative, path, value, context, info);
    case "custom":
      return [customIssue(issue, path, value, info(), context)];
    default:
      return [invalidValue(path, value, info(), context)];
  }
}

function invalidValue(
  path: Path,
  value: unknown,
  info: FieldInfo,
  context: IssueContext,
): Diagnostic {
  return at(
    context,
    path,
    "invalid-value",
    `${display(path)}: ${shown(path, value, context)} is not valid here`,
    `write ${describe(info)}`,
  );
}

function unionIssue(
  issue: z.core.$ZodIssueInvalidUnion,
  relative: Path,
  path: Path,
  value: unknown,
  context: IssueContext,
  info: () => FieldInfo,
): Diagnostic[] {
  // A discriminated union whose discriminator (`method`, `@odata.type`) matched no option.
  if (issue.discriminator !== undefined && issue.errors.length === 0 && "options" in issue) {
    const all = (issue.options ?? []).map((option) => String(option));
    // Target types may be written with or without the leading `#`: list each once, with it.
    const hashed = all.filter((option) => option.startsWith("#"));
    const options = hashed.length > 0 ? hashed : all;
    if (value === undefined) {
      const expected = `one of ${options.join(", ")}`;
      return [missingKey(path, { expected, nullable: false }, context)];
    }
    return [notAMember(path, options, value, context)];
  }
  if (value === undefined) return [missingKey(path, info(), context)];
  // A plain union: report the branch the value was meant for (the one it did not fail by type).
  const branch = issue.errors.find(
    (errors) =>
      errors.length > 0 &&
      !errors.some(
        (error) =>
          error.path.length === 0 &&
          (error.code === "invalid_type" || error.code === "invalid_value"),
      ),
  );
  if (branch) return branch.flatMap((error) => mapIssue(error, relative, context));
  if (value === null) return [nullNotAllowed(path, info(), context)];
  return [wrongType(path, info(), value, context)];
}

function customIssue(
  issue: z.core.$ZodIssueCustom,
  path: Path,
  value: unknown,
  info: FieldInfo,
  context: IssueContext,
): Diagnostic {
  const code = (issue.params as { code?: string } | undefined)?.code;
  if (code === "invalid-date-time" && typeof value === "string") {
    return at(
      context,
      path,
      "invalid-date-time",
      `${display(path)}: ${shown(path, value, context)} is not a valid date-time`,
      explainDateTimeOffset(value),
    );
  }
  if (code === "invalid-date" && typeof value === "string") {
    return at(
      context,
      path,
      "invalid-date",
      `${display(path)}: ${shown(path, value, context)} is not a day of the calendar`,
      "write an existing date as YYYY-MM-DD, e.g. 2027-01-31",
    );
  }
  if (code === "invalid-match") {
    const both = isMapping(value) && Object.keys(value).length > 1;
    return at(
      context,
      path,
      "invalid-match",
      both
        ? `${display(path)} has both id and displayName`
        : `${display(path)} names neither id nor displayName`,
      both
        ? "keep one: displayName to find the object by its unique name, or id for one tenant's object"
        : `write ${describe(info)}`,
    );
  }
  if (code === "invalid-client-id") {
    const both = isMapping(value) && "clientId" in value;
    return at(
      context,
      path,
      "invalid-client-id",
      both
        ? `${display(path)} has both clientId and clientIdEnv: keep one`
        : `${display(path)} names no app: add clientId or clientIdEnv`,
      "write the app's application (client) id as clientId: <GUID>, or the name of the environment variable that holds it as clientIdEnv: NAME (so plan and apply workflows can use different apps)",
    );
  }
  return at(
    context,
    path,
    "invalid-value",
    `${display(path)} is not valid`,
    `write ${describe(info)}`,
  );
}

function badFormat(
  path: Path,
  issue: z.core.$ZodIssueInvalidStringFormat,
  value: unknown,
  info: FieldInfo,
  context: IssueContext,
): Diagnostic {
  const text = typeof value === "string" ? value : "";
  const what = `${display(path)}: ${shown(path, value, context)}`;
  if (issue.format === "guid" || issue.format === "uuid") {
    return at(context, path, "invalid-guid", `${what} is not a GUID`, `write ${describe(info)}`);
  }
  if (issue.format === "url") {
    const hint =
      /^[a-z][a-z0-9+.-]*:/i.test(text) && !/^https?:\/\//i.test(text)
        ? "use an http:// or https:// URL"
        : "write the full URL with its scheme, e.g. https://example.com/path";
    return at(context, path, "invalid-url", `${what} is not an absolute http(s) URL`, hint);
  }
  const pattern = "pattern" in issue ? String(issue.pattern) : "";
  if (pattern === String(CALENDAR_DATE_PATTERN)) {
    return at(
      context,
      path,
      "invalid-date",
      `${what} is not a date YYYY-MM-DD`,
      "write the date as YYYY-MM-DD, e.g. 2027-01-31 (no time: the acceptance holds to the end of that day, UTC)",
    );
  }
  if (pattern === String(DATE_TIME_OFFSET_PATTERN)) {
    return at(
      context,
      path,
      "invalid-date-time",
      `${what} is not an ISO 8601 date-time with an offset`,
      explainDateTimeOffset(text),
    );
  }
  if (pattern === String(NAME_PATTERN)) {
    const fixed = text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 63);
    return at(
      context,
      path,
      "invalid-name",
      `${what} is not a valid name`,
      `use lowercase letters, digits and hyphens (at most 63 characters, no hyphen at either end)${fixed && NAME_PATTERN.test(fixed) ? `, e.g. ${fixed}` : ""}`,
    );
  }
  return at(
    context,
    path,
    "invalid-value",
    `${what} is not ${info.expected}`,
    `write ${describe(info)}`,
  );
}

function unknownKey(path: Path, relative: Path, key: string, context: IssueContext): Diagnostic[] {
  const keyPath = [...path, key];
  if (context.reported?.(keyPath)) return [];
  const special = context.unknownKey?.(path, key);
  if (special === null) return [];
  if (special) return [special];
  const known =
    fieldInfo(schemaAt(context.schema, relative, context.data), valueAt(context.data, relative))
      .knownKeys ?? [];
  const suggestion = nearest(key, known);
  let detail: string;
  if (key === "<<") detail = "YAML merge keys (<<) are not supported: write the keys out";
  else if (key.startsWith("@odata.")) detail = "remove it: Graph annotations are not configuration";
  else if (suggestion) detail = `did you mean ${suggestion}?`;
  else detail = known.length > 0 ? `remove it; the keys here are ${known.join(", ")}` : "remove it";
  return [
    atKey(
      context,
      keyPath,
      "unknown-key",
      `${display(path) ? `${display(path)}: ` : ""}unknown key ${JSON.stringify(key)}`,
      detail,
    ),
  ];
}

function missingKey(path: Path, info: FieldInfo, context: IssueContext): Diagnostic {
  const parent = path.slice(0, -1);
  const key = String(path[path.length - 1]);
  const yamlKey = /^[A-Za-z_][\w-]*$/.test(key) ? key : JSON.stringify(key);
  const about = info.description ? ` (${lowerFirst(info.description.replace(/\.$/, ""))})` : "";
  // Members are listed as they must be written (a leading # needs quotes).
  const value =
    info.example !== undefined
      ? yamlText(info.example)
      : info.expected.startsWith("one of ")
        ? `one of ${info.expected.slice(7).split(", ").map(yamlText).join(", ")}`
        : `<${info.expected}>`;
  const detail = `add ${yamlKey}: ${value}${about}`;
  const source =
    parent.length > 0 ? context.document.locate(parent, "key") : context.document.start;
  return {
    severity: "error",
    code: "missing-key",
    summary: `${parent.length > 0 ? `${display(parent)}: ` : ""}missing ${key}`,
    detail,
    source,
  };
}

function nullNotAllowed(path: Path, info: FieldInfo, context: IssueContext): Diagnostic {
  const implicit = context.document.isImplicitNull(path);
  const omit = context.omitHint?.(path);
  return {
    severity: "error",
    code: "null-not-allowed",
    summary: implicit ? `${display(path)} has no value` : `${display(path)} cannot be null`,
    detail: `write ${describe(info)}${omit ? `, or ${omit}` : ""}`,
    // An empty value has no position of its own worth showing: point at its key.
    source: context.document.locate(path, implicit ? "key" : "value"),
  };
}

function wrongType(path: Path, info: FieldInfo, value: unknown, context: IssueContext): Diagnostic {
  const source = context.document.sourceText(path);
  const wantsText = info.expected === "text" || info.expected === "non-empty text";
  const form = typeof value === "string" ? formNamed(context, path, value) : undefined;
  const detail = form
    ? `write the mapping: ${String(path[path.length - 1])}: { ${form} }`
    : wantsText && source !== undefined && !context.redact?.(path)
      ? `quote it so YAML reads it as text: ${String(path[path.length - 1])}: "${source.replace(/"/g, '\\"')}"`
      : `write ${describe(info)}`;
  return at(
    context,
    path,
    "wrong-type",
    `${display(path)}: expected ${info.expected}, got ${shown(path, value, context)}`,
    detail,
  );
}

/**
 * `auth: environment` for `auth: { method: environment }`: a text value that names one form of a
 * discriminated union. Safe to repeat: it is one of the schema's own words.
 */
function formNamed(context: IssueContext, path: Path, value: string): string | undefined {
  const relative = path.slice(context.prefix.length);
  const schema = schemaAt(context.schema, relative, context.data);
  const values = discriminatorValues(schema);
  if (!values || !values.values.includes(value)) return undefined;
  const key = /^[A-Za-z_]\w*$/.test(values.discriminator)
    ? values.discriminator
    : JSON.stringify(values.discriminator);
  return `${key}: ${yamlText(value)}`;
}

function notAMember(
  path: Path,
  options: readonly string[],
  value: unknown,
  context: IssueContext,
): Diagnostic {
  const written = typeof value === "string" ? value : context.document.sourceText(path);
  const suggestion = written !== undefined ? nearest(written, options) : undefined;
  const summary =
    options.length === 1
      ? `${display(path)}: ${shown(path, value, context)} is not ${options[0]}`
      : `${display(path)}: ${shown(path, value, context)} is not one of ${options.join(", ")}`;
  return at(
    context,
    path,
    "enum-member",
    summary,
    suggestion !== undefined
      ? `did you mean ${yamlText(suggestion)}?`
      : `write ${options.length === 1 ? options[0] : `one of ${options.join(", ")}`}`,
  );
}

/** A value as it was written, short, or only its kind when it must not be echoed. */
function shown(path: Path, value: unknown, context: IssueContext): string {
  if (Array.isArray(value)) return "a list";
  if (isMapping(value)) return "a mapping";
  if (context.redact?.(path)) return typeof value === "string" ? "a text value" : "a value";
  if (typeof value === "string") return JSON.stringify(truncate(value));
  const source = context.document.sourceText(path);
  if (value === null) return source ? source : "nothing";
  if (source !== undefined) return truncate(source);
  return typeof value === "number" || typeof value === "boolean" ? String(value) : "a value";
}

/** A scalar as it must be written in YAML: quoted when it would otherwise mean something else. */
export function yamlText(text: string): string {
  // Examples written as flow collections (`{ name: contoso }`) are meant as YAML already.
  if (/^[{[]/.test(text)) return text;
  return /^[#&*!|>'"%@`]|: | #|^\s|\s$/.test(text) ? JSON.stringify(text) : text;
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function describe(info: FieldInfo): string {
  return info.example !== undefined ? `${info.expected}, e.g. ${info.example}` : info.expected;
}

function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

/** `spec.groups[0].target["@odata.type"]`: a path as people read it. */
export function display(path: Path): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) text += text ? `.${segment}` : segment;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

function at(
  context: IssueContext,
  path: Path,
  code: string,
  summary: string,
  detail: string,
): Diagnostic {
  return { severity: "error", code, summary, detail, source: context.document.locate(path) };
}

function atKey(
  context: IssueContext,
  path: Path,
  code: string,
  summary: string,
  detail: string,
): Diagnostic {
  return { severity: "error", code, summary, detail, source: context.document.locate(path, "key") };
}
