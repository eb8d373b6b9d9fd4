// 公開鍵認証 (public-key authentication): with a public key issued in Store Creator Pro, every Store API call and
// every token refresh carries `X-sws-signature` = Base64 of the RSA (PKCS#1 v1.5) encryption of
// "<sellerId>:<unixtime>" with that key, and `X-sws-signature-version` = the key's version. With it Yahoo! keeps
// the refresh token for 28 days; without it, 12 hours (see ../../../../shared/channel-apis.md, 2.1).
import { constants, createPublicKey, publicEncrypt } from "node:crypto";
import { missing } from "../common/read.ts";
import { channel } from "./client.ts";

export interface PublicKeyAuth {
  /** The issued key as PEM ("-----BEGIN PUBLIC KEY-----…"). */
  publicKey: string;
  /** Its version, as Store Creator Pro shows it. */
  version: string;
}

/** The store's public-key secrets, or null when it has none (the API is then called without a signature). */
export function readPublicKeyAuth(secrets: Record<string, string | undefined>): PublicKeyAuth | null {
  const { publicKey, publicKeyVersion } = secrets;
  if (!publicKey && !publicKeyVersion) return null;
  if (!publicKey) throw missing(channel, "the public key (publicKey) issued with its version");
  if (!publicKeyVersion) throw missing(channel, "the version of its public key (publicKeyVersion)");
  try {
    createPublicKey(publicKey);
  } catch {
    throw missing(channel, "a public key (publicKey) in PEM form, as Store Creator Pro issues it");
  }
  return { publicKey, version: publicKeyVersion };
}

/** The two headers of one request, signed at `now`. */
export function signatureHeaders(
  auth: PublicKeyAuth,
  sellerId: string,
  now = Date.now(),
): Record<string, string> {
  const message = Buffer.from(`${sellerId}:${Math.floor(now / 1000)}`, "utf8");
  const signature = publicEncrypt({ key: auth.publicKey, padding: constants.RSA_PKCS1_PADDING }, message);
  return { "x-sws-signature": signature.toString("base64"), "x-sws-signature-version": auth.version };
}
