/**
 * Leak reports as GitHub's secret scanning sends them, made in the test: a
 * P-256 key pair, the public keys in GitHub's `public_keys` format (a file, or
 * served over HTTP), and signed POSTs to /api/security/token-leaks.
 */
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";

export interface SigningKey {
  id: string;
  privateKey: KeyObject;
  publicPem: string;
}

export function makeSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  return { id: randomBytes(32).toString("hex"), privateKey, publicPem: publicKey.export({ type: "spki", format: "pem" }).toString() };
}

export function publicKeysDocument(keys: SigningKey[]): string {
  return JSON.stringify({ public_keys: keys.map((k, i) => ({ key_identifier: k.id, key: k.publicPem, is_current: i === 0 })) });
}

export function writeKeysFile(keys: SigningKey[]): string {
  const file = path.join(os.tmpdir(), `keysmith-leak-keys-${randomBytes(6).toString("hex")}.json`);
  writeFileSync(file, publicKeysDocument(keys));
  return file;
}

/** Base64 DER ECDSA P-256 / SHA-256 signature of the exact bytes, as GitHub sends it. */
export function signBody(body: string, key: SigningKey): string {
  return sign("sha256", Buffer.from(body), key.privateKey).toString("base64");
}

export interface Match {
  token: string;
  type: string;
  url: string;
  source: string;
}

export function match(token: string, url = `https://github.com/octo/repo/blob/${randomBytes(8).toString("hex")}/config.env`): Match {
  return { token, type: "keysmith_token", url, source: "content" };
}

export async function postReport(
  baseUrl: string,
  body: string,
  headers: { keyId?: string; signature?: string } = {},
): Promise<Response> {
  const h: Record<string, string> = { "content-type": "application/json" };
  if (headers.keyId !== undefined) h["github-public-key-identifier"] = headers.keyId;
  if (headers.signature !== undefined) h["github-public-key-signature"] = headers.signature;
  return fetch(`${baseUrl}/api/security/token-leaks`, { method: "POST", headers: h, body });
}

export function signedReport(baseUrl: string, matches: Match[], key: SigningKey): Promise<Response> {
  const body = JSON.stringify(matches);
  return postReport(baseUrl, body, { keyId: key.id, signature: signBody(body, key) });
}

/** Serves the public keys document on 127.0.0.1, counting fetches. */
export async function serveKeys(keys: SigningKey[]): Promise<{ url: string; fetches: () => number; setKeys(keys: SigningKey[]): void; close(): Promise<void> }> {
  let doc = publicKeysDocument(keys);
  let fetches = 0;
  const server = http.createServer((_req, res) => {
    fetches++;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(doc);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/meta/public_keys/secret_scanning`,
    fetches: () => fetches,
    setKeys: (next) => void (doc = publicKeysDocument(next)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
