-- CreateEnum
CREATE TYPE "UsageSpan" AS ENUM ('HOUR', 'DAY');

-- AlterTable
ALTER TABLE "Organization" ADD COLUMN     "tokenExpiryRequired" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "tokenMaxLifetimeDays" INTEGER;

-- AlterTable
ALTER TABLE "Token" ADD COLUMN     "description" TEXT;

-- CreateTable
CREATE TABLE "TokenUsageBucket" (
    "tokenId" TEXT NOT NULL,
    "span" "UsageSpan" NOT NULL,
    "start" TIMESTAMP(3) NOT NULL,
    "orgId" TEXT NOT NULL,
    "kind" "TokenKind" NOT NULL,
    "succeeded" BIGINT NOT NULL DEFAULT 0,
    "denied" BIGINT NOT NULL DEFAULT 0,
    "limited" BIGINT NOT NULL DEFAULT 0,
    "failed" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "TokenUsageBucket_pkey" PRIMARY KEY ("tokenId","span","start")
);

-- CreateTable
CREATE TABLE "TokenModelBucket" (
    "tokenId" TEXT NOT NULL,
    "span" "UsageSpan" NOT NULL,
    "start" TIMESTAMP(3) NOT NULL,
    "model" TEXT NOT NULL,
    "calls" BIGINT NOT NULL DEFAULT 0,
    "inputTokens" BIGINT NOT NULL DEFAULT 0,
    "outputTokens" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "TokenModelBucket_pkey" PRIMARY KEY ("tokenId","span","start","model")
);

-- CreateTable
CREATE TABLE "TokenRequest" (
    "id" BIGSERIAL NOT NULL,
    "tokenId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "method" TEXT NOT NULL,
    "route" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "latencyMs" DOUBLE PRECISION,
    "ip" TEXT,
    "userAgent" TEXT,
    "model" TEXT,
    "inputTokens" INTEGER,
    "outputTokens" INTEGER,
    "omitted" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "TokenRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TokenExpiryReminder" (
    "tokenId" TEXT NOT NULL,
    "daysBefore" INTEGER NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "sentAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TokenExpiryReminder_pkey" PRIMARY KEY ("tokenId","daysBefore","expiresAt")
);

-- CreateTable
CREATE TABLE "JobLease" (
    "name" TEXT NOT NULL,
    "holder" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "lastRunAt" TIMESTAMP(3),

    CONSTRAINT "JobLease_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "TokenUsageBucket_orgId_span_start_idx" ON "TokenUsageBucket"("orgId", "span", "start");

-- CreateIndex
CREATE INDEX "TokenRequest_tokenId_at_id_idx" ON "TokenRequest"("tokenId", "at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "TokenRequest_at_idx" ON "TokenRequest"("at");

-- CreateIndex
CREATE INDEX "Token_orgId_kind_expiresAt_id_idx" ON "Token"("orgId", "kind", "expiresAt", "id");

-- CreateIndex
CREATE INDEX "Token_expiresAt_idx" ON "Token"("expiresAt");

-- AddForeignKey
ALTER TABLE "TokenUsageBucket" ADD CONSTRAINT "TokenUsageBucket_tokenId_fkey" FOREIGN KEY ("tokenId") REFERENCES "Token"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TokenModelBucket" ADD CONSTRAINT "TokenModelBucket_tokenId_fkey" FOREIGN KEY ("tokenId") REFERENCES "Token"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TokenRequest" ADD CONSTRAINT "TokenRequest_tokenId_fkey" FOREIGN KEY ("tokenId") REFERENCES "Token"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TokenExpiryReminder" ADD CONSTRAINT "TokenExpiryReminder_tokenId_fkey" FOREIGN KEY ("tokenId") REFERENCES "Token"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Keep what the old tables held. Daily successes move to the day buckets; gateway calls
-- (every call since gateways exist) give the per-model day buckets and, as the request
-- log's first entries, what is known of them (the retention job trims them).
INSERT INTO "TokenUsageBucket" ("tokenId", "span", "start", "orgId", "kind", "succeeded")
SELECT d."tokenId", 'DAY', d."day"::timestamp, t."orgId", t."kind", d."count"
  FROM "TokenUsageDay" d JOIN "Token" t ON t.id = d."tokenId"
 WHERE d."count" > 0;

INSERT INTO "TokenModelBucket" ("tokenId", "span", "start", "model", "calls", "inputTokens", "outputTokens")
SELECT c."tokenId", 'DAY', date_trunc('day', c."createdAt"), c."model", count(*), SUM(c."inputTokens"), SUM(c."outputTokens")
  FROM "GatewayCall" c JOIN "Token" t ON t.id = c."tokenId"
 GROUP BY c."tokenId", date_trunc('day', c."createdAt"), c."model";

INSERT INTO "TokenRequest" ("tokenId", "at", "method", "route", "status", "model", "inputTokens", "outputTokens")
SELECT c."tokenId", c."createdAt", 'POST', '/api/gpt/v1/messages', 200, c."model", c."inputTokens", c."outputTokens"
  FROM "GatewayCall" c JOIN "Token" t ON t.id = c."tokenId"
 ORDER BY c."createdAt";

-- DropForeignKey
ALTER TABLE "GatewayCall" DROP CONSTRAINT "GatewayCall_gatewayId_fkey";

-- DropForeignKey
ALTER TABLE "GatewayCall" DROP CONSTRAINT "GatewayCall_tokenId_fkey";

-- DropForeignKey
ALTER TABLE "TokenUsageDay" DROP CONSTRAINT "TokenUsageDay_tokenId_fkey";

-- DropTable
DROP TABLE "GatewayCall";

-- DropTable
DROP TABLE "TokenUsageDay";

