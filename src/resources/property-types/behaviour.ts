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
