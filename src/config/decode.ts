import type { Diagnostic } from "../diagnostics.ts";

/**
 * Bytes to text for a configuration file: strict UTF-8 (a BOM is dropped), a size cap, and a
 * diagnostic instead of an exception for anything else. Pure.
 */

/**
 * The largest configuration file read, in bytes. A configuration for hundreds of tenants is a few
 * hundred kilobytes; anything far larger is a generated artefact or a mistake, and parsing it would
 * only make a pull-request check slow.
 */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

/** The diagnostic for a file over `MAX_FILE_BYTES` (the loader checks before reading, too). */
export function fileTooLarge(file: string, size: number): Diagnostic {
  return {
    severity: "error",
    code: "file-too-large",
    summary: `the file is ${(size / (1024 * 1024)).toFixed(1)} MB, more than the ${formatMegabytes(MAX_FILE_BYTES)} a configuration file may have`,
    detail:
      "split the configuration into several files, or move this file out of the configuration folder if it is not configuration",
    source: { file, line: 1, column: 1 },
  };
}

export type DecodeResult =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly diagnostic: Diagnostic };

export function decodeConfigFile(file: string, bytes: Uint8Array): DecodeResult {
  if (bytes.byteLength > MAX_FILE_BYTES) return failure(fileTooLarge(file, bytes.byteLength));
  if (startsWithUtf16Bom(bytes)) {
    return failure({
      severity: "error",
      code: "invalid-encoding",
      summary: "the file is UTF-16 encoded; configuration files must be UTF-8",
      detail: "save the file as UTF-8 (in most editors: Save with Encoding → UTF-8)",
      source: { file, line: 1, column: 1 },
    });
  }
  try {
    // `fatal` turns invalid bytes into an exception instead of U+FFFD; a UTF-8 BOM is dropped.
    return { ok: true, text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    const offset = firstInvalidUtf8Offset(bytes);
    return failure({
      severity: "error",
      code: "invalid-encoding",
      summary: `the file is not valid UTF-8 (byte 0x${(bytes[offset] ?? 0).toString(16).toUpperCase().padStart(2, "0")} cannot start or continue a character)`,
      detail:
        "save the file as UTF-8; a Latin-1 or Windows-1252 editor setting usually causes this",
      source: { file, ...positionOfByte(bytes, offset) },
    });
  }
}

function failure(diagnostic: Diagnostic): DecodeResult {
  return { ok: false, diagnostic };
}

function startsWithUtf16Bom(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 2 &&
    ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
  );
}

function formatMegabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, "")} MB`;
}

/** The offset of the first byte that is not part of a well-formed UTF-8 sequence. */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const length = sequenceLength(bytes, index);
    if (length === 0) return index;
    index += length;
  }
  return bytes.length;
}

/** Length of the well-formed sequence at `index`, or 0 (Unicode Table 3-7). */
function sequenceLength(bytes: Uint8Array, index: number): number {
  const first = bytes[index]!;
  if (first < 0x80) return 1;
  const inRange = (offset: number, low: number, high: number) => {
    const byte = bytes[index + offset];
    return byte !== undefined && byte >= low && byte <= high;
  };
  if (first >= 0xc2 && first <= 0xdf) return inRange(1, 0x80, 0xbf) ? 2 : 0;
  if (first >= 0xe0 && first <= 0xef) {
    const low = first === 0xe0 ? 0xa0 : 0x80;
    const high = first === 0xed ? 0x9f : 0xbf;
    return inRange(1, low, high) && inRange(2, 0x80, 0xbf) ? 3 : 0;
  }
  if (first >= 0xf0 && first <= 0xf4) {
    const low = first === 0xf0 ? 0x90 : 0x80;
    const high = first === 0xf4 ? 0x8f : 0xbf;
    return inRange(1, low, high) && inRange(2, 0x80, 0xbf) && inRange(3, 0x80, 0xbf) ? 4 : 0;
  }
  return 0;
}

/** 1-based line and column (in characters) of a byte offset, counting only the valid prefix. */
function positionOfByte(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < offset; index++) {
    if (bytes[index] === 0x0a) {
      line++;
      lineStart = index + 1;
    }
  }
  const prefix = new TextDecoder("utf-8").decode(bytes.subarray(lineStart, offset));
  return { line, column: prefix.length + 1 };
}
