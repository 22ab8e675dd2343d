"use client";

import { Logo } from "@/components/logo";
import { PageProblem } from "@/components/feedback/page-problem";

/** Anything outside an organization's pages (sign-in, invitations, the org list) that failed. */
export default function RootError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="px-4 py-12">
      <div className="flex justify-center">
        <Logo />
      </div>
      <PageProblem reset={reset} digest={error.digest} homeHref="/" />
    </main>
  );
}
