/**
 * The public keys that sign leak reports, in GitHub's `public_keys` format
 * (`{"public_keys": [{"key_identifier", "key": "-----BEGIN PUBLIC KEY-----…", "is_current"}]}`):
 * from KEYSMITH_LEAK_KEYS_URL (GitHub's is https://api.github.com/meta/public_keys/secret_scanning),
 * fetched through the egress rules, cached, and fetched again for a key id it
 * does not know, at most once a minute, so a stream of made-up ids cannot make
 * the server fetch on every request; or from KEYSMITH_LEAK_KEYS_FILE, for a
 * machine without internet (read again when the file changes).
 */
import "server-only";
import { createPublicKey, type KeyObject } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { fetch } from "undici";
import { egressAgent } from "@/lib/net/egress-agent";
import { singleton } from "@/lib/singleton";

/** A new fetch for an unknown key id waits at least this long after the last one. */
export const MIN_REFRESH_MS = 60_000;
/** Keys older than this are fetched again at the next report (GitHub may withdraw one). */
export const MAX_KEY_AGE_MS = 60 * 60_000;
const FETCH_TIMEOUT_MS = 5_000;
const MAX_KEYS_BYTES = 256 * 1024;

export type KeyConfig = { url: string } | { file: string } | null;

export function leakKeyConfig(env: Record<string, string | undefined> = process.env): KeyConfig {
  const url = env.KEYSMITH_LEAK_KEYS_URL?.trim();
  if (url) return { url };
  const file = env.KEYSMITH_LEAK_KEYS_FILE?.trim();
  return file ? { file } : null;
}

export class LeakKeysUnavailable extends Error {}

/** Parses GitHub's format; entries that are not P-256 public keys are left out. */
export function parsePublicKeys(text: string): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new LeakKeysUnavailable("The leak-report public keys are not valid JSON.");
  }
  const list = (doc as { public_keys?: unknown })?.public_keys;
  if (!Array.isArray(list)) throw new LeakKeysUnavailable('The leak-report public keys have no "public_keys" list.');
  for (const entry of list) {
    const id = (entry as { key_identifier?: unknown })?.key_identifier;
    const pem = (entry as { key?: unknown })?.key;
    if (typeof id !== "string" || typeof pem !== "string") continue;
    try {
      const key = createPublicKey(pem);
      if (key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails?.namedCurve === "prime256v1") keys.set(id, key);
    } catch {
      // Not a public key: skipped.
    }
  }
  return keys;
}

interface Cache {
  source: string;
  keys: Map<string, KeyObject>;
  /** When the keys were read (0: never), and when the last fetch or read started. */
  loadedAt: number;
  lastAttemptAt: number;
  /** The file's modification time it was read at. */
  mtimeMs: number;
  inFlight: Promise<void> | null;
  fetches: number;
}

const state = singleton<{ cache: Cache | null }>("leak-keys", () => ({ cache: null }));

function cacheFor(source: string): Cache {
  if (state.cache?.source !== source) state.cache = { source, keys: new Map(), loadedAt: 0, lastAttemptAt: 0, mtimeMs: -1, inFlight: null, fetches: 0 };
  return state.cache;
}

async function fetchKeys(url: string): Promise<string> {
  const agent = egressAgent();
  try {
    const response = await fetch(url, {
      headers: { accept: "application/json", "user-agent": "Keysmith" },
      redirect: "manual",
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      dispatcher: agent,
    });
    if (!response.ok) {
      void response.body?.cancel().catch(() => {});
      throw new LeakKeysUnavailable(`Fetching the leak-report public keys answered ${response.status}.`);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of response.body ?? []) {
      size += chunk.byteLength;
      if (size > MAX_KEYS_BYTES) throw new LeakKeysUnavailable("The leak-report public keys are larger than 256 KiB.");
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString("utf8");
  } catch (error) {
    throw error instanceof LeakKeysUnavailable ? error : new LeakKeysUnavailable("The leak-report public keys could not be fetched.");
  } finally {
    void agent.close().catch(() => {});
  }
}

async function load(cache: Cache, config: NonNullable<KeyConfig>, now: number): Promise<void> {
  cache.lastAttemptAt = now;
  if ("url" in config) {
    cache.fetches++;
    cache.keys = parsePublicKeys(await fetchKeys(config.url));
  } else {
    const { mtimeMs } = await stat(config.file);
    if (mtimeMs === cache.mtimeMs && cache.loadedAt) return;
    cache.keys = parsePublicKeys(await readFile(config.file, "utf8"));
    cache.mtimeMs = mtimeMs;
  }
  cache.loadedAt = now;
}

/**
 * The public key `id` names, or null when the configured keys do not have it
 * (after at most one new fetch a minute). Throws LeakKeysUnavailable when no
 * keys could ever be read.
 */
export async function leakReportKey(config: NonNullable<KeyConfig>, id: string, now = Date.now()): Promise<KeyObject | null> {
  const cache = cacheFor(JSON.stringify(config));
  const stale = !cache.loadedAt || now - cache.loadedAt > MAX_KEY_AGE_MS || "file" in config;
  const unknown = !cache.keys.has(id);
  if ((stale || unknown) && (!cache.loadedAt || now - cache.lastAttemptAt >= MIN_REFRESH_MS || "file" in config)) {
    cache.inFlight ??= load(cache, config, now).finally(() => (cache.inFlight = null));
    try {
      await cache.inFlight;
    } catch (error) {
      // Keys read before keep working while a refresh fails; with none, reports cannot be checked.
      if (!cache.loadedAt) throw error instanceof LeakKeysUnavailable ? error : new LeakKeysUnavailable("The leak-report public keys could not be read.");
    }
  }
  return cache.keys.get(id) ?? null;
}

/** How many times the keys were fetched from the URL in this process (tests). */
export function leakKeyFetches(): number {
  return state.cache?.fetches ?? 0;
}

/** Forgets the cached keys (tests). */
export function resetLeakKeys(): void {
  state.cache = null;
}
