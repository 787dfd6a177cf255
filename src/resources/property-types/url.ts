import { field } from "../../schema-field.ts";
import { z } from "../../zod.ts";
import { exactValues, type PropertyBehaviour } from "./behaviour.ts";

/**
 * Edm.String in Graph's metadata, but the value must be an absolute http(s) URL. Compared
 * exactly: no trailing-slash games, Graph stores what it is sent.
 */
export interface UrlType {
  readonly kind: "url";
}

export const HttpUrl = field(
  z.url({ protocol: /^https?$/ }).meta({ pattern: "^https?://" }),
  "Absolute http or https URL.",
  { expected: "an absolute http(s) URL", example: "https://example.com/" },
);

export function urlBehaviour(_type: UrlType): PropertyBehaviour {
  return exactValues("Edm.String", HttpUrl);
}
