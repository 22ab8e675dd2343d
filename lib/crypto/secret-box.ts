import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

/**
 * Encrypts secrets kept at rest (gateways' upstream API keys) with AES-256-GCM.
 * The key is derived with HKDF-SHA256 from the app secret (NEXTAUTH_SECRET), so
 * a database dump alone does not reveal them. Format: `v1.<iv>.<tag>.<ciphertext>`
 * (base64url), authenticated: a tampered value fails to decrypt.
 */
function key(appSecret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", appSecret, "keysmith", "upstream-api-keys/v1", 32));
}

function appSecret(): string {
  const secret = process.env.NEXTAUTH_SECRET;
  if (!secret) throw new Error("NEXTAUTH_SECRET is not set: cannot encrypt or decrypt stored secrets.");
  return secret;
}

export function seal(plaintext: string, secret = appSecret()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(secret), iv);
  const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ct.toString("base64url")].join(".");
}

export function open(sealed: string, secret = appSecret()): string {
  const [version, iv, tag, ct] = sealed.split(".");
  if (version !== "v1" || !iv || !tag || ct === undefined) throw new Error("Unrecognized sealed value.");
  const decipher = createDecipheriv("aes-256-gcm", key(secret), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ct, "base64url")), decipher.final()]).toString("utf8");
}
