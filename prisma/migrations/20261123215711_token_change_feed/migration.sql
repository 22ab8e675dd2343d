-- CreateTable
CREATE TABLE "TokenChange" (
    "id" BIGSERIAL NOT NULL,
    "hash" TEXT,
    "orgId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TokenChange_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TokenChange_createdAt_idx" ON "TokenChange"("createdAt");

-- Triggers feed "TokenChange" in the transaction of the change itself, so no write path
-- (the console, the API, a script, psql) can change a token behind the caches' backs.
-- "createdAt" is the insert's own clock (UTC, like Prisma's columns), not the
-- transaction's start: pollers re-read a window back from now, and a row must not
-- look older than it is.
CREATE FUNCTION keysmith_token_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "TokenChange" ("hash", "createdAt")
  SELECT DISTINCT h, clock_timestamp() AT TIME ZONE 'UTC'
  FROM unnest(CASE TG_OP
    WHEN 'DELETE' THEN ARRAY[OLD."hash", OLD."previousHash"]
    ELSE ARRAY[OLD."hash", OLD."previousHash", NEW."hash", NEW."previousHash"]
  END) AS h
  WHERE h IS NOT NULL;
  RETURN NULL;
END $$;

-- Every column a verification reads; not the usage counters, which change on every flush.
CREATE TRIGGER "Token_changed" AFTER UPDATE OF
  "orgId", "kind", "name", "hash", "permissions", "role", "projectId", "gatewayId", "status",
  "expiresAt", "createdById", "createdByTokenId", "createdAt", "previousHash", "previousValidUntil",
  "ipAllowlist", "rateLimitPerMinute", "allowedModels", "monthlyTokenBudget", "revokedAt"
  ON "Token" FOR EACH ROW EXECUTE FUNCTION keysmith_token_changed();
CREATE TRIGGER "Token_deleted" AFTER DELETE ON "Token" FOR EACH ROW EXECUTE FUNCTION keysmith_token_changed();

-- A member's tokens act with the member's current role; an org's slug is checked against x-org;
-- a creator's name and e-mail are shown by /me: such changes drop every cached token of the org.
CREATE FUNCTION keysmith_org_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'User' THEN
    INSERT INTO "TokenChange" ("orgId", "createdAt")
    SELECT m."orgId", clock_timestamp() AT TIME ZONE 'UTC' FROM "Membership" m WHERE m."userId" = OLD."id";
  ELSIF TG_TABLE_NAME = 'Organization' THEN
    INSERT INTO "TokenChange" ("orgId", "createdAt") VALUES (OLD."id", clock_timestamp() AT TIME ZONE 'UTC');
  ELSE
    INSERT INTO "TokenChange" ("orgId", "createdAt") VALUES (OLD."orgId", clock_timestamp() AT TIME ZONE 'UTC');
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "Membership_changed" AFTER UPDATE OR DELETE ON "Membership" FOR EACH ROW EXECUTE FUNCTION keysmith_org_changed();
CREATE TRIGGER "Organization_slug_changed" AFTER UPDATE OF "slug" ON "Organization" FOR EACH ROW EXECUTE FUNCTION keysmith_org_changed();
CREATE TRIGGER "User_changed" AFTER UPDATE OF "name", "email" ON "User" FOR EACH ROW EXECUTE FUNCTION keysmith_org_changed();
