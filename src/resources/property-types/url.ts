import { exactValues, type PropertyBehaviour } from "./behaviour.ts";

/**
 * Edm.String in Graph's metadata, but the value must be an absolute http(s) URL. Compared
 * exactly: no trailing-slash games, Graph stores what it is sent.
 */
export interface UrlType {
  readonly kind: "url";
}

export function urlBehaviour(_type: UrlType): PropertyBehaviour {
  return exactValues("Edm.String");
}
