import "server-only";
import { headers } from "next/headers";
import type { z } from "zod";
import { can, type Action } from "@/lib/authz";
import { orgContext, currentUser, type OrgContext, type SessionUser } from "@/lib/session";
import { clientIpFromHeaders, userAgentFromHeaders } from "@/lib/request-info";

/**
 * What every server action returns to its form. Server actions are public
 * endpoints: each one authenticates and authorizes here before doing anything.
 */
export type ActionResult<T = undefined> =
  | { ok: true; data: T; message?: string }
  | { ok: false; error: string; fieldErrors?: Record<string, string> };

export class ActionError extends Error {
  constructor(
    message: string,
    readonly fieldErrors?: Record<string, string>,
  ) {
    super(message);
  }
}

export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "_";
    out[key] ??= issue.message;
  }
  return out;
}

export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new ActionError("Please correct the highlighted fields.", fieldErrors(parsed.error));
  return parsed.data;
}

/** Runs an action body, turning ActionErrors into a result the form shows (and nothing else leaking). */
export async function runAction<T>(body: () => Promise<T>, message?: string): Promise<ActionResult<T>> {
  try {
    return { ok: true, data: await body(), message };
  } catch (error) {
    if (error instanceof ActionError) return { ok: false, error: error.message, fieldErrors: error.fieldErrors };
    // Next's redirect()/notFound() throw control-flow errors that must propagate.
    if (error instanceof Error && "digest" in error) throw error;
    console.error("action failed:", error instanceof Error ? error.message : error);
    return { ok: false, error: "Something went wrong. Nothing was changed." };
  }
}

export async function authorizeUser(): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) throw new ActionError("Your session has ended. Sign in again.");
  return user;
}

/** The caller's org context if they are a member holding `action`'s role; otherwise an error (same for non-members and unknown orgs). */
export async function authorizeOrg(slug: unknown, action: Action): Promise<OrgContext> {
  await authorizeUser();
  const ctx = typeof slug === "string" ? await orgContext(slug) : null;
  if (!ctx) throw new ActionError("Organization not found.");
  if (!can(ctx.role, action)) throw new ActionError("You do not have permission to do that.");
  return ctx;
}

export async function requestMeta(): Promise<{ ip: string | null; userAgent: string | null }> {
  const h = await headers();
  return { ip: clientIpFromHeaders(h), userAgent: userAgentFromHeaders(h) };
}
