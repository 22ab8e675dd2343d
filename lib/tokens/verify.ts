/**
 * The one verification path every API route uses: parse → hash → look up →
 * check status and expiry → resolve what the token may do. A malformed token
 * or a bad checksum is rejected before any database read.
 */
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { rolePermissions, type ApiPermission } from "@/lib/authz";
import type { TokenKind } from "@/lib/generated/prisma/enums";
import { hashToken, parseToken } from "./format";
import { coveredAt } from "./change-feed";
import { onTokenChanged } from "./events";
import { admitNewcomer, mightBeToken } from "./known-tokens";
import { chainBound, mintingChain, type Ancestor } from "./lineage";
import { compileAllowlist, type IpMatcher } from "./ip-allowlist";
import { authenticates } from "./status";
import { singleton } from "@/lib/singleton";

/** Who is calling, abstracted from the kind of token (docs/contract.md §2). */
export interface Principal {
  tokenId: string;
  kind: TokenKind;
  name: string;
  orgId: string;
  orgSlug: string;
  /** What the token may do on the Workspace API (empty for gateway tokens). */
  permissions: ApiPermission[];
  /** The role it acts with: an organization token's own, or the creating member's current one. */
  role: Role;
  /** An organization token's role (null for other kinds). */
  tokenRole: Role | null;
  projectId: string | null;
  /** A gateway token's gateway: the row a call needs (cached with the token). */
  gateway: CallGateway | null;
  createdById: string | null;
  createdBy: { name: string; email: string } | null;
  /** The tokens that minted this one, nearest first (empty for tokens made in the console). */
  lineage: string[];
  createdAt: Date;
  expiresAt: Date | null;
  /** When this secret stops working: the expiry, or the end of a rotation overlap if it is the previous secret. */
  usableUntil: Date | null;
  /** Guard rails (lib/tokens/rules.ts). */
  ipAllowlist: string[];
  ipMatcher: IpMatcher | null;
  rateLimitPerMinute: number | null;
  allowedModels: string[];
  monthlyTokenBudget: number | null;
}

/**
 * Repeated calls with the same token are answered from memory, so verification
 * costs a hash and a map lookup. The promise: any change to what a token may do
 * (revoke, deactivate, regenerate, rules, its member's role, the org's slug, its
 * gateway) is honoured on every instance within FRESH_MS. A change made in this
 * process drops the entry at once (tokenChanged); changes made elsewhere arrive through the
 * change feed (./change-feed.ts). So an entry is trusted for up to CACHE_MS while
 * the feed has applied every change committed until FRESH_MS ago, and only for
 * FRESH_MS when the feed is not running or cannot reach the database.
 * Unknown tokens are cached too (as null), so guessing cannot hammer the database;
 * most never get that far: the known-token filter (./known-tokens.ts) refuses
 * them without a lookup.
 *
 * Entries never expire together: each lives CACHE_MS less up to a fifth (jitter),
 * and one still in use is looked up again in the background once three quarters
 * of its life have passed (stale-while-revalidate), so a token in steady use is
 * never answered by a blocking lookup, and warm-up's entries do not all fall due
 * in the same second.
 */
export const FRESH_MS = 1_000;
const FILTER_TRUST_MS = 10_000;
/** 0 turns the cache off (the benchmark's uncached lookups). */
export const CACHE_MS = Number(process.env.KEYSMITH_VERIFY_CACHE_MS ?? 5 * 60_000);
const MAX_ENTRIES = 50_000;
/** `at`: when the lookup that produced it began; `refreshAt`: when a use should renew it in the background. */
type Entry = { principal: Principal | null; at: number; until: number; refreshAt: number };
const cache = singleton("verify-cache", () => new Map<string, Entry>());
// Cached tokens by the ids of the tokens that minted them: a change to a minter drops them too.
const minted = singleton("verify-cache.minted", () => new Map<string, Set<string>>());
// Bumped on every change: a lookup that started before a change must not put its
// (possibly stale) answer back into the cache after the change cleared it.
const generation = singleton("verify-cache.generation", () => {
  const generation = { n: 0 };
  onTokenChanged((change) => {
    generation.n++;
    if ("orgId" in change) {
      for (const [hash, e] of cache) if (e.principal?.orgId === change.orgId) cache.delete(hash);
      return;
    }
    if (change.hash) cache.delete(change.hash);
    const below = change.tokenId ? minted.get(change.tokenId) : undefined;
    if (below) {
      for (const hash of below) cache.delete(hash);
      minted.delete(change.tokenId!);
    }
  });
  return generation;
});

