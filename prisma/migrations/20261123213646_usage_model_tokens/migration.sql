-- AlterTable
ALTER TABLE "TokenUsageDay" ADD COLUMN     "modelTokens" BIGINT NOT NULL DEFAULT 0;

-- Backfill from the per-call records, so budgets keep counting what was used before this column.
INSERT INTO "TokenUsageDay" ("tokenId", "day", "count", "modelTokens")
SELECT c."tokenId", (c."createdAt")::date, 0, SUM(c."inputTokens" + c."outputTokens")
FROM "GatewayCall" c JOIN "Token" t ON t.id = c."tokenId"
GROUP BY c."tokenId", (c."createdAt")::date
ON CONFLICT ("tokenId", "day") DO UPDATE SET "modelTokens" = EXCLUDED."modelTokens";
