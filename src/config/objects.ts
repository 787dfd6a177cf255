import type { Diagnostic, SourceLocation } from "../diagnostics.ts";
import { formatLocation } from "../diagnostics.ts";
import type { JsonObject, JsonValue } from "../json.ts";
import {
  ASSIGNMENT_TARGET_BASE_PROPERTIES,
  targetTypeName,
  targetTypesOf,
} from "../resources/assignment-targets.ts";
import {
  GRAPH_VERSIONS,
  type GraphVersion,
  type PropertyDefinition,
  type ResourceDefinition,
} from "../resources/types.ts";
import { checkAcceptances } from "./acceptances.ts";
import { display, issuesToDiagnostics, type IssueContext } from "./issues.ts";
import type { DesiredObject, ObjectMatch } from "./model.ts";
import {
  ALL_TENANTS,
  propertiesAcross,
  resourceEnvelopeSchema,
  specSchema,
  versionsWithProperty,
} from "./schema.ts";
import { childOf, isMapping } from "./schema-walk.ts";
import type { SecretFindings } from "./secrets.ts";
import { listWords, nearest } from "./suggest.ts";
import { isPrefix, type TenantDeclaration } from "./tenants.ts";
import type { Path, PlainMap, PlainValue, SourceDocument } from "./yaml-document.ts";
import { NAME_PATTERN } from "./formats.ts";
import { propertyBehaviour } from "../resources/property-types/registry.ts";

/**
 * A partner object document (`kind` from the registry): envelope and metadata, the tenants it
 * names, then its `spec` once per Graph version it will be sent to, and finally one
 * `DesiredObject` per tenant.
 */

/** What the duplicate check needs to know about a declaration, valid or not. */
export interface ObjectDeclaration {
  readonly resource: ResourceDefinition;
  /** The document's file and index: which declarations are one document. */
  readonly documentKey: string;
  readonly name?: string;
  /** Where `metadata.name` is (the document itself is not kept, only what reports need). */
  readonly nameSource: SourceLocation;
  readonly match?: ObjectMatch;
  /** Where `metadata.match` is. */
  readonly matchSource: SourceLocation;
  /** The known tenants it applies to, sorted. */
  readonly tenants: readonly string[];
  /** One per tenant when the document is valid, else empty. */
  readonly objects: readonly DesiredObject[];
}

export function checkObjectDocument(
  document: SourceDocument,
  resource: ResourceDefinition,
  value: PlainMap,
  tenants: ReadonlyMap<string, TenantDeclaration>,
  secrets: SecretFindings,
  diagnostics: Diagnostic[],
  now: Date,
): ObjectDeclaration {
  const own: Diagnostic[] = [];
  const reported = (path: Path) => secrets.paths.some((secret) => isPrefix(secret, path));
  const envelope = resourceEnvelopeSchema(resource);
  const parsed = envelope.safeParse(value);
  if (!parsed.success) {
    own.push(
      ...issuesToDiagnostics(parsed.error.issues, {
        document,
        schema: envelope,
        data: value,
        prefix: [],
        reported,
      }),
    );
  }
  const metadata = childOf(value, "metadata");
  const rawName = childOf(metadata, "name");
  const name = typeof rawName === "string" && NAME_PATTERN.test(rawName) ? rawName : undefined;
  const override = asGraphVersion(childOf(metadata, "graphVersion"));
  const match = asMatch(childOf(metadata, "match"));
  const observe = childOf(metadata, "mode") === "observe";
  const targetTenants = resolveTenants(document, childOf(metadata, "tenants"), tenants, own);

  const spec = childOf(value, "spec");
  if (isMapping(spec)) {
    if (Object.keys(spec).length === 0) {
      own.push({
        severity: "error",
        code: "empty-spec",
        summary: "spec declares no properties",
        detail: `add the properties to manage (${propertiesAcross(resource, GRAPH_VERSIONS)
          .map((p) => p.name)
          .join(", ")}); an object with nothing to manage needs no document`,
        source: document.locate(["spec"], "key"),
      });
    } else {
      own.push(
        ...checkSpec(
          document,
          resource,
          spec as PlainMap,
          override,
          targetTenants,
          tenants,
          reported,
        ),
      );
    }
  }
  const acceptancesFor = checkAcceptances(document, resource, value, targetTenants, now, own);
  diagnostics.push(...own);
  const declaration = {
    resource,
    documentKey: `${document.file}#${document.index}`,
    ...(name !== undefined ? { name } : {}),
    nameSource: document.locate(["metadata", "name"]),
    ...(match ? { match } : {}),
    matchSource: document.locate(["metadata", "match"]),
    tenants: targetTenants,
  };
  if (own.some((diagnostic) => diagnostic.severity === "error") || secrets.diagnostics.length > 0) {
    return { ...declaration, objects: [] };
  }
  if (!parsed.success || name === undefined || !match || !isMapping(spec))
    return { ...declaration, objects: [] };
  const objects = targetTenants.flatMap((tenant): DesiredObject[] => {
    // A tenant whose own document is invalid has no version; its error already stops the run.
    const graphVersion = override ?? tenants.get(tenant)?.config?.graphVersion;
    if (graphVersion === undefined) return [];
    const built = buildSpec(document, resource, graphVersion, spec as PlainMap);
    const acceptances = acceptancesFor(tenant);
    return [
      {
        kind: resource.kind,
        name,
        tenant,
        match,
        graphVersion,
        spec: built.spec,
        ...(observe ? { mode: "observe" } : {}),
        ...(acceptances.length > 0 ? { acceptances } : {}),
        source: document.start,
        propertySources: built.sources,
      },
    ];
  });
  return { ...declaration, objects };
}

