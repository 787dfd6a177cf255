import { Document, isMap } from "yaml";
import { holdsSecret } from "../redact.ts";
import type { LiveObject } from "../live-object.ts";
import type { JsonObject, JsonValue } from "../json.ts";
import { compareStrings } from "../canonical-json.ts";
import { propertyBehaviour } from "../resources/property-types/registry.ts";
import { RESOURCES } from "../resources/registry.ts";
import type { GraphVersion, PropertyDefinition, ResourceDefinition } from "../resources/types.ts";

/**
 * Turns live objects into configuration YAML that validates and plans to no changes: the start
 * of managing a tenant that already exists. Pure: the caller reads Graph and writes the files.
 *
 * Stability is the point: the same live state gives byte-identical files (sorted objects,
 * registry key order, names derived from display names), so a second export diffs cleanly.
 *
 * A live value that holds a secret or token this run registered (a server echoing the bearer
 * token into a URL) is never written: the property is left out, with a comment saying so. Written
 * redacted, it would validate and be sent back to Graph by the next apply.
 */

export interface ExportInput {
  readonly tenant: string;
  readonly graphVersion: GraphVersion;
  /** Live objects per YAML kind, as `listCollection` returned them. */
  readonly objectsByKind: ReadonlyMap<string, readonly LiveObject[]>;
  /** Also export properties the service maintains (timestamps, state). Off by default. */
  readonly includeServerManaged?: boolean;
  /**
   * Live ids not to write (already declared, or not set up: see `estate.ts`). They still count
   * when deciding whether a display name is unique, since the plan matches against every row.
   */
  readonly skip?: ReadonlySet<string>;
  /** `metadata.name`s the tenant already declares, per kind: written objects take others. */
  readonly takenNames?: ReadonlyMap<string, ReadonlySet<string>>;
}

export interface ExportedFile {
  /** Relative to the output folder: `<tenant>/<kind>.yaml`. */
  readonly path: string;
  readonly text: string;
  readonly objectCount: number;
  /** Properties left out because their live value holds a secret: `name.property`, in order. */
  readonly withheld: readonly string[];
}

/** The properties an export writes for a kind: writable, current ones unless asked for more. */
export function exportedProperties(
  resource: ResourceDefinition,
  version: GraphVersion,
  includeServerManaged = false,
): PropertyDefinition[] {
  return resource.properties[version].filter(
    (property) => !property.deprecated && (includeServerManaged || !property.serverManaged),
  );
}

export function exportTenant(input: ExportInput): ExportedFile[] {
  const files: ExportedFile[] = [];
  for (const resource of RESOURCES) {
    const all = input.objectsByKind.get(resource.kind) ?? [];
    const objects = all.filter((object) => !input.skip?.has(object.id)).sort(byDisplayNameThenId);
    if (objects.length === 0) continue;
    const properties = exportedProperties(resource, input.graphVersion, input.includeServerManaged);
    const names = uniqueNames(objects, resource, input.takenNames?.get(resource.kind));
    const nameCounts = new Map<JsonValue | undefined, number>();
    for (const object of all) {
      nameCounts.set(object.displayName, (nameCounts.get(object.displayName) ?? 0) + 1);
    }
    const uniqueName = (object: LiveObject) => {
      const name = writableDisplayName(object);
      return name !== null && nameCounts.get(name) === 1;
    };
    const withheld: string[] = [];
    const documents = objects.map((object, index) => {
      const name = names[index] ?? object.id;
      return exportObject(resource, object, {
        name,
        tenant: input.tenant,
        graphVersion: input.graphVersion,
        properties,
        uniqueByName: uniqueName(object),
        onWithheld: (property) => withheld.push(`${name}.${property}`),
      });
    });
    const header = [
      `# Exported by intune-gitops from tenant ${input.tenant} (Graph ${input.graphVersion}).`,
      "# Review before committing: every property written under spec is managed from now on.",
    ].join("\n");
    const text = `${header}\n${documents.map((doc) => doc.toString({ lineWidth: 0 })).join("---\n")}`;
    files.push({
      path: exportPath(input.tenant, resource.kind),
      text,
      objectCount: objects.length,
      withheld,
    });
  }
  return files;
}