function trusted(e: Entry, nowMs: number): boolean {
  if (e.until <= nowMs) return false;
  return nowMs - e.at < FRESH_MS || coveredAt() >= nowMs - FRESH_MS;
}

/** `lineage`: the tokens above this one; a refusal because of them is dropped with them too. */
function remember(hash: string, principal: Principal | null, lineage: string[], nowMs: number) {
  if (CACHE_MS <= 0) return;
  if (cache.size >= MAX_ENTRIES) {
    // Drop the oldest tenth (Map keeps insertion order).
    let n = MAX_ENTRIES / 10;
    for (const k of cache.keys()) {
      cache.delete(k);
      if (--n <= 0) break;
    }
  }
  const life = CACHE_MS * (0.8 + 0.2 * Math.random());
  cache.set(hash, { principal, at: nowMs, until: nowMs + life, refreshAt: nowMs + life * 0.75 });
  if (lineage.length) {
    // Stale hashes in here only cost a no-op delete; the bound keeps the index from growing without end.
    if (minted.size >= MAX_ENTRIES) {
      for (const hashes of minted.values()) for (const h of hashes) cache.delete(h);
      minted.clear();
    }
    for (const id of lineage) {
      let set = minted.get(id);
      if (!set) minted.set(id, (set = new Set()));
      set.add(hash);
    }
  }
}

const inflight = singleton("verify-inflight", () => new Map<string, Promise<Principal | null>>());

/**
 * Lets the caller bound database lookups (lib/tokens/unknown-tokens.ts):
 * `admit` runs when a token this process does not know as valid must be looked
 * up (it may throw to refuse), `found` when that lookup found a token that
 * authenticates.
 */
export interface LookupGate {
  admit(): void;
  found(): void;
}

export async function verifyToken(db: PrismaClient, candidate: string, now = new Date(), gate?: LookupGate): Promise<Principal | null> {
  const kind = parseToken(candidate);
  if (!kind) return null;
  const hash = hashToken(candidate);
  const nowMs = now.getTime();
  const hit = cache.get(hash);
  if (hit && trusted(hit, nowMs)) {
    // A token in use is renewed before it falls due; a stranger's miss just expires.
    if (hit.principal && nowMs >= hit.refreshAt && !inflight.has(hash)) void startLookup(db, kind, hash, now).catch(() => {});
    // The expiry is checked on every use: a cached token still expires on time.
    return hit.principal && (!hit.principal.usableUntil || hit.principal.usableUntil.getTime() > nowMs) ? hit.principal : null;
  }
  // Concurrent misses for one token share a single lookup instead of each querying.
  const pending = inflight.get(hash);
  if (pending) return pending;
  // The filter is trusted while the change feed runs (it is how tokens made elsewhere get in):
  // a poll slowed down by load still counts; a feed that stopped for FILTER_TRUST_MS does not.
  if (coveredAt() >= nowMs - FILTER_TRUST_MS && !mightBeToken(hash) && !admitNewcomer(nowMs)) return null;
  // Re-checking a token this process knew as valid is never gated: only strangers use up the budget.
  const gated = hit?.principal ? undefined : gate;
  gated?.admit();
  return startLookup(db, kind, hash, now, gated);
}

/** One lookup per hash at a time; its answer is cached unless a change arrived meanwhile. */
function startLookup(db: PrismaClient, kind: TokenKind, hash: string, now: Date, gated?: LookupGate): Promise<Principal | null> {
  const before = generation.n;
  const nowMs = now.getTime();
  const promise = lookup(db, kind, hash, now)
    .then(({ principal, lineage }) => {
      if (generation.n === before) remember(hash, principal, lineage, nowMs);
      if (principal) gated?.found();
      return principal;
    })
    .finally(() => inflight.delete(hash));
  inflight.set(hash, promise);
  return promise;
}


/**
 * What a gateway call needs of its gateway. Read with a gateway token and cached
 * with it; a change to the gateway drops the org's cached tokens (the change
 * feed's Gateway trigger, and gateway updates in this process).
 */
