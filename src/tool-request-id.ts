/**
 * The `client-request-id` this tool sends: a GUID that a later run can recognise as its own.
 *
 * Intune's audit log reports a change's `client-request-id` as the event's `correlationId`
 * (shared/graph/audit-and-lifecycle.md §1). Drift attribution tells "changed by intune-gitops"
 * from "changed by someone else" by it, across runs and machines, without keeping any state: the
 * id carries its own proof. It is an RFC 9562 version-8 UUID whose first 60 bits are random and
 * whose last 62 bits are a SHA-256 of those bits under a fixed label; any other GUID (a random
 * v4 from another client) passes the check with a chance of 2^-62.
 *
 * Not a secret and not a signature: anyone can mint such an id, so "ours" means "sent by this
 * tool or by someone imitating it", which is what an attribution line can honestly say.
 */
import { createHash, randomBytes } from "node:crypto";

const LABEL = "intune-gitops client-request-id v1";

/** A fresh client-request-id, lower-case 8-4-4-4-12. */
export function newToolRequestId(): string {
  const random = randomBytes(8);
  // Version 8 (custom) in the high nibble of byte 6.
  random[6] = ((random[6] ?? 0) & 0x0f) | 0x80;
  return format(Buffer.concat([random, proofOf(random)]));
}

/** Whether `id` is a GUID minted by `newToolRequestId` (any case). */
export function isToolRequestId(id: string): boolean {
  const hex = id.replaceAll("-", "").toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex) || id.length !== 36) return false;
  const bytes = Buffer.from(hex, "hex");
  if (((bytes[6] ?? 0) & 0xf0) !== 0x80) return false;
  return bytes.subarray(8).equals(proofOf(bytes.subarray(0, 8)));
}

/** 8 bytes of SHA-256 over the random half, with the RFC 9562 variant bits (10xx) set. */
function proofOf(random: Uint8Array): Buffer {
  const proof = createHash("sha256").update(LABEL).update(random).digest().subarray(0, 8);
  proof[0] = ((proof[0] ?? 0) & 0x3f) | 0x80;
  return proof;
}

function format(bytes: Buffer): string {
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
