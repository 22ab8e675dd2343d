/**
 * The frame of the console's own JSON routes (`/api/console/{org}/…`, what live
 * views poll): the session's member in the org the URL names, the database,
 * and the API's error shape. A non-member, or a member without `action`, gets
 * the same 404 as an org that does not exist.
 */
import "server-only";
import { orgContext, type OrgContext } from "@/lib/auth/session";
import { can, type Action } from "@/lib/authz";
import { getDb } from "@/lib/db/client";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { errorResponse, toErrorResponse } from "./responses";

export interface SessionRouteContext<P> {
  request: Request;
  params: P;
  ctx: OrgContext;
  db: PrismaClient;
}

export function sessionRoute<P extends { org: string }>(handler: (c: SessionRouteContext<P>) => Promise<Response>, action: Action = "org:read") {
  return async (request: Request, route: { params: Promise<P> }): Promise<Response> => {
    try {
      const params = await route.params;
      const ctx = await orgContext(params.org);
      if (!ctx || !can(ctx.role, action)) return errorResponse(404, "Not found.");
      return await handler({ request, params, ctx, db: await getDb() });
    } catch (error) {
      return toErrorResponse(error);
    }
  };
}
