import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { PrismaClient } from "@/lib/generated/prisma/client";
import { displayParts, maskToken } from "@/lib/tokens/format";
import { issueToken, regenerateToken, revokeToken, setTokenActive, type ChangeMeta } from "@/lib/tokens/service";

import { testDatabases } from "../support/databases";
import { actorFor, createOrgWithAdmin } from "../support/fixtures";
import { openTestDb, type TestDb } from "../support/test-db";

/** Every row of every table in the public schema, as text. */
async function dumpDatabase(prisma: PrismaClient): Promise<Map<string, string[]>> {
  const tables = await prisma.$queryRaw<Array<{ table_name: string }>>`
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`;
  const dump = new Map<string, string[]>();
  for (const { table_name } of tables) {
    const ident = `"public"."${table_name.replace(/"/g, '""')}"`;
    const rows = await prisma.$queryRawUnsafe<Array<{ row: string }>>(`SELECT t::text AS row FROM ${ident} t`);
    dump.set(table_name, rows.map((r) => r.row));
  }
  return dump;
}

const masked = (secret: string) => maskToken(displayParts(secret).prefix, displayParts(secret).last4);

describe.each(testDatabases)("token secrets on $name", ({ name }) => {
  let db: TestDb;

  beforeAll(async () => {
    db = await openTestDb(name);
  });

  afterAll(async () => {
    await db?.close();
  });

  it("stores no secret anywhere, and audits tokens only in masked form", async () => {
    const { org, admin } = await createOrgWithAdmin(db.prisma);
    const meta: ChangeMeta = { orgId: org.id, actor: actorFor(admin), ip: "203.0.113.7", userAgent: "vitest" };
    const gateway = await db.prisma.gateway.create({
      data: { orgId: org.id, name: "Echo", slug: "echo", upstreamType: "ECHO", models: ["echo-1"] },
    });

    const secrets: string[] = [];
    const issued = [
      await issueToken(db.prisma, meta, { kind: "WORKSPACE", name: "ws", expiresAt: null, permissions: ["projects:read"], createdById: admin.id }),
      await issueToken(db.prisma, meta, { kind: "GATEWAY", name: "gw", expiresAt: null, gatewayId: gateway.id, createdById: admin.id }),
      await issueToken(db.prisma, meta, { kind: "ORGANIZATION", name: "org", expiresAt: new Date(Date.now() + 86_400_000), role: "ADMIN", createdById: admin.id }),
    ];
    secrets.push(...issued.map((i) => i.secret));
    const chains = new Map(issued.map((i) => [i.token.id, [i.secret]]));
    for (const { token } of issued) {
      for (let round = 0; round < 2; round++) {
        const { secret } = await regenerateToken(db.prisma, meta, token.id);
        secrets.push(secret);
        chains.get(token.id)!.push(secret);
      }
    }
    await setTokenActive(db.prisma, meta, issued[0].token.id, false);
    await setTokenActive(db.prisma, meta, issued[0].token.id, true);
    await revokeToken(db.prisma, meta, issued[1].token.id);
    expect(secrets).toHaveLength(9);

    const dump = await dumpDatabase(db.prisma);
    const everything = [...dump.values()].flat().join("\n");

    // The dump is real: it holds the tokens' names and current hashes.
    expect(dump.has("Token")).toBe(true);
    expect(dump.has("AuditEvent")).toBe(true);
    const rows = await db.prisma.token.findMany({ where: { orgId: org.id }, select: { hash: true } });
    for (const { hash } of rows) expect(everything).toContain(hash);

    for (const secret of secrets) {
      const leaks = [...dump].filter(([, tableRows]) => tableRows.some((r) => r.includes(secret))).map(([t]) => t);
      expect(leaks, `tables holding ${masked(secret)}`).toEqual([]);
      // Not even the part that is never displayed (between the prefix and the last 4).
      expect(everything).not.toContain(secret.slice(8, 36));
    }

    // Anything token-shaped anywhere is at most a display prefix (8 characters), never more of a token.
    const tokenLike = [...new Set(everything.match(/ks[wgo]_[0-9A-Za-z]*/g) ?? [])];
    expect(tokenLike.length).toBeGreaterThan(0);
    expect(tokenLike.filter((t) => t.length !== 8)).toEqual([]);

    const events = await db.prisma.auditEvent.findMany({ where: { orgId: org.id, targetType: "token" } });
    expect(events.map((e) => e.action).sort()).toEqual(
      [
        ...Array(3).fill("token.created"),
        ...Array(6).fill("token.regenerated"),
        "token.deactivated",
        "token.activated",
        "token.revoked",
      ].sort(),
    );
    for (const event of events) {
      const text = JSON.stringify(event.metadata ?? null);
      // Remove every masked token; nothing token-like may remain.
      const withoutMasks = text.replace(/ks[wgo]_[0-9A-Za-z]{4}…[0-9A-Za-z]{4}/g, "<masked>");
      expect(withoutMasks, `${event.action} metadata`).not.toMatch(/ks[wgo]_/);
    }
    for (const [id, chain] of chains) {
      const created = events.find((e) => e.action === "token.created" && e.targetId === id);
      expect(created?.metadata).toMatchObject({ masked: masked(chain[0]) });
      const regenerated = events.filter((e) => e.action === "token.regenerated" && e.targetId === id).map((e) => e.metadata);
      expect(regenerated).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ from: masked(chain[0]), to: masked(chain[1]) }),
          expect.objectContaining({ from: masked(chain[1]), to: masked(chain[2]) }),
        ]),
      );
    }
  });
});
