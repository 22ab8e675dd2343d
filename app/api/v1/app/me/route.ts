import { json } from "@/lib/api/responses";
import { tokenRoute } from "@/lib/api/token-route";
import { serializeMe } from "@/lib/api/workspace-serializers";

export const dynamic = "force-dynamic";

// Accepts every kind of token, so any token can be verified with one call.
export const GET = tokenRoute({ kinds: ["WORKSPACE", "GATEWAY", "ORGANIZATION"], requireOrgHeader: true }, async ({ principal }) =>
  json(serializeMe(principal)),
);
