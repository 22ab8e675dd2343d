/**
 * The usage flush (lib/tokens/usage.ts) writes, in one transaction: each token's
 * calls by outcome per hour and per day, gateway model tokens per hour, day and
 * model, and the request log. Additive upserts: exact however many instances
 * write at once. Retention (lib/usage/retention.ts) prunes by age and per token.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { getDb } from "@/lib/db/client";
import { createDriver, type Driver } from "@/lib/db/driver";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { createGateway } from "@/lib/gateways/service";
import { issueToken, type ChangeMeta } from "@/lib/tokens/service";
import { countCall, countModelTokens, flushUsage, logCall, writeUsage, type LoggedCall, type Tally } from "@/lib/tokens/usage";
import { pruneUsage } from "@/lib/usage/retention";

import { openAppDbWithOrg, type AppDb } from "../support/app-db";
import { testDatabases } from "../support/databases";
import { uniq } from "../support/fixtures";

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** An hour boundary in the past, so the buckets under test are nobody else's. */
const T = Date.parse("2026-11-20T10:00:00.000Z");

function entry(tokenId: string, status: number, at: number, extra: Partial<LoggedCall> = {}): LoggedCall {
  return { tokenId, at, method: "GET", route: "/api/v1/app/me", status, latencyMs: 1.234, ip: "203.0.113.5", userAgent: "vitest", model: null, inputTokens: null, outputTokens: null, ...extra };
}

