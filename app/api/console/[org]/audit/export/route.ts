import { z } from "zod";
import { errorResponse } from "@/lib/api/responses";
import { sessionRoute } from "@/lib/api/session-route";
import { auditExport } from "@/lib/audit/export";
import { AUDIT_ACTIONS } from "@/lib/audit/log";
import { userActor } from "@/lib/audit/record";
import { clientIpFromHeaders, userAgentFromHeaders } from "@/lib/request-info";

export const dynamic = "force-dynamic";

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Use YYYY-MM-DD.");
const query = z.object({
  format: z.enum(["csv", "json"]).default("csv"),
  action: z.enum(AUDIT_ACTIONS).optional(),
  actor: z.string().max(200).optional(),
  from: day.optional(),
  to: day.optional(),
});

/** The audit log as a file (admins: the log's own permission), with the page's filters. Recorded in the log itself. */
export const GET = sessionRoute<{ org: string }>(async ({ request, ctx, db }) => {
  const raw = Object.fromEntries([...new URL(request.url).searchParams].filter(([, v]) => v !== ""));
  const parsed = query.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return errorResponse(400, `Invalid query parameter "${issue.path.join(".")}": ${issue.message}`);
  }
  const { format, ...filters } = parsed.data;
  const meta = { orgId: ctx.org.id, actor: userActor(ctx.user), ip: clientIpFromHeaders(request.headers), userAgent: userAgentFromHeaders(request.headers) };
  const file = await auditExport(db, meta, filters, format);
  const stamp = new Date().toISOString().slice(0, 10);
  return new Response(file.body, {
    headers: {
      "content-type": file.contentType,
      "content-disposition": `attachment; filename="${ctx.org.slug}-audit-${stamp}.${format}"`,
      "cache-control": "no-store",
    },
  });
}, "audit:read");
