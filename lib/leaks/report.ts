/**
 * Leak reports: a signed batch from a secret scanner (GitHub's partner
 * protocol), and an admin's report of one token (console or Workspace API).
 * Both end in ./handle.ts, in one transaction.
 */
import "server-only";
import { verify, type KeyObject } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { ChangeMeta } from "@/lib/audit/record";
import { DomainError } from "@/lib/errors";
import { kickOutbox } from "@/lib/email/worker";
import type { LeakReportInput } from "@/lib/schemas/leaks";
import { tokensChanged } from "@/lib/tokens/events";
import { hashToken, maskToken, parseToken } from "@/lib/tokens/format";
import type { RevokedToken } from "@/lib/tokens/revoke";
import { kickWebhooks } from "@/lib/webhooks/worker";
import { handleLeaks, type LeakAction, type LeakedTokenRow, type LeakOutcome, type Reporter, type Sighting } from "./handle";
import { tokensByHashes, tokensByMask } from "./lookup";

/** Whether `signature` (base64 DER, as GitHub sends it) is `key`'s ECDSA P-256 / SHA-256 signature of the exact bytes of `body`. */
export function signatureValid(body: Uint8Array, signature: string, key: KeyObject): boolean {
  if (!/^[A-Za-z0-9+/=]{8,200}$/.test(signature)) return false;
  try {
    return verify("sha256", body, key, Buffer.from(signature, "base64"));
  } catch {
    return false;
  }
}

/** One match of a scanner's report, as GitHub sends it. */
export interface ScannerMatch {
  token: string;
  type: string;
  url?: string;
  source?: string;
}

/** GitHub's feedback format: the token's SHA-256, never the token itself. */
export interface ScannerFeedback {
  token_hash: string;
  token_type: string;
  label: "true_positive" | "false_positive";
}

/** Revokes or flags (by each org's policy) every real token in `matches`, then answers with a label per match. */
export async function processScannerReport(db: PrismaClient, matches: ScannerMatch[], reporter: Reporter): Promise<ScannerFeedback[]> {
  const hashes = matches.map((m) => hashToken(m.token));
  // Only well-formed tokens with a valid checksum can be ours: the rest cost no lookup.
  const candidates = [...new Set(hashes.filter((_, i) => parseToken(matches[i].token) !== null))];
  const found = await tokensByHashes(db, candidates);
  if (found.size > 0) await applyLeaks(db, reporter, groupSightings(matches, hashes, found));
  return matches.map((m, i) => ({ token_hash: hashes[i], token_type: m.type, label: found.has(hashes[i]) ? "true_positive" : "false_positive" }));
}

type OrgBatch = { tokens: LeakedTokenRow[]; sightings: Map<string, Sighting> };

/** Per org, each token once, with the first place it was reported at. */
function groupSightings(matches: ScannerMatch[], hashes: string[], found: Map<string, LeakedTokenRow>): Map<string, OrgBatch> {
  const byOrg = new Map<string, OrgBatch>();
  matches.forEach((m, i) => {
    const token = found.get(hashes[i]);
    if (!token) return;
    let batch = byOrg.get(token.orgId);
    if (!batch) byOrg.set(token.orgId, (batch = { tokens: [], sightings: new Map() }));
    if (batch.sightings.has(token.id)) return;
    batch.tokens.push(token);
    batch.sightings.set(token.id, { url: m.url?.trim() || null, source: m.source?.trim() || null });
  });
  return byOrg;
}

/** One transaction for the whole report (orgs in a fixed order, so concurrent reports lock alike); caches and senders after commit. */
async function applyLeaks(db: PrismaClient, reporter: Reporter, byOrg: Map<string, OrgBatch>): Promise<LeakOutcome[]> {
  const { outcomes, revoked } = await db.$transaction(
    async (tx) => {
      const all = { outcomes: [] as LeakOutcome[], revoked: [] as RevokedToken[] };
      for (const orgId of [...byOrg.keys()].sort()) {
        const { tokens, sightings } = byOrg.get(orgId)!;
        const done = await handleLeaks(tx, reporter, tokens, sightings);
        all.outcomes.push(...done.outcomes);
        all.revoked.push(...done.revoked);
      }
      return all;
    },
    { timeout: 60_000 },
  );
  tokensChanged(revoked);
  kickOutbox();
  kickWebhooks();
  return outcomes;
}

const MASKED = /^(ks[wgo]_[0-9A-Za-z]{4})(?:…|\.\.\.)([0-9A-Za-z]{4})$/;

export interface AdminLeakResult {
  token: { id: string; name: string; masked: string };
  outcome: LeakAction;
  alsoRevoked: Array<{ id: string; name: string; masked: string }>;
}

/**
 * An admin reports a token of their org leaked: the secret itself, or its
 * masked form. A token of another org, or none, is the same "not found": the
 * form tells nothing about other orgs.
 */
export async function reportLeakedToken(db: PrismaClient, meta: ChangeMeta, input: LeakReportInput, via: "console" | "api"): Promise<AdminLeakResult> {
  const text = input.token.replace(/\s+/g, "");
  let token: LeakedTokenRow | undefined;
  const masked = MASKED.exec(text);
  if (masked) {
    const matches = await tokensByMask(db, meta.orgId, masked[1], masked[2]);
    if (matches.length > 1) throw new DomainError("conflict", "Several tokens of this organization look like that. Paste the whole token instead.", "token");
    token = matches[0];
  } else {
    if (!parseToken(text)) throw new DomainError("invalid", "That is not a Keysmith token: paste the whole token (ksw_…, ksg_…, kso_…) or its masked form (ksw_AbCd…wxYz).", "token");
    const hash = hashToken(text);
    const found = (await tokensByHashes(db, [hash])).get(hash);
    token = found?.orgId === meta.orgId ? found : undefined;
  }
  if (!token) throw new DomainError("not_found", "No token of this organization matches.", "token");
  const reporter: Reporter = { actor: meta.actor, via, ip: meta.ip, userAgent: meta.userAgent };
  const [outcome] = await applyLeaks(db, reporter, new Map([[token.orgId, { tokens: [token], sightings: new Map([[token.id, { url: input.url ?? null, source: null }]]) }]]));
  const brief = (r: { id: string; name: string; masked: string }) => ({ id: r.id, name: r.name, masked: r.masked });
  return {
    token: { id: token.id, name: token.name, masked: maskToken(token.prefix, token.last4) },
    outcome: outcome.action,
    alsoRevoked: outcome.alsoRevoked.map(brief),
  };
}
