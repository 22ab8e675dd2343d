/**
 * Gateway calls' history rows (GatewayCall) are written with the batched usage
 * tally (lib/tokens/usage.ts), in the transaction that adds their model tokens
 * to the day buckets: never one without the other, and never a flush stuck on a
 * token or gateway deleted between the call and the write.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { getDb } from "@/lib/db/client";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { createGateway } from "@/lib/gateways/service";
import { issueToken, type ChangeMeta } from "@/lib/tokens/service";
import { utcDay } from "@/lib/time";
import { flushUsage, recordGatewayCall } from "@/lib/tokens/usage";

import { openAppDbWithOrg, type AppDb } from "../support/app-db";
import { testDatabases } from "../support/databases";
import { uniq } from "../support/fixtures";

describe.each(testDatabases)("gateway call history on $name", ({ name }) => {
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

  async function gatewayWithToken() {
    const gateway = await createGateway(prisma, meta, { name: `gw-${uniq()}`, slug: `gw-${uniq()}`, upstreamType: "ECHO", models: ["m-1"] });
    const { token } = await issueToken(prisma, meta, { kind: "GATEWAY", name: `hist-${uniq()}`, gatewayId: gateway.id, expiresAt: null, createdById: admin.id });
    return { gatewayId: gateway.id, tokenId: token.id };
  }

  const call = (gatewayId: string, inputTokens: number, outputTokens: number, at = Date.now()) => ({
    orgId: org.id,
    gatewayId,
    model: "m-1",
    inputTokens,
    outputTokens,
    streamed: false,
    at,
  });

  it("writes each call's row with its own time, and its tokens into that day's bucket, in one flush", async () => {
    const { gatewayId, tokenId } = await gatewayWithToken();
    const at = Date.parse("2026-11-20T10:00:00.000Z");
    recordGatewayCall(getDb, tokenId, call(gatewayId, 3, 4, at));
    recordGatewayCall(getDb, tokenId, call(gatewayId, 10, 20, at + 1_000));
    expect(await prisma.gatewayCall.count({ where: { tokenId } }), "nothing written before the flush").toBe(0);

    await flushUsage();
    const rows = await prisma.gatewayCall.findMany({ where: { tokenId }, orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => [r.inputTokens, r.outputTokens, r.createdAt.getTime(), r.gatewayId, r.orgId])).toEqual([
      [3, 4, at, gatewayId, org.id],
      [10, 20, at + 1_000, gatewayId, org.id],
    ]);
    const day = await prisma.tokenUsageDay.findUniqueOrThrow({ where: { tokenId_day: { tokenId, day: new Date(utcDay(at)) } } });
    expect(Number(day.modelTokens)).toBe(37);
  });

  it("keeps the row of a call whose token or gateway was deleted before the flush, and flushes the rest", async () => {
    const gone = await gatewayWithToken();
    const kept = await gatewayWithToken();
    const other = await gatewayWithToken();
    recordGatewayCall(getDb, gone.tokenId, call(gone.gatewayId, 1, 1));
    recordGatewayCall(getDb, kept.tokenId, call(kept.gatewayId, 2, 2));
    recordGatewayCall(getDb, other.tokenId, call(other.gatewayId, 5, 5));
    await prisma.token.delete({ where: { id: gone.tokenId } });
    await prisma.gateway.delete({ where: { id: kept.gatewayId } });

    await flushUsage();
    const rows = await prisma.gatewayCall.findMany({ where: { orgId: org.id, inputTokens: { in: [1, 2, 5] } } });
    const byInput = new Map(rows.map((r) => [r.inputTokens, r]));
    expect(byInput.get(1)).toMatchObject({ tokenId: null, gatewayId: gone.gatewayId });
    expect(byInput.get(2)).toMatchObject({ tokenId: kept.tokenId, gatewayId: null });
    expect(byInput.get(5)).toMatchObject({ tokenId: other.tokenId, gatewayId: other.gatewayId });
  });
});
