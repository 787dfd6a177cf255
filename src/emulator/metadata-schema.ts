import betaMetadata from "./metadata/schema-beta.json" with { type: "json" };
import v1Metadata from "./metadata/schema-v1.0.json" with { type: "json" };

/**
 * The emulator's notion of the Graph schema, built from Microsoft's metadata extracts
 * (`metadata/schema-*.json`, verbatim copies of the shared files) and deliberately NOT from
 * `src/resources/`: the tool and the emulator read the same facts independently, so a mistake on
 * one side shows up as a failing test on the other.
 */

export type GraphApiVersion = "v1.0" | "beta";
export const GRAPH_API_VERSIONS: readonly GraphApiVersion[] = ["v1.0", "beta"];

/** Graph's namespace for every type named here. */
export const GRAPH_NAMESPACE = "microsoft.graph";

/**
 * The type of a property value. Names (`name`) are unqualified (`remoteAssistanceOnboardingStatus`);
 * `edmName` is what OData error messages print.
 */
export type ValueType =
  | { readonly kind: "string"; readonly edmName: "Edm.String" }
  | { readonly kind: "boolean"; readonly edmName: "Edm.Boolean" }
  | { readonly kind: "dateTimeOffset"; readonly edmName: "Edm.DateTimeOffset" }
  | {
      readonly kind: "enum";
      readonly edmName: string;
      readonly name: string;
      readonly members: readonly string[];
      /** What an unset non-nullable value reads as: the member with value 0. */
      readonly defaultMember: string;
    }
  | { readonly kind: "complex"; readonly edmName: string; readonly name: string };

/** One structural property. Invariant: a collection is never null itself (OData); `nullable` is about its elements. */
export interface PropertySchema {
  readonly name: string;
  readonly type: ValueType;
  readonly isCollection: boolean;
  readonly nullable: boolean;
  /** Accepted and returned, but gone from the metadata: why it still exists here. */
  readonly deprecated?: string;
}

/**
 * A complex type. `properties` includes inherited ones, base type first. `assignableTypes` lists
 * every concrete type a value declared as this type may carry in `@odata.type` (itself when not
 * abstract, plus every concrete descendant).
 */
export interface ComplexTypeSchema {
  readonly name: string;
  readonly abstract: boolean;
  readonly properties: readonly PropertySchema[];
  readonly assignableTypes: readonly string[];
}

/** An entity type reachable as a collection under `/deviceManagement`. `properties` starts with `id`. */
export interface EntitySchema {
  readonly typeName: string;
  /** The navigation property name, e.g. `remoteAssistancePartners`. */
  readonly collectionName: string;
  /** e.g. `/deviceManagement/remoteAssistancePartners`. */
  readonly collectionPath: string;
  readonly properties: readonly PropertySchema[];
  /** Bound actions (no parameters, no return value), e.g. `beginOnboarding`. */
  readonly actions: readonly string[];
}

/** Everything the emulator knows about one Graph version. */
export interface GraphSchema {
  readonly version: GraphApiVersion;
  /** Keyed by collection name. */
  readonly collections: ReadonlyMap<string, EntitySchema>;
  readonly complexTypes: ReadonlyMap<string, ComplexTypeSchema>;
}

/**
 * The beta "Update deviceManagementPartner" seed page lists two properties that the current beta
 * metadata has dropped. The service (and the tool) still accept them on beta, so the emulator does.
 */
const SEED_PAGE_BETA_ADDITIONS: Readonly<Record<string, readonly PropertySchema[]>> = {
  deviceManagementPartner: [
    {
      name: "whenPartnerDevicesWillBeRemoved",
      type: { kind: "dateTimeOffset", edmName: "Edm.DateTimeOffset" },
      isCollection: false,
      nullable: true,
      deprecated:
        "Listed on the beta update page as 'will become obsolete soon'; use whenPartnerDevicesWillBeRemovedDateTime.",
    },
    {
      name: "whenPartnerDevicesWillBeMarkedAsNonCompliant",
      type: { kind: "dateTimeOffset", edmName: "Edm.DateTimeOffset" },
      isCollection: false,
      nullable: true,
      deprecated:
        "Listed on the beta update page as 'will become obsolete soon'; use whenPartnerDevicesWillBeMarkedAsNonCompliantDateTime.",
    },
  ],
};

