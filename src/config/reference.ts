import { DATE_TIME_OFFSET_EXAMPLE, DATE_TIME_OFFSET_PATTERN } from "../date-time-offset.ts";
import { ENV_VAR_NAME_PATTERN, NAME_PATTERN } from "./formats.ts";
import { configJsonSchema } from "./schema.ts";

/**
 * The configuration reference in Markdown, generated from the JSON Schema (`configJsonSchema()`),
 * so the documentation says what validation checks and what editors offer, and cannot drift from
 * either: `docs/configuration-reference.md` is this text, kept in sync by a test.
 */

type Schema = {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  default?: unknown;
  deprecated?: boolean;
  description?: string;
  title?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
};

interface Row {
  readonly field: string;
  readonly required: string;
  readonly value: string;
  readonly description: string;
}

/** A polymorphic value (auth methods, assignment targets): one table per form, after the kind's table. */
interface Section {
  readonly title: string;
  readonly description?: string;
  readonly rows: Row[];
}

export function configReferenceMarkdown(): string {
  const root = configJsonSchema() as Schema;
  const lines = [
    "# Configuration reference",
    "",
    "<!-- Generated from the JSON Schema: do not edit. Regenerate with",
    "     node src/cli/bin.ts schema --format markdown > docs/configuration-reference.md -->",
    "",
    `${root.description ?? ""} Each document is a mapping with \`apiVersion\`, \`kind\`, \`metadata\` and \`spec\`; documents are separated by \`---\`. The guide is [configuration.md](configuration.md).`,
    "",
    "Value formats:",
    "",
    "- **name**: lowercase letters, digits and `-` (not first or last), at most 63 characters, e.g. `contoso`.",
    "- **GUID**: 8-4-4-4-12 hexadecimal digits, e.g. `6babcaad-604b-40ac-a9d7-9fd97c0b779f`.",
    `- **DateTimeOffset**: ISO 8601 date and time with \`Z\` or an offset (\`±hh:mm\`), seconds optional, up to 7 fractional digits (more are refused, not rounded: Graph keeps 100 ns), offsets up to ±14:00, from \`0001-01-01T00:00:00Z\` to \`9999-12-31T23:59:59.9999999Z\`: OData's Edm.DateTimeOffset, e.g. \`${DATE_TIME_OFFSET_EXAMPLE}\`, \`2030-01-31T09:30Z\` or \`2016-12-31T23:58:36.6670033-08:00\`. Kept exactly as written; plans compare instants, so any spelling of the same instant is no change.`,
    "- **absolute http(s) URL**: with its scheme, e.g. `https://example.com/onboarding/`.",
    "- **environment variable name**: letters, digits and `_`, not starting with a digit, e.g. `AZURE_CLIENT_SECRET`.",
    "- **`null`**: written explicitly (`null` or `~`), and only where Graph accepts it; an empty value is refused.",
  ];
  for (const document of root.oneOf ?? []) {
    const kind = scalarText(document.properties?.kind?.const ?? "?");
    const sections: Section[] = [];
    const rows = rowsOf(document, "", sections);
    lines.push("", `## \`kind: ${kind}\``, "", document.description ?? "", "", ...table(rows));
    for (const section of sections) {
      lines.push("", `### ${section.title}`, "");
      if (section.description) lines.push(section.description, "");
      lines.push(...table(section.rows));
    }
  }
  return `${lines.join("\n")}\n`;
}

function rowsOf(schema: Schema, path: string, sections: Section[]): Row[] {
  const rows: Row[] = [];
  const required = new Set(schema.required ?? []);
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    const field = path ? `${path}.${key}` : key;
    const isRequired = required.has(key);
    rows.push({
      field: `\`${field}\``,
      required: isRequired
        ? "yes"
        : child.default !== undefined
          ? `no (default \`${scalarText(child.default)}\`)`
          : "no",
      value: valueText(child),
      description: descriptionOf(child),
    });
    rows.push(...nestedRows(child, field, sections));
  }
  return rows;
}

