-- CreateEnum
CREATE TYPE "UpstreamType" AS ENUM ('ECHO', 'ANTHROPIC');

-- AlterTable
ALTER TABLE "Token" ADD COLUMN     "gatewayId" TEXT;

-- CreateTable
CREATE TABLE "Gateway" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "upstreamType" "UpstreamType" NOT NULL,
    "upstreamBaseUrl" TEXT,
    "upstreamKeyEnc" TEXT,
    "models" TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Gateway_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "GatewayCall" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "gatewayId" TEXT,
    "tokenId" TEXT,
    "model" TEXT NOT NULL,
    "inputTokens" INTEGER NOT NULL,
    "outputTokens" INTEGER NOT NULL,
    "streamed" BOOLEAN NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "GatewayCall_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Gateway_orgId_slug_key" ON "Gateway"("orgId", "slug");

-- CreateIndex
CREATE INDEX "GatewayCall_tokenId_createdAt_idx" ON "GatewayCall"("tokenId", "createdAt");

-- CreateIndex
CREATE INDEX "GatewayCall_gatewayId_createdAt_idx" ON "GatewayCall"("gatewayId", "createdAt");

-- AddForeignKey
ALTER TABLE "Token" ADD CONSTRAINT "Token_gatewayId_fkey" FOREIGN KEY ("gatewayId") REFERENCES "Gateway"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Gateway" ADD CONSTRAINT "Gateway_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GatewayCall" ADD CONSTRAINT "GatewayCall_gatewayId_fkey" FOREIGN KEY ("gatewayId") REFERENCES "Gateway"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GatewayCall" ADD CONSTRAINT "GatewayCall_tokenId_fkey" FOREIGN KEY ("tokenId") REFERENCES "Token"("id") ON DELETE SET NULL ON UPDATE CASCADE;
