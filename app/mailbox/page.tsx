import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Logo } from "@/components/logo";
import { Badge, Card, EmptyState } from "@/components/ui/card";
import { userPage } from "@/lib/auth/session";
import { mailProvider } from "@/lib/email/delivery";
import { mailboxOf } from "@/lib/email/mailbox";
import { Inbox } from "lucide-react";

export const metadata: Metadata = { title: "Dev mailbox" };
export const dynamic = "force-dynamic";

/**
 * The local dev mailbox: with no mail provider configured, the e-mail the
 * console would have sent lands here. Each person sees the mail addressed to them.
 */
export default async function MailboxPage() {
  if (mailProvider() !== "mailbox") notFound();
  const { user, db } = await userPage("/mailbox");
  const mails = await mailboxOf(db, user.email);
  return (
    <main className="mx-auto max-w-3xl px-4 py-10">
      <div className="mb-8 flex items-center justify-between">
        <Link href="/" aria-label="Keysmith home">
          <Logo />
        </Link>
        <Link href="/" className="text-sm font-medium text-brand-700 hover:underline">
          Back to the console
        </Link>
      </div>
      <h1 className="text-2xl font-semibold text-zinc-900">Dev mailbox</h1>
      <p className="mt-1 text-sm text-zinc-600">
        No mail provider is configured (set <code className="font-mono text-xs">RESEND_API_KEY</code> to send real mail), so
        e-mail to <strong>{user.email}</strong> is kept here.
      </p>
      <div className="mt-6">
        {mails.length === 0 ? (
          <EmptyState icon={Inbox} title="No mail yet">Invitations, and the notices admins receive whenever a token is created or regenerated, arrive here.</EmptyState>
        ) : (
          <Card>
            <ul className="divide-y divide-zinc-100">
              {mails.map((m) => (
                <li key={m.id}>
                  <Link href={`/mailbox/${m.id}`} className="flex items-center justify-between gap-4 px-5 py-3 hover:bg-zinc-50">
                    <span className="min-w-0">
                      <span className="block truncate text-sm font-medium text-zinc-900">{m.subject}</span>
                      <span className="text-xs text-zinc-500">{m.createdAt.toISOString().replace("T", " ").slice(0, 19)} UTC</span>
                    </span>
                    {m.status === "PENDING" && <Badge tone="amber">Queued</Badge>}
                  </Link>
                </li>
              ))}
            </ul>
          </Card>
        )}
      </div>
    </main>
  );
}
