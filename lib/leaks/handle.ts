/**
 * What happens to a token reported leaked (docs/secret-scanning.md), whoever
 * reports it (GitHub's secret scanning, an admin in the console or through the
 * API): by the org's policy it is revoked at once with every token it minted
 * (lib/tokens/revoke.ts) or only flagged; either way it is marked leaked with
 * where and when, the org's admins and the token's creator are e-mailed, each
 * token gets an audit entry and a `token.leaked` webhook event. All of it in
 * the caller's transaction, a constant number of statements per org however
 * many tokens a report names.
 */
import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { LeakPolicy, TokenKind, TokenStatus } from "@/lib/generated/prisma/enums";
import { auditMany, type Actor, type ChangeMeta } from "@/lib/audit/record";
import { adminEmails, queueNoticeEmails, tokenLink, utcTime } from "@/lib/email/outbox";
import { maskToken } from "@/lib/tokens/format";
import { KINDS } from "@/lib/tokens/kinds";
import { revokeTokens, type RevokedToken } from "@/lib/tokens/revoke";
import { actorData, emitEvents, tokenData } from "@/lib/webhooks/events";

type Tx = Prisma.TransactionClient;

/** A token a report names, as the one lookup query reads it (./lookup.ts). */
export interface LeakedTokenRow {
  id: string;
  orgId: string;
  kind: TokenKind;
  name: string;
  prefix: string;
  last4: string;
  status: TokenStatus;
  /** Whether the reported secret is the token's previous one (during or after a rotation overlap). */
  previous: boolean;
  previousValidUntil: Date | null;
  createdById: string | null;
  gatewaySlug: string | null;
  orgSlug: string;
  orgName: string;
  leakPolicy: LeakPolicy;
}

/** Where one token was found. */
export interface Sighting {
  url: string | null;
  /** Where on the scanner's side, e.g. GitHub's "commit" or "content". */
  source: string | null;
}

export interface Reporter {
  actor: Actor;
  /** How the report came: "github" (the secret scanning partner protocol), "console" or "api". */
  via: "github" | "console" | "api";
  ip?: string | null;
  userAgent?: string | null;
}

/**
 * What a report did to a token. `secret_retired`: the reported secret is a
 * previous one whose overlap has ended, so it already authenticates nobody.
 */
export type LeakAction = "revoked" | "flagged" | "already_revoked" | "secret_retired";

export interface LeakOutcome {
  token: LeakedTokenRow;
  action: LeakAction;
  /** Tokens revoked with it because it minted them. */
  alsoRevoked: RevokedToken[];
}

const ACTION_WORDS: Record<LeakAction, string> = {
  revoked: "Revoked at once: the token no longer works.",
  flagged: "Flagged only (the organization's policy): the token still works. Revoke or regenerate it now.",
  already_revoked: "Nothing: the token was already revoked.",
  secret_retired: "Nothing: the reported secret was replaced in a rotation and no longer works.",
};

const VIA_WORDS: Record<Reporter["via"], string> = {
  github: "GitHub secret scanning",
  console: "an admin, in the console",
  api: "an API token",
};

/** At most this many tokens are listed in one e-mail; the rest are counted. */
const LISTED_PER_EMAIL = 50;

function decide(token: LeakedTokenRow, now: Date): LeakAction {
  if (token.status === "REVOKED") return "already_revoked";
  if (token.previous && !(token.previousValidUntil && token.previousValidUntil > now)) return "secret_retired";
  return token.leakPolicy === "REVOKE" ? "revoked" : "flagged";
}

/**
 * Applies one report to the tokens of one org. `sightings` names where each
 * token (by id) was found; a token found at several places is handled once.
 */
export async function handleLeaks(
  tx: Tx,
  reporter: Reporter,
  tokens: LeakedTokenRow[],
  sightings: Map<string, Sighting>,
  now = new Date(),
): Promise<{ outcomes: LeakOutcome[]; revoked: RevokedToken[] }> {
  if (tokens.length === 0) return { outcomes: [], revoked: [] };
  const org = { id: tokens[0].orgId, slug: tokens[0].orgSlug, name: tokens[0].orgName };
  const meta: ChangeMeta = { orgId: org.id, actor: reporter.actor, ip: reporter.ip ?? null, userAgent: reporter.userAgent ?? null };

  const planned = tokens.map((token) => ({ token, action: decide(token, now) }));
  const revoked = await revokeTokens(
    tx,
    meta,
    planned.filter((p) => p.action === "revoked").map((p) => p.token.id),
    `reported leaked by ${VIA_WORDS[reporter.via]}`,
  );
  const revokedIds = new Set(revoked.filter((r) => !r.minted).map((r) => r.id));
  const outcomes: LeakOutcome[] = planned.map(({ token, action }) => ({
    token,
    // Revoked meanwhile by someone else: the row lock in revokeTokens made it skip the token.
    action: action === "revoked" && !revokedIds.has(token.id) ? "already_revoked" : action,
    alsoRevoked: action === "revoked" ? revoked.filter((r) => r.minted) : [],
  }));

  await markLeaked(tx, outcomes.filter((o) => o.action !== "secret_retired"), sightings, reporter.actor.label, now);
  await auditMany(
    tx,
    outcomes.map((o) => ({
      ...meta,
      action: "token.leaked",
      target: { type: "token", id: o.token.id, label: o.token.name },
      metadata: {
        kind: o.token.kind,
        masked: maskToken(o.token.prefix, o.token.last4),
        url: sightings.get(o.token.id)?.url ?? null,
        source: sightings.get(o.token.id)?.source ?? null,
        via: reporter.via,
        outcome: o.action,
      },
    })),
  );
  await emitEvents(
    tx,
    org.id,
    outcomes.map((o) => ({
      type: "token.leaked",
      data: {
        token: tokenData(o.token),
        url: sightings.get(o.token.id)?.url ?? null,
        source: sightings.get(o.token.id)?.source ?? null,
        reported_via: reporter.via,
        outcome: o.action,
        actor: actorData(reporter.actor),
      },
    })),
  );
  await notify(tx, org, outcomes, sightings, reporter, now);
  // Every revoked token, for the caller to drop from the verification caches after commit.
  return { outcomes, revoked };
}

