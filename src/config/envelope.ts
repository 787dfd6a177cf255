import type { Diagnostic } from "../diagnostics.ts";
import { RESOURCES } from "../resources/registry.ts";
import type { ResourceDefinition } from "../resources/types.ts";
import { isMapping } from "./schema-walk.ts";
import { API_VERSION, TENANT_KIND } from "./schema.ts";
import { nearest } from "./suggest.ts";
import type { PlainMap, SourceDocument } from "./yaml-document.ts";

/**
 * The first look at a document: is it a mapping, is it our format, which kind is it. Only a
 * document that passes is validated against its kind's schema: otherwise every key would be
 * "unknown" and the one real mistake would drown.
 */

export type DocumentKind =
  | { readonly kind: "tenant"; readonly value: PlainMap }
  | { readonly kind: "resource"; readonly resource: ResourceDefinition; readonly value: PlainMap };

export const KINDS: readonly string[] = [
  TENANT_KIND,
  ...RESOURCES.map((resource) => resource.kind),
];

export function classifyDocument(
  document: SourceDocument,
  diagnostics: Diagnostic[],
): DocumentKind | undefined {
  const value = document.value;
  if (!isMapping(value)) {
    diagnostics.push({
      severity: "error",
      code: "not-a-mapping",
      summary: `the document is ${Array.isArray(value) ? "a list" : "a single value"}, not a mapping`,
      detail:
        "each document is a mapping with apiVersion, kind, metadata and spec (documents are separated by ---)",
      source: document.start,
    });
    return undefined;
  }
  const apiVersion = Object.hasOwn(value, "apiVersion") ? value.apiVersion : undefined;
  const kind = Object.hasOwn(value, "kind") ? value.kind : undefined;
  let ok = true;
  if (apiVersion === undefined) {
    ok = false;
    diagnostics.push({
      severity: "error",
      code: "missing-key",
      summary: "missing apiVersion",
      detail: `add apiVersion: ${API_VERSION} at the top of the document`,
      source: document.start,
    });
  } else if (apiVersion !== API_VERSION) {
    ok = false;
    const written =
      typeof apiVersion === "string" ? apiVersion : (document.sourceText(["apiVersion"]) ?? "");
    const newer = /^intune-gitops\/v\d+/.test(written);
    diagnostics.push({
      severity: "error",
      code: "unknown-api-version",
      summary: `apiVersion: ${shown(document, "apiVersion", apiVersion)} is not ${API_VERSION}`,
      detail: newer
        ? `this version of intune-gitops reads ${API_VERSION}: upgrade intune-gitops, or write apiVersion: ${API_VERSION}`
        : `write apiVersion: ${API_VERSION}`,
      source: document.locate(["apiVersion"]),
    });
  }
  if (kind === undefined) {
    diagnostics.push({
      severity: "error",
      code: "missing-key",
      summary: "missing kind",
      detail: `add kind: one of ${KINDS.join(", ")}`,
      source: document.start,
    });
    return undefined;
  }
  const written = typeof kind === "string" ? kind : (document.sourceText(["kind"]) ?? "");
  const resource = RESOURCES.find((candidate) => candidate.kind === written);
  if (written !== TENANT_KIND && !resource) {
    const suggestion = nearest(written, KINDS);
    diagnostics.push({
      severity: "error",
      code: "unknown-kind",
      summary: `kind: ${shown(document, "kind", kind)} is not one of ${KINDS.join(", ")}`,
      detail: suggestion ? `did you mean ${suggestion}?` : `write one of ${KINDS.join(", ")}`,
      source: document.locate(["kind"]),
    });
    return undefined;
  }
  if (!ok) return undefined;
  return resource ? { kind: "resource", resource, value } : { kind: "tenant", value };
}

/** A value as written: text quoted, a number or word as in the file, a collection by its kind. */
function shown(document: SourceDocument, key: string, value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return "a list";
  if (isMapping(value)) return "a mapping";
  return document.sourceText([key]) ?? "nothing";
}
