"use client";

import { Inbox, Menu, Search, X } from "lucide-react";
import Link from "next/link";
import { Suspense, useState, useSyncExternalStore, type ReactNode } from "react";
import { Logo } from "@/components/logo";
import { ThemeToggle } from "@/components/theme/theme-toggle";
import { CommandPalette, openCommandPalette } from "./command-palette";
import { NavigationProgress } from "./navigation-progress";
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
  canCreateOrgTokens,
  children,
}: {
  current: OrgChoice;
  orgs: OrgChoice[];
  items: NavItem[];
  user: { name: string; email: string };
  /** Show the link to the local dev mailbox (no mail provider configured). */
  mailbox: boolean;
  /** Offer "Create an organization token" in the command palette. */
  canCreateOrgTokens: boolean;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const mac = useSyncExternalStore(noChange, () => /Mac|iPhone|iPad/.test(navigator.platform), () => false);
  const sidebar = (
    // Dark in both themes: `keep-palette` keeps its colours when the page flips (app/globals.css).
    <div className="keep-palette flex h-full flex-col gap-5 bg-zinc-900 px-4 py-5">
      <div className="px-1">
        <Logo inverted />
      </div>
      <OrgSwitcher current={current} orgs={orgs} />
      <button
        type="button"
        onClick={() => {
          setOpen(false);
          openCommandPalette();
        }}
        className="flex w-full items-center gap-2 rounded-md border border-zinc-700 px-3 py-1.5 text-left text-sm text-zinc-300 hover:bg-zinc-800 hover:text-white"
      >
        <Search aria-hidden className="size-4 text-zinc-400" />
        <span className="flex-1">Search</span>
        <span aria-hidden className="hidden text-xs text-zinc-400 lg:inline">
          {mac ? "⌘K" : "Ctrl K"}
        </span>
      </button>
      <div className="flex-1 overflow-y-auto">
        <SidebarNav orgSlug={current.slug} items={items} onNavigate={() => setOpen(false)} />
      </div>
      <div className="space-y-3 border-t border-zinc-800 pt-4">
        {mailbox && (
          <Link href="/mailbox" className="flex items-center gap-3 rounded-md px-3 py-1.5 text-sm text-zinc-300 hover:bg-zinc-800 hover:text-white">
            <Inbox aria-hidden className="size-4 text-zinc-400" />
            Dev mailbox
          </Link>
        )}
        <UserMenu name={user.name} email={user.email} accountHref={`/o/${current.slug}/account`} />
        <ThemeToggle />
      </div>
    </div>
  );
  return (
    <div className="min-h-screen lg:pl-64">
      <Suspense>
        <NavigationProgress />
      </Suspense>
      <a
        href="#main"
        className="sr-only z-50 rounded-md bg-white px-3 py-2 text-sm font-medium text-zinc-900 shadow focus:not-sr-only focus:fixed focus:left-3 focus:top-3"
      >
        Skip to content
      </a>
      <aside className="fixed inset-y-0 left-0 z-30 hidden w-64 lg:block">{sidebar}</aside>
      <header className="sticky top-0 z-20 flex items-center justify-between gap-2 border-b border-zinc-200 bg-white px-4 py-3 lg:hidden">
        <Logo />
        <div className="flex items-center gap-2">
          <button
            type="button"
            onClick={openCommandPalette}
            aria-label="Search and commands"
            className="rounded-md border border-zinc-300 p-2 text-zinc-700 hover:bg-zinc-100"
          >
            <Search aria-hidden className="size-4" />
          </button>
          <button
            type="button"
            aria-expanded={open}
            aria-controls="mobile-nav"
            onClick={() => setOpen((v) => !v)}
            className="inline-flex items-center gap-1.5 rounded-md border border-zinc-300 px-3 py-1.5 text-sm font-medium text-zinc-700 hover:bg-zinc-100"
          >
            {open ? <X aria-hidden className="size-4" /> : <Menu aria-hidden className="size-4" />}
            {open ? "Close menu" : "Menu"}
          </button>
        </div>
      </header>
      {open && (
        <div id="mobile-nav" className="fixed inset-0 top-[57px] z-30 overflow-y-auto lg:hidden">
          {sidebar}
        </div>
      )}
      <main id="main" tabIndex={-1} className="mx-auto max-w-6xl px-4 py-8 focus:outline-none sm:px-6 lg:px-10">
        {children}
      </main>
      <CommandPalette orgSlug={current.slug} items={items} canCreateOrgTokens={canCreateOrgTokens} />
    </div>
  );
}



const noChange = () => () => {};
