import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { hashToken } from "@/lib/tokens/format";
import { DomainError } from "@/lib/errors";
import { issueToken, regenerateToken, type ChangeMeta, type IssueInput } from "@/lib/tokens/service";
import { verifyToken } from "@/lib/tokens/verify";

import { testDatabases } from "../support/databases";
import { actorFor, createOrgWithAdmin, uniq } from "../support/fixtures";
import { openTestDb, type TestDb } from "../support/test-db";

describe.each(testDatabases)("token concurrency on $name", ({ name }) => {
  let db: TestDb;

  beforeAll(async () => {
    db = await openTestDb(name);
  });

  afterAll(async () => {
    await db?.close();
  });

  async function setup() {
    const { org, admin } = await createOrgWithAdmin(db.prisma);
    const meta: ChangeMeta = { orgId: org.id, actor: actorFor(admin) };
    const input = (tokenName: string): IssueInput => ({
      kind: "WORKSPACE",
      name: tokenName,
      expiresAt: null,
      permissions: ["projects:read"],
      createdById: admin.id,
    });
    return { org, admin, meta, input };
  }

  it("lets exactly one of two concurrent creations with the same name succeed (409 for the other)", async () => {
    const { org, meta, input } = await setup();
    for (let round = 0; round < 5; round++) {
      const tokenName = `deploy-${uniq()}`;
      const results = await Promise.allSettled([issueToken(db.prisma, meta, input(tokenName)), issueToken(db.prisma, meta, input(tokenName))]);

      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const [rejected] = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(rejected.reason).toBeInstanceOf(DomainError);
      expect(rejected.reason).toMatchObject({ status: 409, field: "name" });
      expect(await db.prisma.token.count({ where: { orgId: org.id, name: tokenName } })).toBe(1);
      expect(await db.prisma.auditEvent.count({ where: { orgId: org.id, action: "token.created", targetLabel: tokenName } })).toBe(1);
    }
  });

  it("keeps exactly one live secret after 10 concurrent regenerations", async () => {
    const { meta, input } = await setup();
    const original = await issueToken(db.prisma, meta, input(`rotate-${uniq()}`));

    const results = await Promise.allSettled(Array.from({ length: 10 }, () => regenerateToken(db.prisma, meta, original.token.id)));
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => String(r.reason));
    expect(failures).toEqual([]);
    const secrets = results.map((r) => (r as PromiseFulfilledResult<{ secret: string }>).value.secret);
    expect(new Set(secrets).size).toBe(10);

    const verified = await Promise.all([original.secret, ...secrets].map((s) => verifyToken(db.prisma, s)));
    const live = [original.secret, ...secrets].filter((_, i) => verified[i] !== null);
    expect(live).toHaveLength(1);
    expect(live[0]).not.toBe(original.secret);
    const row = await db.prisma.token.findUniqueOrThrow({ where: { id: original.token.id } });
    expect(row.hash).toBe(hashToken(live[0]));

    // The audit trail is one unbroken chain: each regeneration started from the previous one's result.
    const events = await db.prisma.auditEvent.findMany({ where: { targetId: original.token.id, action: "token.regenerated" } });
    expect(events).toHaveLength(10);
    const next = new Map(events.map((e) => [(e.metadata as { from: string }).from, (e.metadata as { to: string }).to]));
    expect(next.size).toBe(10);
    let at = `${original.token.prefix}…${original.secret.slice(-4)}`;
    for (let i = 0; i < 10; i++) {
      expect(next.has(at), `a regeneration from ${at}`).toBe(true);
      at = next.get(at)!;
    }
    expect(at).toBe(`${row.prefix}…${row.last4}`);
  });
});
