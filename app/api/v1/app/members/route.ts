import { json, requirePermission, tokenRoute } from "@/lib/api/handler";
import { WORKSPACE_API } from "@/lib/api/workspace";
import { listMembers } from "@/lib/members";

export const dynamic = "force-dynamic";

export const GET = tokenRoute(WORKSPACE_API, async ({ principal, db }) => {
  requirePermission(principal, "members:read");
  const members = await listMembers(db, principal.orgId);
  return json({
    data: members.map((m) => ({
      id: m.id,
      name: m.user.name,
      email: m.user.email,
      role: m.role,
      joined_at: m.createdAt.toISOString(),
    })),
  });
});
