import { z } from "../../zod.ts";
import { exactValues, type PropertyBehaviour } from "./behaviour.ts";

/** A Graph enum type; `members` in metadata order. Compared exactly (no case folding). */
export interface EnumType {
  readonly kind: "enum";
  /** The enum's name in Graph's metadata, e.g. `deviceManagementPartnerAppType`. */
  readonly enumType: string;
  readonly members: readonly string[];
}

export function enumBehaviour(type: EnumType): PropertyBehaviour {
  return exactValues(`graph.${type.enumType}`, z.enum(type.members));
}
