-- AlterTable
ALTER TABLE "TokenChange" ADD COLUMN     "added" BOOLEAN NOT NULL DEFAULT false;

-- New secrets reach every instance's known-token filter through the change feed
-- (lib/tokens/known-tokens.ts): an unknown token is refused without a lookup, so
-- a token made on one instance must become known on the others within a second.
-- A regenerated token's new hash is marked "added" by the update trigger ...
CREATE OR REPLACE FUNCTION keysmith_token_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "TokenChange" ("hash", "tokenId", "added", "createdAt")
  SELECT h, OLD."id", bool_or(a), clock_timestamp() AT TIME ZONE 'UTC'
  FROM unnest(
    CASE TG_OP WHEN 'DELETE' THEN ARRAY[OLD."hash", OLD."previousHash"]
      ELSE ARRAY[OLD."hash", OLD."previousHash", NEW."hash", NEW."previousHash"] END,
    CASE TG_OP WHEN 'DELETE' THEN ARRAY[false, false]
      ELSE ARRAY[false, false, NEW."hash" IS DISTINCT FROM OLD."hash", false] END
  ) AS t(h, a)
  WHERE h IS NOT NULL
  GROUP BY h;
  RETURN NULL;
END $$;

-- ... and a new token's by the insert trigger: one row per token, or, for a bulk
-- load of more than 1,000 in one statement, a single row with no hash, on which
-- every instance rebuilds its filter from the table.
CREATE FUNCTION keysmith_tokens_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT count(*) FROM inserted) > 1000 THEN
    INSERT INTO "TokenChange" ("added", "createdAt") VALUES (true, clock_timestamp() AT TIME ZONE 'UTC');
  ELSE
    INSERT INTO "TokenChange" ("hash", "tokenId", "added", "createdAt")
    SELECT i."hash", i."id", true, clock_timestamp() AT TIME ZONE 'UTC' FROM inserted i;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "Token_inserted" AFTER INSERT ON "Token"
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION keysmith_tokens_inserted();