function linkTo(orgSlug: string, token: LeakedTokenRow): string {
  return tokenLink(orgSlug, { id: token.id, kind: token.kind, gateway: token.gatewaySlug ? { slug: token.gatewaySlug } : null });
}

/** One statement for every token: when, where, by whom. */
async function markLeaked(tx: Tx, outcomes: LeakOutcome[], sightings: Map<string, Sighting>, by: string, now: Date) {
  if (outcomes.length === 0) return;
  const ids = outcomes.map((o) => o.token.id);
  const urls = outcomes.map((o) => sightings.get(o.token.id)?.url ?? null);
  await tx.$executeRaw`
    UPDATE "Token" AS t SET "leakedAt" = ${now}, "leakedUrl" = v.url, "leakedBy" = ${by}
    FROM unnest(${ids}::text[], ${urls}::text[]) AS v(id, url)
    WHERE t.id = v.id`;
}

/** The admins get every token of the org in the report; each creator who is a member, theirs (once, if they are an admin). */
async function notify(tx: Tx, org: { id: string; slug: string; name: string }, outcomes: LeakOutcome[], sightings: Map<string, Sighting>, reporter: Reporter, now: Date) {
  const admins = await adminEmails(tx, org.id);
  const creatorIds = [...new Set(outcomes.map((o) => o.token.createdById).filter((id): id is string => Boolean(id)))];
  const members = creatorIds.length
    ? await tx.membership.findMany({ where: { orgId: org.id, userId: { in: creatorIds } }, select: { userId: true, user: { select: { email: true } } } })
    : [];
  const adminSet = new Set(admins.map((e) => e.toLowerCase()));
  const eventId = `token-leak:${org.id}:${now.getTime()}:${outcomes[0].token.id}`;
  await queueLeakEmail(tx, org, admins, outcomes, sightings, reporter, now, eventId, "you are an admin of the organization");
  for (const m of members) {
    if (adminSet.has(m.user.email.toLowerCase())) continue;
    const theirs = outcomes.filter((o) => o.token.createdById === m.userId);
    await queueLeakEmail(tx, org, [m.user.email], theirs, sightings, reporter, now, `${eventId}:creator`, "the token is yours");
  }
}

function queueLeakEmail(
  tx: Tx,
  org: { id: string; slug: string; name: string },
  to: string[],
  outcomes: LeakOutcome[],
  sightings: Map<string, Sighting>,
  reporter: Reporter,
  now: Date,
  eventId: string,
  why: string,
) {
  const listed = outcomes.slice(0, LISTED_PER_EMAIL);
  const first = outcomes[0].token;
  const subject =
    outcomes.length === 1
      ? `[${org.name}] ${KINDS[first.kind].label} "${first.name}" was found leaked`
      : `[${org.name}] ${outcomes.length} tokens were found leaked`;
  return queueNoticeEmails(tx, {
    orgId: org.id,
    to,
    subject,
    eventId,
    notice: {
      heading: outcomes.length === 1 ? "A token was found leaked" : `${outcomes.length} tokens were found leaked`,
      intro: `In ${org.name}, reported by ${VIA_WORDS[reporter.via]} (${reporter.actor.label}) at ${utcTime(now)}. You receive this because ${why}.`,
      blocks: [
        ...listed.map(({ token, action, alsoRevoked }) => {
          const seen = sightings.get(token.id);
          const rows: Array<[string, string]> = [
            ["Token", maskToken(token.prefix, token.last4)],
            ["Kind", KINDS[token.kind].label],
            ["Found at", seen?.url || "not given"],
            ...(seen?.source ? [["Where", seen.source] as [string, string]] : []),
            ["What was done", ACTION_WORDS[action]],
            ...(alsoRevoked.length ? [["Also revoked", alsoRevoked.map((r) => `${r.name} (${r.masked})`).join(", ")] as [string, string]] : []),
            ["Link", linkTo(org.slug, token)],
          ];
          return { title: token.name, rows };
        }),
        ...(outcomes.length > listed.length ? [{ rows: [["And", `${outcomes.length - listed.length} more: see the audit log`] as [string, string]] }] : []),
      ],
      link: { href: linkTo(org.slug, first), label: outcomes.length === 1 ? "Review the token in Keysmith" : "Review the first token in Keysmith" },
      footnote: "Treat the secret as public: anyone may have copied it. Remove it from where it was found, and if the token was only flagged, revoke or regenerate it. The token's secret is never sent by e-mail.",
    },
  });
}