function asGraphVersion(value: unknown): GraphVersion | undefined {
  return GRAPH_VERSIONS.find((version) => version === value);
}

function asMatch(value: unknown): ObjectMatch | undefined {
  if (!isMapping(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  if (typeof value.id === "string" && value.id !== "") return { by: "id", id: value.id };
  if (typeof value.displayName === "string" && value.displayName !== "") {
    return { by: "displayName", displayName: value.displayName };
  }
  return undefined;
}

/**
 * True when checking the object now gives what checking it after every file would: it names
 * tenants (not `tenants: all`) and each name `resolveTenants` would look up is declared already.
 * A tenant's first declaration is the one that counts, so a later one changes nothing.
 */
export function namesOnlyKnownTenants(
  value: PlainMap,
  tenants: ReadonlyMap<string, TenantDeclaration>,
): boolean {
  const selector = childOf(childOf(value, "metadata"), "tenants");
  if (selector === ALL_TENANTS) return false;
  const names = typeof selector === "string" ? [selector] : Array.isArray(selector) ? selector : [];
  return names.every(
    (name) => typeof name !== "string" || !NAME_PATTERN.test(name) || tenants.has(name),
  );
}

/** The declared tenants `metadata.tenants` names, sorted; unknown names are reported. */
function resolveTenants(
  document: SourceDocument,
  selector: unknown,
  tenants: ReadonlyMap<string, TenantDeclaration>,
  diagnostics: Diagnostic[],
): string[] {
  const path: Path = ["metadata", "tenants"];
  if (selector === ALL_TENANTS) {
    if (tenants.size === 0) {
      diagnostics.push({
        severity: "error",
        code: "unknown-tenant",
        summary: `metadata.tenants: ${ALL_TENANTS}, but no Tenant is declared`,
        detail: "declare the tenants (kind: Tenant) in the configuration folder",
        source: document.locate(path),
      });
    }
    return [...tenants.keys()].sort();
  }
  const entries: [string, Path][] = [];
  if (typeof selector === "string") entries.push([selector, path]);
  else if (Array.isArray(selector)) {
    selector.forEach((item, index) => {
      if (typeof item === "string") entries.push([item, [...path, index]]);
    });
  }
  const found = new Set<string>();
  for (const [name, itemPath] of entries) {
    if (!NAME_PATTERN.test(name)) continue;
    if (found.has(name)) {
      diagnostics.push({
        severity: "error",
        code: "duplicate-list-entry",
        summary: `metadata.tenants lists "${name}" twice`,
        detail: "remove one of them",
        source: document.locate(itemPath),
      });
      continue;
    }
    if (!tenants.has(name)) {
      const suggestion = nearest(name, tenants.keys());
      diagnostics.push({
        severity: "error",
        code: "unknown-tenant",
        summary: `${display(itemPath)}: no tenant is named "${name}"`,
        detail: suggestion
          ? `did you mean ${suggestion}?`
          : tenants.size > 0
            ? `the declared tenants are ${[...tenants.keys()].sort().join(", ")}`
            : "declare it with a kind: Tenant document",
        source: document.locate(itemPath),
      });
      continue;
    }
    found.add(name);
  }
  return [...found].sort();
}

/** Validates `spec` once per Graph version the object will be sent to, in the words of that version. */
function checkSpec(
  document: SourceDocument,
  resource: ResourceDefinition,
  spec: PlainMap,
  override: GraphVersion | undefined,
  targetTenants: readonly string[],
  tenants: ReadonlyMap<string, TenantDeclaration>,
  reported: (path: Path) => boolean,
): Diagnostic[] {
  // Which tenants use which version; with an override, all of them use it.
  const tenantsByVersion = new Map<GraphVersion, string[]>();
  for (const tenant of targetTenants) {
    const version = override ?? tenants.get(tenant)?.config?.graphVersion;
    if (version) tenantsByVersion.set(version, [...(tenantsByVersion.get(version) ?? []), tenant]);
  }
  if (override && !tenantsByVersion.has(override)) tenantsByVersion.set(override, []);
  const runs: { versions: readonly GraphVersion[]; tenants: readonly string[] }[] =
    tenantsByVersion.size > 0
      ? GRAPH_VERSIONS.filter((v) => tenantsByVersion.has(v)).map((v) => ({
          versions: [v],
          tenants: tenantsByVersion.get(v)!,
        }))
      : // No version known (its tenants are unknown or invalid): check what any version accepts.
        [{ versions: GRAPH_VERSIONS, tenants: [] }];
  const diagnostics: Diagnostic[] = [];
  for (const run of runs) {
    const schema = specSchema(resource, run.versions);
    const result = schema.safeParse(spec);
    if (result.success) continue;
    const context: IssueContext = {
      document,
      schema,
      data: spec,
      prefix: ["spec"],
      reported,
      omitHint: (path) =>
        path.length === 2 ? "remove the line to leave the property unmanaged" : undefined,
      unknownKey: (parent, key) => unknownSpecKey(document, resource, parent, key, run, override),
    };
    diagnostics.push(...issuesToDiagnostics(result.error.issues, context));
  }
  const versions = [...new Set(runs.flatMap((run) => run.versions))];
  for (const key of Object.keys(spec)) {
    const property = propertiesAcross(resource, versions).find((p) => p.name === key);
    if (!property) continue;
    const path = ["spec", key];
    if (spec[key] === null && property.nullable && document.isImplicitNull(path)) {
      diagnostics.push({
        severity: "error",
        code: "implicit-null",
        summary: `${display(path)} has no value, which YAML reads as null`,
        detail: `write ${key}: null to clear it in Graph, give it a value, or remove the line to leave it unmanaged`,
        source: document.locate(path, "key"),
      });
    }
    if (property.deprecated) {
      diagnostics.push({
        severity: "warning",
        code: "deprecated-property",
        summary: `${display(path)} is deprecated`,
        detail: property.deprecated,
        source: document.locate(path, "key"),
      });
    }
    const value = spec[key];
    if (value !== undefined) diagnostics.push(...valueFindings(document, path, property, value));
  }
  return dedupe(diagnostics);
}

/**
 * What the property's type says about a declared value its schema accepts (a target listed
 * twice, a GUID in upper case: `declaredValueFindings`), at its place in the file.
 */
function valueFindings(
  document: SourceDocument,
  path: Path,
  property: PropertyDefinition,
  value: PlainValue,
): Diagnostic[] {
  const findings = propertyBehaviour(property.type).declaredValueFindings?.(value) ?? [];
  const within = (inner: readonly (string | number)[]): Path => [...path, ...inner];
  const place = {
    name: (inner: readonly (string | number)[]) => display(within(inner)),
    at: (inner: readonly (string | number)[]) => formatLocation(document.locate(within(inner))),
  };
  return findings.map((finding) => {
    const { summary, detail } = finding.text(place);
    return {
      severity: finding.severity,
      code: finding.code,
      summary,
      detail,
      source: document.locate(within(finding.path)),
    };
  });
}

/** Explains a key `spec` (or an assignment target) does not have in this Graph version. */
function unknownSpecKey(
  document: SourceDocument,
  resource: ResourceDefinition,
  parent: Path,
  key: string,
  run: { versions: readonly GraphVersion[]; tenants: readonly string[] },
  override: GraphVersion | undefined,
): Diagnostic | undefined {
  const keyPath = [...parent, key];
  const source = document.locate(keyPath, "key");
  const version = run.versions.length === 1 ? run.versions[0]! : undefined;
  const who = () =>
    override
      ? `this object's metadata.graphVersion is ${override}`
      : `tenant${run.tenants.length > 1 ? "s" : ""} ${listWords(run.tenants, "and")} use${run.tenants.length > 1 ? "" : "s"} ${version}`;
  const fix = (target: string) =>
    override
      ? `set metadata.graphVersion: ${target}, or remove ${key}`
      : `set metadata.graphVersion: ${target} on this object (or spec.graphVersion: ${target} on the tenant), or remove ${key}`;
  if (parent.length === 1) {
    const available = versionsWithProperty(resource, key);
    if (version && available.length > 0) {
      const property = resource.properties[available[0]!].find((p) => p.name === key)!;
      return {
        severity: "error",
        code: "not-in-graph-version",
        summary: `spec.${key} exists only in Graph ${available.join(", ")}, but ${who()}`,
        detail: property.deprecated
          ? `${fix(available[0]!)}; it is deprecated there anyway (${property.deprecated})`
          : fix(available[0]!),
        source,
      };
    }
    if (key === "id") {
      return {
        severity: "error",
        code: "unknown-key",
        summary: 'spec: unknown key "id"',
        detail:
          "the id is not managed; to find the live object by id, write metadata.match: { id: ... }",
        source,
      };
    }
    if (key.startsWith("@odata.")) {
      return {
        severity: "error",
        code: "unknown-key",
        summary: `spec: unknown key ${JSON.stringify(key)}`,
        detail:
          "remove it: spec holds properties only, and intune-gitops adds the annotations Graph needs",
        source,
      };
    }
    return undefined;
  }
  if (parent[parent.length - 1] === "target") {
    const onlyIn = GRAPH_VERSIONS.filter((v) => ASSIGNMENT_TARGET_BASE_PROPERTIES[v].includes(key));
    if (version && onlyIn.length > 0) {
      return {
        severity: "error",
        code: "not-in-graph-version",
        summary: `${display(keyPath)}: assignment filters exist only in Graph ${onlyIn.join(", ")}, but ${who()}`,
        detail: fix(onlyIn[0]!),
        source,
      };
    }
    const owners = targetTypesOf(GRAPH_VERSIONS).filter((type) => type.properties.includes(key));
    if (owners.length > 0) {
      const written = document.sourceText([...parent, "@odata.type"]) ?? "this target type";
      return {
        severity: "error",
        code: "target-property",
        summary: `${display(keyPath)}: ${targetTypeName(written)} has no ${key}`,
        detail: `${key} belongs to ${listWords(
          owners.map((type) => targetTypeName(type.odataType)),
          "and",
        )}: remove it, or correct "@odata.type"`,
        source,
      };
    }
  }
  return undefined;
}

function dedupe(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((diagnostic) => {
    const key = `${diagnostic.code}|${diagnostic.summary}|${diagnostic.source ? formatLocation(diagnostic.source) : ""}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The declared properties as Graph JSON, in registry order: DateTimeOffset strings exactly as
 * written, each assignment as `{ target }` with the canonical `#` form of its `@odata.type`.
 */
function buildSpec(
  document: SourceDocument,
  resource: ResourceDefinition,
  version: GraphVersion,
  spec: PlainMap,
): { spec: Record<string, JsonValue>; sources: Record<string, SourceLocation> } {
  const built: Record<string, JsonValue> = {};
  const sources: Record<string, SourceLocation> = {};
  for (const property of resource.properties[version]) {
    if (!Object.hasOwn(spec, property.name)) continue;
    built[property.name] = toGraphValue(property, spec[property.name]!);
    sources[property.name] = document.locate(["spec", property.name]);
  }
  return { spec: built, sources };
}

/** A declared value as the desired state holds it: its type module's `graphValue`. */
function toGraphValue(property: PropertyDefinition, value: PlainValue): JsonValue {
  return propertyBehaviour(property.type).graphValue(plainToJson(value));
}

/** Null-prototype mappings to ordinary JSON objects (own keys only). */
function plainToJson(value: PlainValue): JsonValue {
  if (Array.isArray(value)) return value.map(plainToJson);
  if (isMapping(value)) {
    const result: JsonObject = {};
    for (const key of Object.keys(value)) {
      Object.defineProperty(result, key, {
        value: plainToJson(value[key]!),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return result;
  }
  return value;
}