function exportObject(
  resource: ResourceDefinition,
  object: LiveObject,
  options: {
    readonly name: string;
    readonly tenant: string;
    readonly graphVersion: GraphVersion;
    readonly properties: readonly PropertyDefinition[];
    /** The display name is a string no other object of the kind in the tenant has. */
    readonly uniqueByName: boolean;
    readonly onWithheld: (property: string) => void;
  },
): Document {
  const { name, tenant, graphVersion, properties, uniqueByName, onWithheld } = options;
  const displayName = writableDisplayName(object);
  const spec: JsonObject = {};
  const withheld: string[] = [];
  for (const property of properties) {
    // The display name is how the object is found; repeating it under spec adds nothing.
    if (uniqueByName && property.name === resource.displayNameProperty) continue;
    if (!(property.name in object)) continue;
    const value = exportValue(property, object[property.name] ?? null, graphVersion);
    if (!holdsSecret(JSON.stringify(value))) {
      spec[property.name] = value;
      continue;
    }
    withheld.push(property.name);
    onWithheld(property.name);
  }
  const doc = new Document({
    apiVersion: "intune-gitops/v1",
    kind: resource.kind,
    metadata: {
      name,
      tenants: tenant,
      match: uniqueByName ? { displayName } : { id: object.id },
    },
    spec,
  });
  const metadata = doc.get("metadata");
  if (isMap(metadata) && !uniqueByName) {
    metadata.commentBefore = ` ${displayName === null ? "No usable display name" : `Display name "${displayName}" is not unique`}: matched by id, which is specific to this tenant.`;
  }
  const specNode = doc.get("spec");
  if (isMap(specNode) && withheld.length > 0) {
    specNode.commentBefore = ` Left out: ${withheld.join(", ")}. The live value holds a secret or token (the server sent a credential back); set it by hand if it is to be managed.`;
  }
  return doc;
}

/**
 * Graph's value as the configuration writes it: its type module's `exportValue`. Assignments go
 * through the planner's own normalisation (annotations and defaults dropped, members the tool
 * does not know left out, a sorted set), so what is written is exactly what plans compare, in a
 * stable order; GUID-valued strings lower-case. A date is written as the shared DateTimeOffset
 * module's canonical UTC text (whatever offset or precision Graph used), so a second export of
 * the same instant is byte-identical; an unset one as `0001-01-01T00:00:00Z`.
 */
function exportValue(
  property: PropertyDefinition,
  value: JsonValue,
  version: GraphVersion,
): JsonValue {
  return propertyBehaviour(property.type).exportValue(value, version);
}

/** Where an export writes a tenant's objects of a kind, relative to the output folder. */
export function exportPath(tenant: string, kind: string): string {
  return `${tenant}/${kebab(kind)}s.yaml`;
}

/**
 * `metadata.name` for each object: its display name as a DNS label, unique in the file and
 * among the names the tenant already declares for the kind.
 */
function uniqueNames(
  objects: readonly LiveObject[],
  resource: ResourceDefinition,
  declared: ReadonlySet<string> = new Set(),
): string[] {
  const taken = new Set<string>(declared);
  return objects.map((object) => {
    const base =
      slug(writableDisplayName(object) ?? "") ||
      `${kebab(resource.kind)}-${slug(object.id).slice(0, 8) || "object"}`;
    let name = base;
    for (let suffix = 2; taken.has(name); suffix++) name = `${base}-${suffix}`;
    taken.add(name);
    return name;
  });
}

/** The display name, unless it is missing or holds a secret (then it is written nowhere). */
function writableDisplayName(object: LiveObject): string | null {
  const name = object.displayName;
  return typeof name === "string" && !holdsSecret(name) ? name : null;
}

function slug(text: string): string {
  return text
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 50)
    .replace(/-+$/, "");
}

function kebab(kind: string): string {
  return kind.replace(/([a-z])([A-Z])/g, "$1-$2").toLowerCase();
}

function byDisplayNameThenId(a: LiveObject, b: LiveObject): number {
  const nameA = typeof a.displayName === "string" ? a.displayName : "";
  const nameB = typeof b.displayName === "string" ? b.displayName : "";
  return compareStrings(nameA, nameB) || compareStrings(a.id, b.id);
}