// The JSON extracts are hand-made and differ in shape between versions; read them loosely.
interface RawProperty {
  readonly name: string;
  readonly type: string;
  readonly nullable?: boolean;
  readonly isCollection?: boolean;
}
interface RawComplexType {
  readonly baseType?: string | null;
  readonly abstract?: boolean;
  readonly properties?: readonly RawProperty[];
}
interface RawMetadata {
  readonly apiVersion: string;
  readonly baseEntity: { readonly properties: readonly RawProperty[] };
  readonly entityTypes: Readonly<
    Record<string, { readonly collectionPath: string; readonly properties: readonly RawProperty[] }>
  >;
  readonly enumTypes: Readonly<Record<string, unknown>>;
  readonly complexTypes: Readonly<Record<string, unknown>>;
  readonly boundActions: readonly {
    readonly name: string;
    readonly bindingParameterType: string;
  }[];
}
interface RawEnumType {
  readonly members: readonly { readonly name: string; readonly value?: number }[];
}

let cache: Readonly<Record<GraphApiVersion, GraphSchema>> | undefined;

/** The schema of each version, built once from the metadata files. */
export function graphSchemas(): Readonly<Record<GraphApiVersion, GraphSchema>> {
  cache ??= {
    "v1.0": buildSchema(v1Metadata, undefined),
    beta: buildSchema(betaMetadata, v1Metadata),
  };
  return cache;
}

/**
 * Builds one version's schema. `fallback` (the v1.0 extract, when building beta) supplies what the
 * beta extract only names: the base type and property types of derived assignment targets, which
 * its `_note` says are the same as in v1.0.
 */
export function buildSchema(raw: RawMetadata, fallback: RawMetadata | undefined): GraphSchema {
  const version = raw.apiVersion === "beta" ? "beta" : "v1.0";
  const enums = new Map<string, ValueType & { kind: "enum" }>();
  for (const [name, value] of realEntries(raw.enumTypes)) {
    const members = (value as RawEnumType).members;
    const zero = members.find((member) => member.value === 0);
    enums.set(name, {
      kind: "enum",
      edmName: `${GRAPH_NAMESPACE}.${name}`,
      name,
      members: members.map((member) => member.name),
      // Beta's filter-type enum lists names only; its description says "none" is the default.
      defaultMember:
        zero?.name ??
        members.find((member) => member.name === "none")?.name ??
        members[0]?.name ??
        "",
    });
  }
  const rawComplex = collectComplexTypes(raw, fallback);
  const resolve = (typeText: string): { type: ValueType; isCollection: boolean } => {
    const collection = /^Collection\((.+)\)$/.exec(typeText);
    const name = collection?.[1] ?? typeText;
    return { type: resolveType(name, enums, rawComplex), isCollection: collection !== null };
  };
  const toProperty = (property: RawProperty): PropertySchema => {
    const { type, isCollection } = resolve(property.type);
    return { name: property.name, type, isCollection, nullable: property.nullable ?? true };
  };

  const complexTypes = new Map<string, ComplexTypeSchema>();
  for (const name of rawComplex.keys()) {
    const chain = baseChain(name, rawComplex);
    const properties = chain.flatMap((typeName) =>
      (rawComplex.get(typeName)?.properties ?? []).map(toProperty),
    );
    const assignableTypes = [...rawComplex.keys()].filter(
      (candidate) =>
        rawComplex.get(candidate)?.abstract !== true &&
        baseChain(candidate, rawComplex).includes(name),
    );
    complexTypes.set(name, {
      name,
      abstract: rawComplex.get(name)?.abstract === true,
      properties,
      assignableTypes,
    });
  }

  const collections = new Map<string, EntitySchema>();
  for (const [typeName, entity] of Object.entries(raw.entityTypes)) {
    const collectionName = entity.collectionPath.split("/").pop() ?? typeName;
    const additions = version === "beta" ? (SEED_PAGE_BETA_ADDITIONS[typeName] ?? []) : [];
    collections.set(collectionName, {
      typeName,
      collectionName,
      collectionPath: entity.collectionPath,
      properties: [
        ...raw.baseEntity.properties.map(toProperty),
        ...entity.properties.map(toProperty),
        ...additions,
      ],
      actions: raw.boundActions
        .filter((action) => unqualified(action.bindingParameterType) === typeName)
        .map((action) => action.name),
    });
  }
  return { version, collections, complexTypes };
}

