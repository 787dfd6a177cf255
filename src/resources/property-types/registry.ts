import { assignmentsBehaviour, type AssignmentsType } from "./assignments.ts";
import type { PropertyBehaviour } from "./behaviour.ts";
import { booleanBehaviour, type BooleanType } from "./boolean.ts";
import { dateTimeOffsetBehaviour, type DateTimeOffsetType } from "./date-time-offset.ts";
import { enumBehaviour, type EnumType } from "./enum.ts";
import { stringBehaviour, type StringType } from "./string.ts";
import { urlBehaviour, type UrlType } from "./url.ts";

/**
 * The property types, one module each in this folder: a type's data (what a kind file writes in
 * `type:`) and its behaviour (`behaviour.ts`: comparison, PATCH and export forms, set changes,
 * the saved plan's check, Edm name). A new type is one module and one line in each list below.
 */
export type PropertyType =
  StringType | UrlType | EnumType | BooleanType | DateTimeOffsetType | AssignmentsType;

/** What the stages need from a property's type (see `PropertyBehaviour`). */
export function propertyBehaviour(type: PropertyType): PropertyBehaviour {
  // The registry's types are constants, so each is built once (the planner asks per value).
  let behaviour = built.get(type);
  if (behaviour === undefined) {
    behaviour = build(type);
    built.set(type, behaviour);
  }
  return behaviour;
}

const built = new WeakMap<PropertyType, PropertyBehaviour>();

function build(type: PropertyType): PropertyBehaviour {
  switch (type.kind) {
    case "string":
      return stringBehaviour(type);
    case "url":
      return urlBehaviour(type);
    case "enum":
      return enumBehaviour(type);
    case "boolean":
      return booleanBehaviour(type);
    case "dateTimeOffset":
      return dateTimeOffsetBehaviour(type);
    case "assignments":
      return assignmentsBehaviour(type);
  }
}
