import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Card } from "@/components/ui/card";
import { userPage } from "@/lib/auth/session";
import { mailProvider } from "@/lib/email/delivery";
import { mailFor } from "@/lib/email/mailbox";

export const metadata: Metadata = { title: "Dev mailbox" };
export const dynamic = "force-dynamic";

export default async function MailPage({ params }: { params: Promise<{ id: string }> }) {
  if (mailProvider() !== "mailbox") notFound();
  const { id } = await params;
  const { user, db } = await userPage(`/mailbox/${id}`);
  const mail = await mailFor(db, user.email, id);
  if (!mail) notFound();
  return (
    <main className="mx-auto max-w-3xl px-4 py-10">
      <Link href="/mailbox" className="text-sm font-medium text-brand-700 hover:underline">
        ← Dev mailbox
      </Link>
      <h1 className="mt-4 text-xl font-semibold text-zinc-900">{mail.subject}</h1>
      <p className="mt-1 text-sm text-zinc-600">
        To {mail.to} · {mail.createdAt.toISOString().replace("T", " ").slice(0, 19)} UTC
      </p>
      <Card className="mt-6 overflow-hidden">
        {/* The e-mail's own HTML, isolated: no scripts, no access to the console's page. */}
        <iframe title="E-mail (HTML)" srcDoc={mail.html} sandbox="allow-popups allow-popups-to-escape-sandbox" className="h-[560px] w-full" />
      </Card>
      <details className="mt-4">
        <summary className="cursor-pointer text-sm font-medium text-zinc-700">Plain-text part</summary>
        <pre className="mt-2 whitespace-pre-wrap rounded-md bg-white p-4 font-mono text-xs text-zinc-800 ring-1 ring-zinc-200">{mail.text}</pre>
      </details>
    </main>
  );
}