/** Complex types by name, whichever of the two extract shapes the file uses. */
function collectComplexTypes(
  raw: RawMetadata,
  fallback: RawMetadata | undefined,
): Map<string, RawComplexType> {
  const types = new Map<string, RawComplexType>();
  const fallbackTypes = new Map(
    realEntries(fallback?.complexTypes ?? {}) as [string, RawComplexType][],
  );
  for (const [name, value] of realEntries(raw.complexTypes)) {
    if (name === "derivedTargetsFromTypeMappings") {
      // Beta shape: derived type -> property names, nothing else.
      for (const [derived, propertyNames] of Object.entries(
        value as Record<string, readonly string[]>,
      )) {
        const known = fallbackTypes.get(derived);
        const inherited = new Set(
          baseChain(derived, fallbackTypes)
            .slice(0, -1)
            .flatMap((base) =>
              (fallbackTypes.get(base)?.properties ?? []).map((property) => property.name),
            ),
        );
        types.set(derived, {
          baseType: known?.baseType ?? "graph.deviceAndAppManagementAssignmentTarget",
          abstract: known?.abstract ?? false,
          properties: propertyNames
            .filter((propertyName) => !inherited.has(propertyName))
            .map(
              (propertyName) =>
                known?.properties?.find((property) => property.name === propertyName) ?? {
                  name: propertyName,
                  type: "Edm.String",
                  nullable: true,
                },
            ),
        });
      }
      continue;
    }
    types.set(name, value as RawComplexType);
  }
  return types;
}

/** The type and its ancestors, root first. */
function baseChain(name: string, types: ReadonlyMap<string, RawComplexType>): string[] {
  const chain: string[] = [];
  for (let current: string | undefined = name; current !== undefined && !chain.includes(current);) {
    chain.unshift(current);
    const base: string | null | undefined = types.get(current)?.baseType;
    current = base ? unqualified(base) : undefined;
  }
  return chain;
}

function resolveType(
  typeText: string,
  enums: ReadonlyMap<string, ValueType & { kind: "enum" }>,
  complex: ReadonlyMap<string, RawComplexType>,
): ValueType {
  switch (typeText) {
    case "Edm.String":
      return { kind: "string", edmName: "Edm.String" };
    case "Edm.Boolean":
      return { kind: "boolean", edmName: "Edm.Boolean" };
    case "Edm.DateTimeOffset":
      return { kind: "dateTimeOffset", edmName: "Edm.DateTimeOffset" };
  }
  const name = unqualified(typeText);
  const enumType = enums.get(name);
  if (enumType) return enumType;
  if (complex.has(name)) return { kind: "complex", edmName: `${GRAPH_NAMESPACE}.${name}`, name };
  // Fail loudly: a new metadata type must be taught to the emulator, not silently accepted.
  throw new Error(`Graph metadata uses type '${typeText}', which the emulator does not know`);
}

/** `graph.x` / `microsoft.graph.x` / `#microsoft.graph.x` → `x`. */
export function unqualified(typeName: string): string {
  return typeName.replace(/^#?(microsoft\.)?graph\./, "");
}

/** Entries of a metadata map, without the `_note`-style commentary keys. */
function realEntries(record: Readonly<Record<string, unknown>>): [string, unknown][] {
  return Object.entries(record).filter(([key]) => !key.startsWith("_"));
}
