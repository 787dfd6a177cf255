// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata API.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { webcrypto } from "node:crypto";

/**
 * Certificates made fresh for each emulator run: a throw-away CA and a server certificate for
 * 127.0.0.1 and localhost that it signs, so clients can trust exactly this run (through
 * `NODE_EXTRA_CA_CERTS` or a `ca` option) and nothing else. Keys never leave the process except
 * the CA certificate (public) that the emulator writes to its temporary directory.
 */
export interface TlsMaterial {
  /** PEM of the CA certificate clients must trust. */
  readonly caPem: string;
  /** PEM of the server certificate (127.0.0.1, localhost). */
  readonly certPem: string;
  /** PKCS#8 PEM of the server's private key. */
  readonly keyPem: string;
}

/** A self-signed RSA certificate and its key, e.g. for an app registration's certificate credential. */
export interface ClientCertificate {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

const subtle = webcrypto.subtle;
// The library defaults to the global `crypto`; give it Node's explicitly so it never depends on
// how the process was started.
x509.cryptoProvider.set(webcrypto);

// P-256 keys are generated in a millisecond, where RSA takes tens; every TLS client supports them.
const ECDSA = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const RSA = {
  name: "RSASSA-PKCS1-v1_5",
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: "SHA-256",
} as const;
const HOUR_MS = 3_600_000;

export async function createTlsMaterial(): Promise<TlsMaterial> {
  const notBefore = new Date(Date.now() - HOUR_MS); // tolerate a slightly slow client clock
  const notAfter = new Date(Date.now() + 30 * 24 * HOUR_MS);
  const caKeys = await subtle.generateKey(ECDSA, true, ["sign", "verify"]);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: "CN=intune-gitops Graph emulator CA (this run only)",
    keys: caKeys,
    notBefore,
    notAfter,
    signingAlgorithm: ECDSA,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const serverKeys = await subtle.generateKey(ECDSA, true, ["sign", "verify"]);
  const server = await x509.X509CertificateGenerator.create({
    subject: "CN=127.0.0.1",
    issuer: ca.subject,
    publicKey: serverKeys.publicKey,
    signingKey: caKeys.privateKey,
    notBefore,
    notAfter,
    signingAlgorithm: ECDSA,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: "ip", value: "127.0.0.1" },
        { type: "dns", value: "localhost" },
      ]),
      await x509.SubjectKeyIdentifierExtension.create(serverKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca),
    ],
  });
  return {
    caPem: ca.toString("pem"),
    certPem: server.toString("pem"),
    keyPem: await privateKeyPem(serverKeys.privateKey),
  };
}

/**
 * A self-signed RSA certificate (what Entra ID accepts as an app credential, and what MSAL signs
 * its PS256 client assertions with). For tests and for trying the certificate sign-in locally.
 */
export async function generateClientCertificate(
  commonName = "intune-gitops emulator client",
): Promise<ClientCertificate> {
  const keys = await subtle.generateKey(RSA, true, ["sign", "verify"]);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${commonName}`,
    keys,
    notBefore: new Date(Date.now() - HOUR_MS),
    notAfter: new Date(Date.now() + 365 * 24 * HOUR_MS),
    signingAlgorithm: RSA,
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
  });
  return {
    certificatePem: certificate.toString("pem"),
    privateKeyPem: await privateKeyPem(keys.privateKey),
  };
}

async function privateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await subtle.exportKey("pkcs8", key), "PRIVATE KEY");
}
