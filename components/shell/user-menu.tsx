"use client";

import { signOut } from "next-auth/react";

export function UserMenu({ name, email }: { name: string; email: string }) {
  const initials = name
    .split(/\s+/)
    .map((p) => p[0])
    .join("")
    .slice(0, 2)
    .toUpperCase();
  return (
    <div className="space-y-3">
      <div className="flex items-center gap-3">
        <span aria-hidden="true" className="flex h-8 w-8 shrink-0 items-center justify-center rounded-full bg-brand-600 text-xs font-semibold text-white">
          {initials || "?"}
        </span>
        <div className="min-w-0 flex-1">
          <p className="truncate text-sm font-medium text-white" data-testid="signed-in-user">
            {name}
          </p>
          <p className="truncate text-xs text-zinc-400">{email}</p>
        </div>
      </div>
      <button
        type="button"
        onClick={() => void signOut({ callbackUrl: "/sign-in" })}
        className="w-full rounded-md border border-zinc-700 px-3 py-1.5 text-sm font-medium text-zinc-300 hover:bg-zinc-800 hover:text-white"
      >
        Sign out
      </button>
    </div>
  );
}
