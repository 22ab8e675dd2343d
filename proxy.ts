import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";

/**
 * Sends signed-out visitors of console pages to /sign-in, remembering where they
 * were going. Only an optimistic check of the session cookie: every page, server
 * action and route handler still authenticates and authorizes on its own.
 */
export async function proxy(request: NextRequest) {
  const token = await getToken({ req: request, secret: process.env.NEXTAUTH_SECRET });
  if (token) return NextResponse.next();
  const url = request.nextUrl.clone();
  const callbackUrl = request.nextUrl.pathname + request.nextUrl.search;
  url.pathname = "/sign-in";
  url.search = `?callbackUrl=${encodeURIComponent(callbackUrl)}`;
  return NextResponse.redirect(url);
}

export const config = { matcher: ["/o/:path*", "/orgs/:path*", "/mailbox/:path*", "/mailbox"] };
