"use client";

import * as RadixDialog from "@radix-ui/react-dialog";
import { Command } from "cmdk";
import { useQuery } from "@tanstack/react-query";
import { KeyRound, LogOut, Monitor, Moon, Plus, Search, Sun, UserRound } from "lucide-react";
import { signOut } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useEffect, useState, type ReactNode } from "react";
import { storeThemeChoice } from "@/components/theme/theme";
import type { ConsoleTokenPage } from "@/lib/tokens/console";
import { safeSearch } from "@/lib/tokens/hygiene";
import { KINDS, type KindSlug } from "@/lib/tokens/kinds";
import { NAV_ICONS, type NavItem } from "./nav";

const ITEM =
  "flex cursor-pointer items-center gap-3 rounded-md px-3 py-2 text-sm text-zinc-800 aria-selected:bg-zinc-100 aria-selected:text-zinc-950 data-[disabled=true]:opacity-50";

/**
 * ⌘K / Ctrl+K: jump to a page or a token, create a token, switch the theme, sign out.
 * Built on cmdk (filtering, keyboard navigation, listbox semantics) inside a
 * Radix dialog (focus trap, Escape, focus returned to where it was).
 */
export function CommandPalette({ orgSlug, items, canCreateOrgTokens }: { orgSlug: string; items: NavItem[]; canCreateOrgTokens: boolean }) {
  const [open, setOpen] = useState(false);
  const [search, setSearch] = useState("");
  const router = useRouter();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key.toLowerCase() === "k" && (e.metaKey || e.ctrlKey)) {
        e.preventDefault();
        setOpen((v) => !v);
      }
    };
    const onOpen = () => setOpen(true);
    window.addEventListener("keydown", onKey);
    window.addEventListener("keysmith:command-palette", onOpen);
    return () => {
      window.removeEventListener("keydown", onKey);
      window.removeEventListener("keysmith:command-palette", onOpen);
    };
  }, []);
  const run = (action: () => void) => {
    setOpen(false);
    setSearch("");
    action();
  };
  const go = (path: string) => run(() => router.push(`/o/${orgSlug}${path}`));
  return (
    <RadixDialog.Root
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) setSearch("");
      }}
    >
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="fixed inset-0 z-40 bg-black/50" />
        <RadixDialog.Content
          aria-describedby={undefined}
          className="fixed left-1/2 top-[12vh] z-50 w-[calc(100vw-2rem)] max-w-xl -translate-x-1/2 overflow-hidden rounded-xl border border-zinc-200 bg-white shadow-2xl focus:outline-none"
        >
          <RadixDialog.Title className="sr-only">Command menu</RadixDialog.Title>
          <Command label="Command menu" loop>
            <div className="flex items-center gap-2 border-b border-zinc-200 px-3">
              <Search aria-hidden className="size-4 text-zinc-500" />
              <Command.Input
                autoFocus
                value={search}
                onValueChange={setSearch}
                placeholder="Go to a page or a token, create a token…"
                className="h-12 w-full bg-transparent text-sm text-zinc-900 outline-none placeholder:text-zinc-500"
              />
            </div>
            <Command.List className="max-h-[min(60vh,24rem)] overflow-y-auto p-2">
              <Command.Empty className="px-3 py-6 text-center text-sm text-zinc-600">Nothing matches.</Command.Empty>
              <TokenResults orgSlug={orgSlug} search={search} kinds={canCreateOrgTokens ? ["workspace", "gateway", "organization"] : ["workspace", "gateway"]} onOpen={(path) => run(() => router.push(path))} />
              <Group heading="Go to">
                {items.map((item) => {
                  const Icon = NAV_ICONS[item.path];
                  return (
                    <Command.Item key={item.path} value={`go ${item.label}`} onSelect={() => go(item.path)} className={ITEM}>
                      {Icon && <Icon aria-hidden className="size-4 text-zinc-500" />}
                      {item.label}
                    </Command.Item>
                  );
                })}
                <Command.Item value="go account profile password" onSelect={() => go("/account")} className={ITEM}>
                  <UserRound aria-hidden className="size-4 text-zinc-500" />
                  Your account
                </Command.Item>
              </Group>
              <Group heading="Create">
                <Command.Item value="create workspace token" onSelect={() => go("/tokens/workspace?new=1")} className={ITEM}>
                  <Plus aria-hidden className="size-4 text-zinc-500" />
                  Create a workspace token
                </Command.Item>
                {canCreateOrgTokens && (
                  <Command.Item value="create organization token" onSelect={() => go("/tokens/organization?new=1")} className={ITEM}>
                    <Plus aria-hidden className="size-4 text-zinc-500" />
                    Create an organization token
                  </Command.Item>
                )}
              </Group>
              <Group heading="Theme">
                <Command.Item value="theme light" onSelect={() => run(() => storeThemeChoice("light"))} className={ITEM}>
                  <Sun aria-hidden className="size-4 text-zinc-500" />
                  Light theme
                </Command.Item>
                <Command.Item value="theme dark" onSelect={() => run(() => storeThemeChoice("dark"))} className={ITEM}>
                  <Moon aria-hidden className="size-4 text-zinc-500" />
                  Dark theme
                </Command.Item>
                <Command.Item value="theme system" onSelect={() => run(() => storeThemeChoice("system"))} className={ITEM}>
                  <Monitor aria-hidden className="size-4 text-zinc-500" />
                  Theme from the system
                </Command.Item>
              </Group>
              <Group heading="Session">
                <Command.Item value="sign out log out" onSelect={() => run(() => void signOut({ callbackUrl: "/sign-in" }))} className={ITEM}>
                  <LogOut aria-hidden className="size-4 text-zinc-500" />
                  Sign out
                </Command.Item>
              </Group>
            </Command.List>
          </Command>
          <p className="border-t border-zinc-200 px-4 py-2 text-xs text-zinc-600">
            <Kbd>↑</Kbd> <Kbd>↓</Kbd> to move, <Kbd>Enter</Kbd> to choose, <Kbd>Esc</Kbd> to close
          </p>
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}

