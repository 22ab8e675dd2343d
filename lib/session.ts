import "server-only";
import { cache } from "react";
import { getServerSession } from "next-auth";
import { notFound, redirect } from "next/navigation";
import { authOptions } from "@/lib/auth/options";
import { sessionUser } from "@/lib/auth/sessions";
import { getDb } from "@/lib/db/client";
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

/** The current session's id (for "sign out everywhere else" after a password change). */
export const currentSessionId = cache(async (): Promise<string | null> => (await getServerSession(authOptions))?.sid ?? null);

export async function requireUser(returnTo = "/"): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent(returnTo)}`);
  return user;
}

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

/** For pages: the org context, or a 404 for orgs the user does not belong to (no hint they exist). */
export async function requireOrg(slug: string): Promise<OrgContext> {
  const user = await currentUser();
  if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent(`/o/${slug}`)}`);
  const ctx = await orgContext(slug);
  if (!ctx) notFound();
  return ctx;
}

export const userOrgs = cache(async (userId: string) =>
  (await getDb()).membership.findMany({
    where: { userId },
    select: { role: true, org: { select: { slug: true, name: true } } },
    orderBy: { org: { name: "asc" } },
  }),
);
