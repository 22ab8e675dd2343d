import { json } from "@/lib/api/responses";
import { requirePermission, tokenRoute } from "@/lib/api/token-route";
import { WORKSPACE_API } from "@/lib/api/workspace";
import { serializeMember } from "@/lib/api/workspace-serializers";
import { listMembers } from "@/lib/members/service";

export const dynamic = "force-dynamic";

export const GET = tokenRoute(WORKSPACE_API, async ({ principal, db }) => {
  requirePermission(principal, "members:read");
  return json({ data: (await listMembers(db, principal.orgId)).map(serializeMember) });
});
