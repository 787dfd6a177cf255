import type { JsonValue } from "../../json.ts";
import type { z } from "../../zod.ts";
import type { GraphVersion } from "../types.ts";

/**
 * What the stages need from a property type, in one place: the planner compares and sends
 * values through it, the exporter writes them, the saved plan checks them, the renderers show
 * set changes. One module per type in this folder builds it; `registry.ts` maps a `PropertyType`
 * to its module (a new type is one file and one line there, see docs/architecture.md).
 */
export interface PropertyBehaviour {
  /** The OData type in Graph's metadata: `Edm.String`, `microsoft.graph.x`, `Collection(…)`. */
  readonly edmName: string;
  /** The configuration's schema of a declared value, for the given Graph versions. */
  valueSchema(versions: readonly GraphVersion[]): z.ZodType;
  /**
   * The comparable form of a value, so that two values Graph treats as the same compare equal
   * and two it treats as different do not. Absent is `null`. Never throws, whatever Graph sends
   * (the applier verifies its writes with it).
   */
  normalise(value: JsonValue | undefined, version: GraphVersion): JsonValue;
  /** A declared value (as the configuration holds it) as it goes into the PATCH body. */
  patchValue(declared: JsonValue): JsonValue;
  /** A value read from YAML as the desired state holds it (Graph's spelling of annotations). */
  graphValue(declared: JsonValue): JsonValue;
  /** A live value as `export` writes it into the configuration. */
  exportValue(live: JsonValue, version: GraphVersion): JsonValue;
  /**
   * Why a value in a saved plan's patch could not come from a plan the tool made, if it could
   * not (the plan file is checked before anything is sent).
   */
  patchProblem(value: JsonValue): string | undefined;
  /**
   * A change of a set-valued property element by element (additions, removals, elements whose
   * identity stays while their settings change); undefined for a type that is not a set, or
   * values that are not lists.
   */
  elementDiff(
    before: JsonValue | undefined,
    after: JsonValue,
    version: GraphVersion,
  ): ElementDiff | undefined;

  // Rules about one type's values, each an optional capability: a stage asks the type whether
  // it has the rule instead of testing `type.kind`, so a new type brings its own rules here.

  /**
   * What `validate` tells about a declared value its schema accepts: a target listed twice, a GUID
   * in upper case. Absent: nothing to tell.
   */
  readonly declaredValueFindings?: (value: JsonValue) => readonly ValueFinding[];
  /**
   * For a type whose value v1.0 writes whole while beta shows more of each element: what writing
   * `sent` through v1.0 would clear of the value read through beta (the beta guard withholds such
   * a write). Absent: a v1.0 write of this type clears nothing beta alone shows.
   */
  readonly v1WriteLoss?: V1WriteLoss;
  /**
   * Inside a value Graph returned: members this tool does not know (doctor's schema watch), as
   * suffixes of the property's name (`[].member`, `[].target (#type)`, `[].target.member`).
   * Absent: a value of this type has no members to watch.
   */
  readonly unknownMembers?: (value: JsonValue, version: GraphVersion) => readonly string[];
}

/** Something `validate` says about a declared value (see `declaredValueFindings`). */
export interface ValueFinding {
  readonly severity: "error" | "warning";
  readonly code: string;
  /** Where in the value: `[]` is the value itself, `[1, "target", "groupId"]` a member. */
  readonly path: readonly (string | number)[];
  /**
   * The finding's words, given how the file names a place in the value (`name`, e.g.
   * `spec.groupsRequiringPartnerEnrollment[1]`) and where in the file it is (`at`, file:line:col).
   */
  readonly text: (place: ValuePlace) => { readonly summary: string; readonly detail: string };
}

export interface ValuePlace {
  readonly name: (path: readonly (string | number)[]) => string;
  readonly at: (path: readonly (string | number)[]) => string;
}

/** What a v1.0 write of a value clears of what only beta shows (see `v1WriteLoss`). */
export interface V1WriteLoss {
  /**
   * What writing `sent` through v1.0 clears of `betaLive` (the live value read through beta), as
   * the end of a sentence (`the assignment filter on 2 targets`); undefined when nothing.
   */
  readonly cleared: (betaLive: JsonValue | undefined, sent: JsonValue) => string | undefined;
  /** Why such a write is withheld and what to do instead. */
  readonly detail: string;
}

export interface ElementDiff {
  readonly added: readonly JsonValue[];
  readonly removed: readonly JsonValue[];
  /** The same element (by its identity) on both sides, with other fields changed. */
  readonly changed: readonly ElementChange[];
  readonly kept: number;
}

/** One element whose identity stays while some of its fields change (e.g. a target's filter). */
export interface ElementChange {
  readonly before: JsonValue;
  readonly after: JsonValue;
  /** The fields that differ, by name; an absent field is `null`, an absent filter type `none`. */
  readonly fields: readonly {
    readonly field: string;
    readonly before: JsonValue;
    readonly after: JsonValue;
  }[];
}

/**
 * The behaviour of a type whose values are compared exactly and sent, exported and checked as
 * they are: the base the scalar types start from.
 */
export function exactValues(edmName: string, schema: z.ZodType): PropertyBehaviour {
  return {
    edmName,
    valueSchema: () => schema,
    normalise: (value) => value ?? null,
    patchValue: (declared) => declared,
    graphValue: (declared) => declared,
    exportValue: (live) => live,
    patchProblem: () => undefined,
    elementDiff: () => undefined,
  };
}
