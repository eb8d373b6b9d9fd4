// Store credentials encrypted at rest: AES-256-GCM with a random 96-bit nonce per value.
// The key comes from KURA_SECRET_KEY (32 bytes, base64 or hex) or, embedded, a 0600 file in the data folder.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const version = "v1";

export class SecretBox {
  private readonly key: Buffer;

  constructor(key: string | Buffer) {
    this.key = typeof key === "string" ? decodeKey(key) : key;
    if (this.key.length !== 32) throw new Error("the secret key must be 32 bytes (base64url, base64 or hex)");
  }

  seal(plaintext: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, nonce);
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [
      version,
      nonce.toString("base64url"),
      body.toString("base64url"),
      cipher.getAuthTag().toString("base64url"),
    ].join(".");
  }

  open(sealed: string): string {
    const [v, nonce, body, tag] = sealed.split(".");
    if (v !== version || !nonce || body === undefined || !tag) throw new Error("not a sealed secret");
    const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(nonce, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString(
      "utf8",
    );
  }
}

function decodeKey(text: string): Buffer {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, "hex");
  return Buffer.from(trimmed, "base64url");
}

/** Shows that a secret is set without showing it: the last four characters at most. */
export function maskSecret(secret: string): string {
  return secret.length <= 8 ? "****" : `****${secret.slice(-4)}`;
}
