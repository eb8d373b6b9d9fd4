// The simulator's side of Yahoo!'s public-key authentication: it holds the key pair whose public half the
// merchant "downloads", and reads X-sws-signature back. Node 20+ refuses PKCS#1 v1.5 padding for private
// decryption (CVE-2023-46809), so the RSA step is done here with BigInt; fine for test infrastructure.
import { generateKeyPairSync, type KeyObject } from "node:crypto";

export interface IssuedKey {
  publicKeyPem: string;
  version: string;
  privateKey: KeyObject;
}

export function issueKey(version: string): IssuedKey {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(), version, privateKey };
}

/** The message of a signature made with the key's public half, or null when it is not one. */
export function readSignature(key: IssuedKey, signature: string): string | null {
  const jwk = key.privateKey.export({ format: "jwk" });
  if (!jwk.n || !jwk.d) return null;
  const n = fromBase64Url(jwk.n);
  const d = fromBase64Url(jwk.d);
  const cipher = Buffer.from(signature, "base64");
  const size = Buffer.from(jwk.n, "base64url").length;
  if (cipher.length !== size) return null;
  const block = toBytes(modPow(BigInt(`0x${cipher.toString("hex") || "0"}`), d, n), size);
  // EM = 0x00 || 0x02 || PS (at least 8 non-zero bytes) || 0x00 || M
  if (block[0] !== 0 || block[1] !== 2) return null;
  const end = block.indexOf(0, 2);
  if (end < 10) return null;
  return block.subarray(end + 1).toString("utf8");
}

const fromBase64Url = (value: string) => BigInt(`0x${Buffer.from(value, "base64url").toString("hex")}`);

function toBytes(value: bigint, size: number): Buffer {
  return Buffer.from(value.toString(16).padStart(size * 2, "0"), "hex");
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}
