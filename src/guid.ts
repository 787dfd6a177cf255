/**
 * GUIDs (Edm.Guid, and the Edm.String properties that hold one): Graph matches them regardless of
 * case and returns them lower-case, so the tool compares them that way and sends them lower-case.
 * Only text that IS a GUID is folded: a Configuration Manager collection id such as `SMS00001`
 * in a GUID-marked property stays exactly as written.
 */

/** 8-4-4-4-12 hexadecimal digits, either case. */
export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The GUID lower-case; any other text as it is. */
export function canonicalGuid(text: string): string {
  return GUID_PATTERN.test(text) ? text.toLowerCase() : text;
}

/** A GUID with an upper-case digit, which Graph would return lower-case. */
export function isUpperCaseGuid(text: string): boolean {
  return GUID_PATTERN.test(text) && text !== text.toLowerCase();
}
