"use client";

import Link from "next/link";
import { useState, type ReactNode } from "react";
import { Logo } from "@/components/logo";
import type { NavItem } from "./nav";
import { OrgSwitcher, type OrgChoice } from "./org-switcher";
import { SidebarNav } from "./sidebar-nav";
import { UserMenu } from "./user-menu";

/** Sidebar on wide screens; a top bar with a toggled menu on narrow ones. */
export function AppShell({
  current,
  orgs,
  items,
  user,
  mailbox,
  children,
}: {
  current: OrgChoice;
  orgs: OrgChoice[];
  items: NavItem[];
  user: { name: string; email: string };
  /** Show the link to the local dev mailbox (no mail provider configured). */
  mailbox: boolean;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const sidebar = (
    <div className="flex h-full flex-col gap-6 bg-zinc-900 px-4 py-5">
      <div className="px-1">
        <Logo inverted />
      </div>
      <OrgSwitcher current={current} orgs={orgs} />
      <div className="flex-1 overflow-y-auto">
        <SidebarNav orgSlug={current.slug} items={items} onNavigate={() => setOpen(false)} />
      </div>
      <div className="border-t border-zinc-800 pt-4">
        {mailbox && (
          <Link href="/mailbox" className="mb-3 block rounded-md px-3 py-1.5 text-sm text-zinc-300 hover:bg-zinc-800 hover:text-white">
            Dev mailbox
          </Link>
        )}
        <UserMenu name={user.name} email={user.email} accountHref={`/o/${current.slug}/account`} />
      </div>
    </div>
  );
  return (
    <div className="min-h-screen lg:pl-64">
      <aside className="fixed inset-y-0 left-0 z-30 hidden w-64 lg:block">{sidebar}</aside>
      <header className="sticky top-0 z-20 flex items-center justify-between border-b border-zinc-200 bg-white px-4 py-3 lg:hidden">
        <Logo />
        <button
          type="button"
          aria-expanded={open}
          aria-controls="mobile-nav"
          onClick={() => setOpen((v) => !v)}
          className="rounded-md border border-zinc-300 px-3 py-1.5 text-sm font-medium text-zinc-700"
        >
          {open ? "Close menu" : "Menu"}
        </button>
      </header>
      {open && (
        <div id="mobile-nav" className="fixed inset-0 top-[57px] z-30 lg:hidden">
          {sidebar}
        </div>
      )}
      <main className="mx-auto max-w-6xl px-4 py-8 sm:px-6 lg:px-10">{children}</main>
    </div>
  );
}