/** Rows of what is inside a field: its properties, its list items, or one section per form. */
function nestedRows(schema: Schema, path: string, sections: Section[]): Row[] {
  const inner = withoutNull(schema);
  if (inner.properties) return rowsOf(inner, path, sections);
  if (inner.items) return nestedRows(inner.items, `${path}[]`, sections);
  if (inner.oneOf) {
    for (const form of inner.oneOf) {
      const [discriminator, value] = discriminatorOf(form);
      const label = discriminator.startsWith("@") ? `"${discriminator}"` : discriminator;
      const written = value.startsWith("#") ? `"${value}"` : value;
      sections.push({
        title: `\`${path}\` with \`${label}: ${written}\``,
        ...(form.properties?.[discriminator]?.description
          ? { description: form.properties[discriminator].description }
          : {}),
        rows: rowsOf(form, "", sections),
      });
    }
  }
  return [];
}

/** The property whose value tells a form apart (`method`, `@odata.type`) and that value. */
function discriminatorOf(form: Schema): [string, string] {
  for (const [key, property] of Object.entries(form.properties ?? {})) {
    if (property.const !== undefined) return [key, scalarText(property.const)];
    if (property.enum && (form.required ?? []).includes(key))
      return [key, scalarText(property.enum[0])];
  }
  return ["?", "?"];
}

function withoutNull(schema: Schema): Schema {
  const options = schema.anyOf?.filter((option) => option.type !== "null");
  if (options?.length === 1 && schema.anyOf!.length === 2)
    return { ...options[0]!, ...(schema.description ? { description: schema.description } : {}) };
  return schema;
}

function valueText(schema: Schema): string {
  const nullable =
    (Array.isArray(schema.type) && schema.type.includes("null")) ||
    (schema.anyOf?.some((option) => option.type === "null") ?? false);
  const base = Array.isArray(schema.type)
    ? { ...schema, type: schema.type.find((t) => t !== "null") }
    : withoutNull(schema);
  const text = nonNullValueText(base);
  return nullable ? `${text}, or \`null\`` : text;
}

function nonNullValueText(schema: Schema): string {
  if (schema.const !== undefined) return code(schema.const);
  if (schema.enum) {
    // Types accepted with or without the leading `#` are listed once, with it.
    const values = schema.enum.map(scalarText);
    const hashed = values.filter((value) => value.startsWith("#"));
    return (hashed.length > 0 ? hashed : values).map(code).join(", ");
  }
  if (schema.anyOf) return schema.anyOf.map(nonNullValueText).join(", or ");
  if (schema.oneOf) return "a mapping, in one of the forms below";
  if (schema.type === "array") {
    const item = schema.items ? nonNullValueText(schema.items) : "values";
    return `a list of ${item.replace(/^a mapping$/, "mappings").replace(/^name$/, "names")}`;
  }
  if (schema.type === "object") return "a mapping";
  if (schema.type === "boolean") return "`true` or `false`";
  if (schema.type === "integer") {
    return schema.minimum !== undefined && schema.maximum !== undefined
      ? `a whole number from ${schema.minimum} to ${schema.maximum}`
      : "a whole number";
  }
  if (schema.type === "string") {
    if (schema.format === "uuid") return "GUID";
    if (schema.format === "uri") return "absolute http(s) URL";
    if (schema.pattern === DATE_TIME_OFFSET_PATTERN.source) return "DateTimeOffset";
    if (schema.pattern === NAME_PATTERN.source) return "name";
    if (schema.pattern === ENV_VAR_NAME_PATTERN.source) return "environment variable name";
    return schema.minLength ? "text (not empty)" : "text";
  }
  return "any value";
}

function descriptionOf(schema: Schema): string {
  const description = schema.description ?? withoutNull(schema).description ?? "";
  return schema.deprecated && !description.includes("Deprecated")
    ? `**Deprecated.** ${description}`
    : description;
}

function code(value: unknown): string {
  return `\`${scalarText(value)}\``;
}

/** A JSON Schema constant as text: strings as they are, anything else as JSON. */
function scalarText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function table(rows: readonly Row[]): string[] {
  const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
  return [
    "| Field | Required | Value | Description |",
    "|---|---|---|---|",
    ...rows.map(
      (row) => `| ${[row.field, row.required, row.value, row.description].map(cell).join(" | ")} |`,
    ),
  ];
}
