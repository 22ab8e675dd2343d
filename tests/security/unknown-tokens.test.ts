/**
 * Unknown-token floods (lib/tokens/unknown-tokens.ts). Well-formed unknown
 * tokens are free to make (the checksum is public) and each cost a database
 * lookup; past a per-address budget of lookups that found nothing, a token that
 * misses the cache is refused with 429 and no lookup, while tokens in the cache
 * keep working. Fails without the gate in lib/api/handler.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { me as meRoute } from "@/lib/api/routes/workspace";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { generateToken } from "@/lib/tokens/format";
import type { ChangeMeta } from "@/lib/tokens/service";
import { admitLookup, BURST, refundLookup } from "@/lib/tokens/unknown-tokens";
import { verifyToken } from "@/lib/tokens/verify";

import { openAppDbWithOrg, type AppDb } from "../support/app-db";
import { issueWorkspaceToken } from "../support/fixtures";
import { noParams, read, workspaceRequest } from "../support/guard-rails";

describe("the per-address budget of lookups that find nothing", () => {
  it("allows a burst, then refuses until it refills; lookups that found a token cost nothing; addresses are independent", () => {
    const now = 1_000_000;
    const a = "198.51.100.200";
    for (let i = 0; i < BURST; i++) expect(admitLookup(a, now)).toBe(0);
    expect(admitLookup(a, now)).toBeGreaterThan(0);
    refundLookup(a);
    expect(admitLookup(a, now)).toBe(0);
    expect(admitLookup(a, now)).toBeGreaterThan(0);
    expect(admitLookup("198.51.100.201", now)).toBe(0);
    expect(admitLookup(a, now + 10_000)).toBe(0);
  });

  it("costs verification no database lookup once refused", async () => {
    let lookups = 0;
    const fakeDb = { token: { findFirst: async () => (lookups++, null) } } as unknown as PrismaClient;
    let refused = 0;
    let admitted = 0;
    const gate = {
      admit() {
        if (admitted >= 3) throw new Error("refused");
        admitted++;
      },
      found() {},
    };
    for (let i = 0; i < 10; i++) {
      await verifyToken(fakeDb, generateToken("WORKSPACE"), new Date(), gate).catch(() => refused++);
    }
    expect(lookups).toBe(3);
    expect(refused).toBe(7);
  });
});

describe("an unknown-token flood through the Workspace API (PGlite)", () => {
  let app: AppDb;
  let prisma: PrismaClient;
  let org: { id: string; slug: string };
  let admin: { id: string; email: string };
  let meta: ChangeMeta;

  beforeAll(async () => {
    ({ app, prisma, org, admin, meta } = await openAppDbWithOrg("pglite"));
  });
  afterAll(async () => {
    await app?.close();
  });

  const me = async (token: string, ip: string) => read(await meRoute.GET(workspaceRequest("/app/me", { token, org: org.slug, ip }), noParams));

  it("answers 429 without a lookup past the budget; a token in use keeps working from the same address", async () => {
    const { secret } = await issueWorkspaceToken(prisma, { meta, admin });
    const ip = "203.0.113.250";
    expect((await me(secret, ip)).status).toBe(200);

    // All at once: a lookup takes its unit when it starts, so a concurrent burst cannot slip past the bound.
    const answers = await Promise.all(Array.from({ length: BURST + 30 }, () => me(generateToken("WORKSPACE"), ip)));
    expect(answers.filter((r) => r.status === 401)).toHaveLength(BURST);
    const refused = answers.filter((r) => r.status === 429);
    expect(refused).toHaveLength(30);
    expect(Number(refused[0].headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused[0].json).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });

    // The valid token is cached: it never needed the budget.
    expect((await me(secret, ip)).status).toBe(200);
    // Other addresses are not held up.
    expect((await me(generateToken("WORKSPACE"), "203.0.113.251")).status).toBe(401);
  });
});
