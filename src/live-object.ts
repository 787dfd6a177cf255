/**
 * The vocabulary every stage shares about what Graph holds: the planner compares against it, the
 * Graph client returns it, the applier and the exporter read it.
 */
import type { JsonValue } from "./json.ts";

/** An object as Graph returned it (annotations such as `@odata.type` included). */
export interface LiveObject {
  readonly id: string;
  readonly [property: string]: JsonValue;
}