describe.each(testDatabases)("usage history on $name", ({ name }) => {
  let app: AppDb;
  let prisma: PrismaClient;
  let org: { id: string };
  let admin: { id: string };
  let meta: ChangeMeta;

  beforeAll(async () => {
    ({ app, prisma, org, admin, meta } = await openAppDbWithOrg(name));
  });

  afterAll(async () => {
    await app?.close();
  });

  const workspaceToken = async () =>
    (await issueToken(prisma, meta, { kind: "WORKSPACE", name: `ws-${uniq()}`, permissions: ["projects:read"], expiresAt: null, createdById: admin.id })).token.id;

  async function gatewayToken() {
    const gateway = await createGateway(prisma, meta, { name: `gw-${uniq()}`, slug: `gw-${uniq()}`, upstreamType: "ECHO", models: ["m1", "m2"] });
    return (await issueToken(prisma, meta, { kind: "GATEWAY", name: `g-${uniq()}`, gatewayId: gateway.id, expiresAt: null, createdById: admin.id })).token.id;
  }

  const buckets = (tokenId: string) =>
    prisma.tokenUsageBucket
      .findMany({ where: { tokenId }, orderBy: [{ span: "asc" }, { start: "asc" }] })
      .then((rows) => rows.map((r) => [r.span, r.start.toISOString(), Number(r.succeeded), Number(r.denied), Number(r.limited), Number(r.failed), r.kind, r.orgId]));

  it("writes calls by outcome per hour and per day, and the token's count and last use, in one flush", async () => {
    const id = await workspaceToken();
    for (const status of [200, 200, 201, 403, 400]) countCall(getDb, id, status, "203.0.113.5", T + 60_000);
    countCall(getDb, id, 429, "203.0.113.6", T + HOUR + 5);
    countCall(getDb, id, 200, "203.0.113.7", T + 2 * HOUR);
    expect(await prisma.tokenUsageBucket.count({ where: { tokenId: id } }), "nothing before the flush").toBe(0);

    await flushUsage();
    const day = new Date(T - (T % DAY)).toISOString();
    expect(await buckets(id)).toEqual([
      ["HOUR", new Date(T).toISOString(), 3, 1, 0, 1, "WORKSPACE", org.id],
      ["HOUR", new Date(T + HOUR).toISOString(), 0, 0, 1, 0, "WORKSPACE", org.id],
      ["HOUR", new Date(T + 2 * HOUR).toISOString(), 1, 0, 0, 0, "WORKSPACE", org.id],
      ["DAY", day, 4, 1, 1, 1, "WORKSPACE", org.id],
    ]);
    // Only successes are use: 4 of them, the last one's time and address.
    const row = await prisma.token.findUniqueOrThrow({ where: { id }, select: { usageCount: true, lastUsedAt: true, lastUsedIp: true } });
    expect([Number(row.usageCount), row.lastUsedAt?.getTime(), row.lastUsedIp]).toEqual([4, T + 2 * HOUR, "203.0.113.7"]);

    // A later flush adds to the same buckets rather than replacing them.
    countCall(getDb, id, 403, null, T + 60_000);
    await flushUsage();
    expect((await buckets(id))[0]).toEqual(["HOUR", new Date(T).toISOString(), 3, 2, 0, 1, "WORKSPACE", org.id]);
  });

  it("writes gateway model tokens per hour, day and model", async () => {
    const id = await gatewayToken();
    countModelTokens(getDb, id, "m1", 10, 5, T + 1);
    countModelTokens(getDb, id, "m1", 1, 1, T + 2);
    countModelTokens(getDb, id, "m2", 7, 0, T + HOUR);
    await flushUsage();
    const rows = await prisma.tokenModelBucket.findMany({ where: { tokenId: id }, orderBy: [{ span: "asc" }, { start: "asc" }, { model: "asc" }] });
    expect(rows.map((r) => [r.span, r.start.getTime(), r.model, Number(r.calls), Number(r.inputTokens), Number(r.outputTokens)])).toEqual([
      ["HOUR", T, "m1", 2, 11, 6],
      ["HOUR", T + HOUR, "m2", 1, 7, 0],
      ["DAY", T - (T % DAY), "m1", 2, 11, 6],
      ["DAY", T - (T % DAY), "m2", 1, 7, 0],
    ]);
  });

  it("logs each call with its route pattern, status, latency, address and agent", async () => {
    const id = await gatewayToken();
    logCall(getDb, entry(id, 200, T + 10, { method: "POST", route: "/api/gpt/v1/messages", model: "m1", inputTokens: 3, outputTokens: 4 }));
    logCall(getDb, entry(id, 429, T + 20, { method: "POST", route: "/api/gpt/v1/messages", model: "m1" }));
    await flushUsage();
    const rows = await prisma.tokenRequest.findMany({ where: { tokenId: id }, orderBy: { at: "asc" } });
    expect(rows.map((r) => [r.at.getTime(), r.method, r.route, r.status, r.latencyMs, r.ip, r.userAgent, r.model, r.inputTokens, r.outputTokens, r.omitted])).toEqual([
      [T + 10, "POST", "/api/gpt/v1/messages", 200, 1.23, "203.0.113.5", "vitest", "m1", 3, 4, 0],
      [T + 20, "POST", "/api/gpt/v1/messages", 429, 1.23, "203.0.113.5", "vitest", "m1", null, null, 0],
    ]);
  });

  it("logs every call of a token within its allowance, samples a busier one, and says how many it left out", async () => {
    const id = await workspaceToken();
    const t0 = Date.now();
    // A burst of 10 successes fits; the next 5 do not. Refusals have their own allowance.
    for (let i = 1; i <= 15; i++) logCall(getDb, entry(id, 200, T + i), t0);
    logCall(getDb, entry(id, 403, T + 16), t0);
    // Twenty seconds later the successes' allowance has refilled by 4 (one every 5 s): 4 of these 6 are logged.
    for (let i = 17; i <= 22; i++) logCall(getDb, entry(id, 200, T + i), t0 + 20_000);
    await flushUsage();
    const rows = await prisma.tokenRequest.findMany({ where: { tokenId: id }, orderBy: { at: "asc" } });
    expect(rows.map((r) => [r.at.getTime() - T, r.status, r.omitted])).toEqual([
      ...Array.from({ length: 10 }, (_, i) => [i + 1, 200, 0]),
      [16, 403, 5],
      [17, 200, 0],
      [18, 200, 0],
      [19, 200, 0],
      [20, 200, 0],
    ]);
    // The two left out at the end are told by the token's next entry.
    logCall(getDb, entry(id, 500, T + 23), t0 + 20_000);
    await flushUsage();
    expect((await prisma.tokenRequest.findFirstOrThrow({ where: { tokenId: id, status: 500 } })).omitted).toBe(2);
  });

  it("skips a token deleted between its calls and the flush, and writes the others", async () => {
    const gone = await workspaceToken();
    const kept = await workspaceToken();
    for (const id of [gone, kept]) {
      countCall(getDb, id, 200, null, T);
      logCall(getDb, entry(id, 200, T));
    }
    countModelTokens(getDb, gone, "m1", 1, 1, T);
    await prisma.token.delete({ where: { id: gone } });
    await flushUsage();
    expect(await prisma.tokenUsageBucket.count({ where: { tokenId: kept } })).toBe(2);
    expect(await prisma.tokenRequest.count({ where: { tokenId: kept } })).toBe(1);
    expect(await prisma.tokenUsageBucket.count({ where: { tokenId: gone } })).toBe(0);
  });

  it("stays exact when two instances flush the same tokens at the same time, many times over", async () => {
    const ids = await Promise.all(Array.from({ length: 6 }, () => workspaceToken()));
    // A second client stands for a second instance (PGlite is one process: there it shares the connection).
    let other: { prisma: PrismaClient; driver: Driver } | null = null;
    if (name === "postgres") {
      const driver = await createDriver({ kind: "postgres", url: process.env.DATABASE_URL! });
      other = { driver, prisma: new PrismaClient({ adapter: driver.adapter }) };
    }
    const tally = (seed: number): Array<[string, Tally]> =>
      ids.map((id, i) => [
        id,
        {
          count: 1 + ((seed + i) % 3),
          at: T + seed,
          ip: null,
          hours: new Map([
            [T, [1 + ((seed + i) % 3), 1, 0, 2]],
            [T + HOUR, [0, 0, 3, 0]],
          ]),
          models: new Map([[`${T}|m1`, { hour: T, model: "m1", calls: 1, input: 5, output: 7 }]]),
          log: [],
        },
      ]);
    const ROUNDS = 15;
    const expected = new Map(ids.map((id) => [id, 0]));
    const writes: Array<Promise<void>> = [];
    for (let r = 0; r < ROUNDS; r++) {
      const a = tally(2 * r);
      const b = tally(2 * r + 1).reverse(); // the other instance's map is in another order
      for (const [id, t] of [...a, ...b]) expected.set(id, expected.get(id)! + t.count);
      writes.push(writeUsage(prisma, a), writeUsage(other?.prisma ?? prisma, b));
    }
    const results = await Promise.allSettled(writes);
    // A deadlock would surface as a failed write (the flush would retry it): there must be none.
    expect(results.filter((x) => x.status === "rejected")).toEqual([]);
    for (const id of ids) {
      const hourRows = await prisma.tokenUsageBucket.findMany({ where: { tokenId: id, span: "HOUR" }, orderBy: { start: "asc" } });
      expect(hourRows.map((h) => [Number(h.succeeded), Number(h.denied), Number(h.limited), Number(h.failed)])).toEqual([
        [expected.get(id), 2 * ROUNDS, 0, 4 * ROUNDS],
        [0, 0, 6 * ROUNDS, 0],
      ]);
      const dayRow = await prisma.tokenUsageBucket.findFirstOrThrow({ where: { tokenId: id, span: "DAY" } });
      expect(Number(dayRow.limited)).toBe(6 * ROUNDS);
      const token = await prisma.token.findUniqueOrThrow({ where: { id } });
      expect(Number(token.usageCount)).toBe(expected.get(id));
      const model = await prisma.tokenModelBucket.findFirstOrThrow({ where: { tokenId: id, span: "DAY" } });
      expect([Number(model.calls), Number(model.inputTokens), Number(model.outputTokens)]).toEqual([2 * ROUNDS, 10 * ROUNDS, 14 * ROUNDS]);
    }
    await other?.prisma.$disconnect();
    await other?.driver.close();
  });

  it("prunes buckets and log entries past their retention, and each token's log beyond its bound", async () => {
    const busy = await workspaceToken();
    const quiet = await workspaceToken();
    const now = Date.parse("2026-11-28T12:00:00.000Z");
    // Buckets: an hour of 49 h ago and one of 47 h ago; a day of 91 days ago and one of 89.
    const hour = (ms: number) => ms - (ms % HOUR);
    const day = (ms: number) => ms - (ms % DAY);
    await prisma.tokenUsageBucket.createMany({
      data: [
        { tokenId: quiet, span: "HOUR", start: new Date(hour(now - 49 * HOUR)), orgId: org.id, kind: "WORKSPACE", succeeded: 1 },
        { tokenId: quiet, span: "HOUR", start: new Date(hour(now - 47 * HOUR)), orgId: org.id, kind: "WORKSPACE", succeeded: 1 },
        { tokenId: quiet, span: "DAY", start: new Date(day(now - 91 * DAY)), orgId: org.id, kind: "WORKSPACE", succeeded: 1 },
        { tokenId: quiet, span: "DAY", start: new Date(day(now - 89 * DAY)), orgId: org.id, kind: "WORKSPACE", succeeded: 1 },
      ],
    });
    await prisma.tokenModelBucket.createMany({
      data: [
        { tokenId: quiet, span: "HOUR", start: new Date(hour(now - 49 * HOUR)), model: "m", calls: 1 },
        { tokenId: quiet, span: "DAY", start: new Date(day(now - 89 * DAY)), model: "m", calls: 1 },
      ],
    });
    // The log: the quiet token has one entry 15 days old and one a day old; the busy one 8 recent entries.
    await prisma.tokenRequest.createMany({
      data: [
        { tokenId: quiet, at: new Date(now - 15 * DAY), method: "GET", route: "/r", status: 200 },
        { tokenId: quiet, at: new Date(now - DAY), method: "GET", route: "/r", status: 200 },
        ...Array.from({ length: 8 }, (_, i) => ({ tokenId: busy, at: new Date(now - 60_000 + i * 1_000), method: "GET", route: "/r", status: 200 + i })),
      ],
    });

    const retention = { hourlyHours: 48, dailyDays: 90, logPerToken: 3, logDays: 14 };
    const pruned = await pruneUsage(prisma, new Date(now), new Date(now - 60_000), retention);
    // (Other tests' hourly buckets of 20 November go too.)
    expect(pruned.buckets).toBeGreaterThanOrEqual(2);
    expect(pruned.modelBuckets).toBeGreaterThanOrEqual(1);
    expect(await prisma.tokenModelBucket.count({ where: { tokenId: quiet } })).toBe(1);
    expect((await prisma.tokenUsageBucket.findMany({ where: { tokenId: quiet } })).map((b) => b.start.getTime()).sort()).toEqual(
      [day(now - 89 * DAY), hour(now - 47 * HOUR)].sort(),
    );
    expect((await prisma.tokenRequest.findMany({ where: { tokenId: busy }, orderBy: { at: "asc" } })).map((r) => r.status)).toEqual([205, 206, 207]);
    expect(await prisma.tokenRequest.count({ where: { tokenId: quiet } })).toBe(1);
    // Nothing left to do the second time.
    expect(await pruneUsage(prisma, new Date(now), new Date(now), retention)).toEqual({
      buckets: 0,
      modelBuckets: 0,
      requests: 0,
    });
  });
});