const RESULTS_PER_KIND = 5;

/**
 * The tokens whose name, description or prefix match what is typed (2+ characters,
 * after a pause), from the lists the member may see. A pasted whole token is
 * searched by its masked form, as in the lists: the secret never leaves the browser.
 */
function TokenResults({ orgSlug, search, kinds, onOpen }: { orgSlug: string; search: string; kinds: KindSlug[]; onOpen: (path: string) => void }) {
  const q = safeSearch(search);
  const [settled, setSettled] = useState(q);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(q), 200);
    return () => clearTimeout(timer);
  }, [q]);
  const enabled = settled.length >= 2;
  const { data, isError } = useQuery({
    queryKey: ["palette-tokens", orgSlug, kinds.join(), settled],
    enabled,
    staleTime: 10_000,
    queryFn: async ({ signal }) => {
      const pages = await Promise.all(
        kinds.map(async (kind) => {
          const res = await fetch(`/api/console/${orgSlug}/tokens?${new URLSearchParams({ kind, q: settled })}`, { signal, cache: "no-store" });
          if (!res.ok) throw new Error(`Token search failed (${res.status}).`);
          return ((await res.json()) as ConsoleTokenPage).items.slice(0, RESULTS_PER_KIND);
        }),
      );
      return pages.flat();
    },
  });
  if (!enabled || q.length < 2) return null;
  if (isError) return <p className="px-3 py-2 text-sm text-red-700">Could not search tokens. Try again in a moment.</p>;
  if (!data) return <Command.Loading className="px-3 py-2 text-sm text-zinc-600">Searching tokens…</Command.Loading>;
  return (
    <Group heading="Tokens">
      {data.map((t) => (
        <Command.Item
          key={t.id}
          value={`token ${t.id}`}
          // Found by the server's search: it matches whatever was typed.
          keywords={[search]}
          onSelect={() => onOpen(`/o/${orgSlug}/${KINDS[t.kind].path(t.gateway?.slug)}?token=${t.id}`)}
          className={ITEM}
        >
          <KeyRound aria-hidden className="size-4 shrink-0 text-zinc-500" />
          <span className="min-w-0 flex-1 truncate">{t.name}</span>
          <span className="hidden font-mono text-xs text-zinc-600 sm:inline">{t.masked}</span>
          <span className="shrink-0 text-xs text-zinc-500">{KINDS[t.kind].label}</span>
        </Command.Item>
      ))}
    </Group>
  );
}

function Group({ heading, children }: { heading: string; children: ReactNode }) {
  return (
    <Command.Group
      heading={heading}
      className="[&_[cmdk-group-heading]]:px-3 [&_[cmdk-group-heading]]:pb-1 [&_[cmdk-group-heading]]:pt-2 [&_[cmdk-group-heading]]:text-xs [&_[cmdk-group-heading]]:font-medium [&_[cmdk-group-heading]]:text-zinc-600"
    >
      {children}
    </Command.Group>
  );
}

export function Kbd({ children }: { children: ReactNode }) {
  return <kbd className="rounded border border-zinc-300 bg-zinc-50 px-1 font-sans text-[11px] text-zinc-700">{children}</kbd>;
}

/** Opens the palette from a button (phones have no ⌘K). */
export function openCommandPalette(): void {
  window.dispatchEvent(new Event("keysmith:command-palette"));
}
