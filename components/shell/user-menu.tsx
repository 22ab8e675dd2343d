"use client";

import Link from "next/link";
import { signOut } from "next-auth/react";
import { useSignOutEverywhere } from "@/components/account/use-sign-out-everywhere";

const MENU_BUTTON = "w-full rounded-md border border-zinc-700 px-3 py-1.5 text-sm font-medium text-zinc-300 hover:bg-zinc-800 hover:text-white disabled:opacity-60";

export function UserMenu({ name, email, accountHref }: { name: string; email: string; accountHref: string }) {
  const everywhere = useSignOutEverywhere();
  const initials = name
    .split(/\s+/)
    .map((p) => p[0])
    .join("")
    .slice(0, 2)
    .toUpperCase();
  return (
    <div className="space-y-3">
      <Link href={accountHref} className="flex items-center gap-3 rounded-md p-1 hover:bg-zinc-800" aria-label={`Your account: ${name}, ${email}`}>
        <span aria-hidden="true" className="flex h-8 w-8 shrink-0 items-center justify-center rounded-full bg-brand-600 text-xs font-semibold text-white">
          {initials || "?"}
        </span>
        <span className="min-w-0 flex-1">
          <span className="block truncate text-sm font-medium text-white" data-testid="signed-in-user">
            {name}
          </span>
          <span className="block truncate text-xs text-zinc-400">{email}</span>
        </span>
      </Link>
      <button type="button" onClick={() => void signOut({ callbackUrl: "/sign-in" })} className={MENU_BUTTON}>
        Sign out
      </button>
      <button
        type="button"
        disabled={everywhere.pending}
        onClick={everywhere.run}
        className="w-full text-center text-xs text-zinc-400 underline-offset-2 hover:text-white hover:underline disabled:opacity-60"
      >
        {everywhere.pending ? "Signing out everywhere…" : "Sign out everywhere"}
      </button>
      {everywhere.error && (
        <p role="alert" className="text-xs text-red-300">
          {everywhere.error}
        </p>
      )}
    </div>
  );
}