export const CALL_GATEWAY = {
  id: true,
  orgId: true,
  slug: true,
  upstreamType: true,
  upstreamBaseUrl: true,
  upstreamKeyEnc: true,
  models: true,
  createdAt: true,
} satisfies Prisma.GatewaySelect;
export type CallGateway = Prisma.GatewayGetPayload<{ select: typeof CALL_GATEWAY }>;

const LOOKUP = {
  id: true,
  kind: true,
  name: true,
  orgId: true,
  status: true,
  expiresAt: true,
  permissions: true,
  role: true,
  projectId: true,
  createdAt: true,
  createdById: true,
  createdByTokenId: true,
  previousHash: true,
  previousValidUntil: true,
  ipAllowlist: true,
  rateLimitPerMinute: true,
  allowedModels: true,
  monthlyTokenBudget: true,
  org: { select: { slug: true } },
  gateway: { select: CALL_GATEWAY },
  createdBy: { select: { name: true, email: true, memberships: { select: { orgId: true, role: true } } } },
} satisfies Prisma.TokenSelect;

async function lookup(db: PrismaClient, kind: TokenKind, hash: string, now: Date): Promise<{ principal: Principal | null; lineage: string[] }> {
  const none = { principal: null, lineage: [] };
  // The current secret, or else the previous one during a rotation overlap: one query,
  // two unique indexes (a BitmapOr), so an unknown token costs one round trip.
  const token = await db.token.findFirst({ where: { OR: [{ hash }, { previousHash: hash }] }, select: LOOKUP });
  if (!token) return none;
  const isPrevious = token.previousHash === hash;
  if (isPrevious && !(token.previousValidUntil && token.previousValidUntil > now)) return none;
  // Minted through the API: the chain above it bounds it (one more query, on a cache miss only).
  const chain = token.createdByTokenId ? await mintingChain(db, token.createdByTokenId) : [];
  if (!chain) return none;
  return { principal: principalOf(token, kind, isPrevious, chain, now), lineage: chain.map((a) => a.id) };
}

type LookupRow = Prisma.TokenGetPayload<{ select: typeof LOOKUP }>;

function principalOf(token: LookupRow, kind: TokenKind, isPrevious: boolean, chain: Ancestor[], now: Date): Principal | null {
  if (token.kind !== kind || !authenticates(token, now)) return null;
  const bound = chain.length ? chainBound(chain, token.orgId, now) : null;
  if (chain.length && !bound) return null;

  const creatorRole = token.createdBy?.memberships.find((m) => m.orgId === token.orgId)?.role ?? null;
  let role: Role;
  let permissions: ApiPermission[];
  if (token.kind === "ORGANIZATION") {
    role = token.role ?? "VIEWER";
    permissions = rolePermissions(role);
  } else if (token.createdById) {
    // A member's token never does more than the member currently may: a demotion narrows it at once.
    if (!creatorRole) return null;
    role = creatorRole;
    const allowed = new Set(rolePermissions(creatorRole));
    permissions = (token.permissions as ApiPermission[]).filter((p) => allowed.has(p));
  } else if (bound) {
    // Minted by an organization token: it acts with the role at the root of its chain.
    role = bound.role;
    permissions = token.permissions as ApiPermission[];
  } else {
    // A member's token whose member no longer exists acts for no one.
    return null;
  }
  if (bound) permissions = permissions.filter((p) => bound.permissions.has(p));
  if (token.kind === "GATEWAY") permissions = [];

  return {
    tokenId: token.id,
    kind: token.kind,
    name: token.name,
    orgId: token.orgId,
    orgSlug: token.org.slug,
    permissions,
    role,
    tokenRole: token.kind === "ORGANIZATION" ? token.role : null,
    projectId: token.projectId,
    gateway: token.kind === "GATEWAY" ? token.gateway : null,
    createdById: token.createdById,
    createdBy: token.createdBy ? { name: token.createdBy.name, email: token.createdBy.email } : null,
    lineage: chain.map((a) => a.id),
    createdAt: token.createdAt,
    expiresAt: token.expiresAt,
    usableUntil: earliest(earliest(token.expiresAt, isPrevious ? token.previousValidUntil : null), bound?.expiresAt ?? null),
    ipAllowlist: token.ipAllowlist,
    ipMatcher: compileAllowlist(token.ipAllowlist),
    rateLimitPerMinute: token.rateLimitPerMinute,
    allowedModels: token.allowedModels,
    monthlyTokenBudget: token.monthlyTokenBudget,
  };
}

function earliest(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a < b ? a : b;
}
