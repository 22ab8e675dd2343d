-- AlterTable
ALTER TABLE "TokenChange" ADD COLUMN     "tokenId" TEXT;

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),
    "ip" TEXT,
    "userAgent" TEXT,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE INDEX "Token_createdByTokenId_idx" ON "Token"("createdByTokenId");

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A token minted by a token that no longer exists acts for no one (lib/tokens/lineage.ts).
UPDATE "Token" SET "createdByTokenId" = NULL
 WHERE "createdByTokenId" IS NOT NULL AND "createdByTokenId" NOT IN (SELECT "id" FROM "Token");

-- AddForeignKey
ALTER TABLE "Token" ADD CONSTRAINT "Token_createdByTokenId_fkey" FOREIGN KEY ("createdByTokenId") REFERENCES "Token"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- The change feed names the changed token's id too, so every instance also drops the cached
-- tokens it minted (their verification reads the minting chain, lib/tokens/lineage.ts).
CREATE OR REPLACE FUNCTION keysmith_token_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "TokenChange" ("hash", "tokenId", "createdAt")
  SELECT DISTINCT h, OLD."id", clock_timestamp() AT TIME ZONE 'UTC'
  FROM unnest(CASE TG_OP
    WHEN 'DELETE' THEN ARRAY[OLD."hash", OLD."previousHash"]
    ELSE ARRAY[OLD."hash", OLD."previousHash", NEW."hash", NEW."previousHash"]
  END) AS h
  WHERE h IS NOT NULL;
  RETURN NULL;
END $$;
