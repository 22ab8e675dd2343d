import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";

/**
 * Encrypts secrets kept at rest (gateways' upstream API keys) with AES-256-GCM,
 * so a database dump alone does not reveal them. Values name the key that
 * sealed them: `v2.<key id>.<iv>.<tag>.<ciphertext>` (base64url), so the key
 * can be rotated (docs: README "Secrets and rotation").
 *
 * The sealing key is KEYSMITH_ENCRYPTION_KEY (32 bytes, base64 or hex) when set,
 * else one derived with HKDF-SHA256 from the app secret (NEXTAUTH_SECRET, or the
 * embedded install's generated secret). Opening also accepts the keys in
 * KEYSMITH_ENCRYPTION_KEYS_PREVIOUS (comma list) and the app secret's derived key,
 * and reads `v1.<iv>.<tag>.<ciphertext>` values (no key id: sealed with the
 * derived key before key ids existed). A tampered value fails to open.
 */
export interface Keyring {
  /** The key new values are sealed with. */
  current: SealingKey;
  /** Every key that may open a value, by id (the current one included). */
  byId: Map<string, Buffer>;
  /** The app secret's derived key: what `v1` values were sealed with. */
  legacy: Buffer | null;
}
interface SealingKey {
  id: string;
  key: Buffer;
}

type Env = Record<string, string | undefined>;

/** Derived keys are cached: HKDF on every gateway call would cost more than the decryption. */
const derived = new Map<string, Buffer>();
function derivedKey(appSecret: string): Buffer {
  let key = derived.get(appSecret);
  if (!key) {
    key = Buffer.from(hkdfSync("sha256", appSecret, "keysmith", "upstream-api-keys/v1", 32));
    if (derived.size > 8) derived.clear();
    derived.set(appSecret, key);
  }
  return key;
}

/** A short, stable id for a key: never the key itself. */
export function keyId(key: Buffer): string {
  return createHash("sha256").update("keysmith-key-id:").update(key).digest("base64url").slice(0, 8);
}

/** 32 bytes from 64 hex characters or base64/base64url; anything else is a configuration error. */
export function parseKey(value: string, name: string): Buffer {
  const v = value.trim();
  const key = /^[0-9a-f]{64}$/i.test(v) ? Buffer.from(v, "hex") : Buffer.from(v, "base64");
  if (key.length !== 32) throw new Error(`${name} must be 32 bytes, as 64 hex characters or base64 (e.g. \`openssl rand -base64 32\`).`);
  return key;
}

export function keyringFrom(env: Env = process.env): Keyring {
  const appSecret = env.NEXTAUTH_SECRET;
  const explicit = env.KEYSMITH_ENCRYPTION_KEY?.trim();
  const legacy = appSecret ? derivedKey(appSecret) : null;
  const currentKey = explicit ? parseKey(explicit, "KEYSMITH_ENCRYPTION_KEY") : legacy;
  if (!currentKey) throw new Error("No encryption key: set KEYSMITH_ENCRYPTION_KEY or NEXTAUTH_SECRET to encrypt or decrypt stored secrets.");
  const byId = new Map<string, Buffer>();
  const previous = (env.KEYSMITH_ENCRYPTION_KEYS_PREVIOUS ?? "").split(",").filter((s) => s.trim());
  for (const key of [currentKey, ...(legacy ? [legacy] : []), ...previous.map((p) => parseKey(p, "KEYSMITH_ENCRYPTION_KEYS_PREVIOUS"))]) {
    byId.set(keyId(key), key);
  }
  return { current: { id: keyId(currentKey), key: currentKey }, byId, legacy };
}

/** Memoized per environment value, so the hot path reads a map instead of hashing keys. */
let memo: { signature: string; ring: Keyring; opened: Map<string, string> } | null = null;
function currentMemo() {
  const env = process.env;
  const signature = `${env.NEXTAUTH_SECRET}\u0000${env.KEYSMITH_ENCRYPTION_KEY}\u0000${env.KEYSMITH_ENCRYPTION_KEYS_PREVIOUS}`;
  if (memo?.signature !== signature) memo = { signature, ring: keyringFrom(env), opened: new Map() };
  return memo;
}
function defaultKeyring(): Keyring {
  return currentMemo().ring;
}

const MAX_OPENED = 1_000;
/**
 * open() with the default keyring, remembered per sealed value (a gateway's key
 * is opened once per change, not on every call it proxies). Forgotten when the
 * configured keys change, so a key taken out of the ring stops opening at once.
 */
export function openCached(sealed: string): string {
  const { opened } = currentMemo();
  let plaintext = opened.get(sealed);
  if (plaintext === undefined) {
    plaintext = open(sealed);
    if (opened.size >= MAX_OPENED) opened.clear();
    opened.set(sealed, plaintext);
  }
  return plaintext;
}

export function seal(plaintext: string, ring: Keyring = defaultKeyring()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", ring.current.key, iv);
  const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v2", ring.current.id, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ct.toString("base64url")].join(".");
}

export class SealedValueError extends Error {}

export function open(sealed: string, ring: Keyring = defaultKeyring()): string {
  const parts = sealed.split(".");
  let key: Buffer | null | undefined;
  let rest: string[];
  if (parts[0] === "v2" && parts.length === 5) {
    key = ring.byId.get(parts[1]);
    rest = parts.slice(2);
    if (!key) throw new SealedValueError(`Sealed with key ${parts[1]}, which is not configured (KEYSMITH_ENCRYPTION_KEYS_PREVIOUS).`);
  } else if (parts[0] === "v1" && parts.length === 4) {
    key = ring.legacy;
    rest = parts.slice(1);
    if (!key) throw new SealedValueError("Sealed with the app secret's key, and no app secret is set.");
  } else {
    throw new SealedValueError("Unrecognized sealed value.");
  }
  const [iv, tag, ct] = rest;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ct, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new SealedValueError("The sealed value does not open with its key (tampered, or sealed under another secret).");
  }
}

/** Whether a stored value should be sealed again with the current key (after a rotation). */
export function needsReseal(sealed: string, ring: Keyring = defaultKeyring()): boolean {
  const [version, id] = sealed.split(".");
  return version !== "v2" || id !== ring.current.id;
}
