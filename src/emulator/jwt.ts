import {
  constants,
  createPrivateKey,
  createPublicKey,
  sign,
  verify,
  type KeyObject,
} from "node:crypto";

/**
 * The little of JWT (RFC 7519) the emulator needs, on `node:crypto`: RS256 and PS256 signatures,
 * compact serialisation. No claim is checked here; callers decide what a valid token is.
 */

export type JwtAlgorithm = "RS256" | "PS256";

/** A decoded compact JWT. `signingInput` is the exact `header.payload` text that was signed. */
export interface DecodedJwt {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly signingInput: string;
  readonly signature: Buffer;
}

/** Signs `payload` as a compact JWT. `header` adds fields such as `kid` or `x5t#S256`. */
export function signJwt(
  payload: Readonly<Record<string, unknown>>,
  privateKey: KeyObject | string,
  algorithm: JwtAlgorithm = "RS256",
  header: Readonly<Record<string, unknown>> = {},
): string {
  const signingInput = `${base64url({ alg: algorithm, typ: "JWT", ...header })}.${base64url(payload)}`;
  const signature = sign(
    "sha256",
    Buffer.from(signingInput),
    keyFor(
      typeof privateKey === "string" ? createPrivateKey(privateKey) : privateKey,
      algorithm,
      "sign",
    ),
  );
  return `${signingInput}.${signature.toString("base64url")}`;
}

/** Splits and decodes a compact JWT; undefined when it is not one. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const [header, payload, signature] = parts as [string, string, string];
  try {
    const decodedHeader: unknown = JSON.parse(Buffer.from(header, "base64url").toString("utf8"));
    const decodedPayload: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    if (!isRecord(decodedHeader) || !isRecord(decodedPayload)) return undefined;
    return {
      header: decodedHeader,
      payload: decodedPayload,
      signingInput: `${header}.${payload}`,
      signature: Buffer.from(signature, "base64url"),
    };
  } catch {
    return undefined;
  }
}

/** Whether the token's signature verifies with `publicKey` under one of the allowed algorithms. */
export function verifyJwtSignature(
  jwt: DecodedJwt,
  publicKey: KeyObject | string,
  allowed: readonly JwtAlgorithm[],
): boolean {
  const algorithm = jwt.header["alg"];
  if (!allowed.some((candidate) => candidate === algorithm)) return false;
  try {
    return verify(
      "sha256",
      Buffer.from(jwt.signingInput),
      keyFor(
        typeof publicKey === "string" ? createPublicKey(publicKey) : publicKey,
        algorithm as JwtAlgorithm,
        "verify",
      ),
      jwt.signature,
    );
  } catch {
    return false;
  }
}

function keyFor(key: KeyObject, algorithm: JwtAlgorithm, purpose: "sign" | "verify") {
  if (algorithm === "RS256") return { key };
  // PS256 (RFC 7518 §3.5): RSASSA-PSS with SHA-256 and a salt as long as the hash. Verification
  // accepts any salt length (AUTO), so a client that picks another length is not refused.
  const saltLength =
    purpose === "sign" ? constants.RSA_PSS_SALTLEN_DIGEST : constants.RSA_PSS_SALTLEN_AUTO;
  return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength };
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
