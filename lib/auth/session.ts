/**
 * Who is signed in, and their place in the org a URL names. The frames for
 * pages live here too: `userPage` and `orgPage` authenticate, authorize and hand
 * the page the database (docs/architecture.md "Reading"); actions have theirs in
 * lib/actions/frame.ts, API routes in lib/api/.
 */
import "server-only";
import { cache } from "react";
import { getServerSession } from "next-auth";
import { notFound, redirect } from "next/navigation";
import { authOptions } from "@/lib/auth/options";
import { sessionUser } from "@/lib/auth/sessions";
import { can, type Action } from "@/lib/authz";
import { getDb } from "@/lib/db/client";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";

export interface SessionUser {
  id: string;
  email: string;
  name: string;
}

export interface OrgContext {
  user: SessionUser;
  org: { id: string; slug: string; name: string };
  role: Role;
}

/**
 * The signed-in user, re-read with the session's row on each request: an ended
 * session (sign-out, sign out everywhere, password change, removal from an org)
 * or a deleted account signs nobody in, whatever the cookie says.
 */
export const currentUser = cache(async (): Promise<SessionUser | null> => {
  const session = await getServerSession(authOptions);
  const id = session?.user?.id;
  const sid = session?.sid;
  if (!id || !sid) return null;
  return sessionUser(await getDb(), sid, id);
});

/** The current session's id (a password change keeps this one signed in). */
export const currentSessionId = cache(async (): Promise<string | null> => (await getServerSession(authOptions))?.sid ?? null);

/**
 * The caller's membership in the org named by the URL, or null. The role comes
 * from the database on every request, never from the client or the session cookie.
 */
export const orgContext = cache(async (slug: string): Promise<OrgContext | null> => {
  const user = await currentUser();
  if (!user) return null;
  const membership = await (await getDb()).membership.findFirst({
    where: { userId: user.id, org: { slug } },
    select: { role: true, org: { select: { id: true, slug: true, name: true } } },
  });
  return membership ? { user, org: membership.org, role: membership.role } : null;
});

export const userOrgs = cache(async (userId: string) =>
  (await getDb()).membership.findMany({
    where: { userId },
    select: { role: true, org: { select: { id: true, slug: true, name: true } } },
    orderBy: { org: { name: "asc" } },
  }),
);

function signInFirst(returnTo: string): never {
  redirect(`/sign-in?callbackUrl=${encodeURIComponent(returnTo)}`);
}

/** A page anyone may open (sign-up, an invitation link): whoever is signed in, if anyone, and the database. */
export async function publicPage(): Promise<{ user: SessionUser | null; db: PrismaClient }> {
  return { user: await currentUser(), db: await getDb() };
}

/** A page for any signed-in user (sent to sign in otherwise). */
export async function userPage(returnTo = "/"): Promise<{ user: SessionUser; db: PrismaClient }> {
  const user = await currentUser();
  if (!user) signInFirst(returnTo);
  return { user, db: await getDb() };
}

export type OrgPage = OrgContext & { db: PrismaClient };

/**
 * A page in an org: the member's context and the database. Not a member (or no
 * such org) is a 404, with no hint the org exists; so is a page for a role the
 * member does not have (`action`: the least action the page needs).
 */
export async function orgPage(slug: string, action?: Action): Promise<OrgPage> {
  if (!(await currentUser())) signInFirst(`/o/${slug}`);
  const ctx = await orgContext(slug);
  if (!ctx || (action && !can(ctx.role, action))) notFound();
  return { ...ctx, db: await getDb() };
}
