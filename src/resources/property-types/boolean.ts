import { z } from "../../zod.ts";
import { exactValues, type PropertyBehaviour } from "./behaviour.ts";

/** Edm.Boolean. */
export interface BooleanType {
  readonly kind: "boolean";
}

export function booleanBehaviour(_type: BooleanType): PropertyBehaviour {
  return exactValues("Edm.Boolean", z.boolean());
}
