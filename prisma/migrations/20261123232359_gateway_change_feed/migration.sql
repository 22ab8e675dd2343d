-- A gateway token's verification carries its gateway's row (slug, upstream, models), cached
-- with the token (lib/tokens/verify.ts). Any change to a gateway therefore drops the cached
-- tokens of its org on every instance, through the change feed, like a membership change.
-- (Deleting a gateway also nulls its tokens' "gatewayId", which names each token itself.)
CREATE TRIGGER "Gateway_changed" AFTER UPDATE OR DELETE ON "Gateway"
  FOR EACH ROW EXECUTE FUNCTION keysmith_org_changed();
