import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { decoyHash, verifyPassword } from "./password";
import { endSession, SESSION_MAX_AGE_S, startSession } from "./sessions";
import { clearFailures, recordFailure, retryAfterSeconds, throttleKeys } from "./throttle";
import { clientIpFromHeaders, userAgentFromHeaders } from "@/lib/request-info";
import { plural } from "@/lib/text";

export const INVALID_CREDENTIALS = "Invalid e-mail or password.";

const credentials = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  password: z.string().min(1).max(1024),
});

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
  pages: { signIn: "/sign-in" },
  providers: [
    CredentialsProvider({
      name: "E-mail and password",
      credentials: { email: { label: "E-mail", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(raw, req) {
        // Nothing to check (an empty form): no attempt is counted.
        const parsed = credentials.safeParse(raw);
        if (!parsed.success) throw new Error(INVALID_CREDENTIALS);
        const { email, password } = parsed.data;
        const prisma = await getDb();
        const headers = req?.headers ?? {};
        const ip = clientIpFromHeaders(headers);
        const keys = throttleKeys(email, ip);
        const wait = await retryAfterSeconds(prisma, keys);
        if (wait > 0) throw new Error(`Too many failed attempts. Try again in ${plural(wait, "second")}.`);

        const user = await prisma.user.findUnique({ where: { email } });
        const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
        if (!user || !ok) {
          await recordFailure(prisma, keys);
          throw new Error(INVALID_CREDENTIALS);
        }
        await clearFailures(prisma, keys);
        const sid = await startSession(prisma, user.id, { ip, userAgent: userAgentFromHeaders(headers) });
        return { id: user.id, email: user.email, name: user.name, sid };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.sub = user.id;
        token.sid = user.sid;
      }
      return token;
    },
    session({ session, token }) {
      if (session.user && token.sub) session.user.id = token.sub;
      session.sid = token.sid;
      return session;
    },
  },
  events: {
    // Sign-out ends the session on the server: a copy of the cookie signs nobody in afterwards.
    async signOut({ token }) {
      if (token?.sid) await endSession(await getDb(), token.sid);
    },
  },
};
