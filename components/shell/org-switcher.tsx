"use client";

import * as Menu from "@radix-ui/react-dropdown-menu";
import { ChevronsUpDown, Plus } from "lucide-react";
import Link from "next/link";
import { ROLE_LABELS } from "@/lib/authz";
import type { Role } from "@/lib/generated/prisma/enums";

export interface OrgChoice {
  slug: string;
  name: string;
  role: Role;
}

export function OrgSwitcher({ current, orgs }: { current: OrgChoice; orgs: OrgChoice[] }) {
  return (
    // Not modal: a modal menu hides the page from screen readers while its links stay focusable (axe: aria-hidden-focus).
    <Menu.Root modal={false}>
      <Menu.Trigger
        className="flex w-full items-center justify-between gap-2 rounded-md border border-zinc-700 bg-zinc-800/60 px-3 py-2 text-left text-sm text-white hover:bg-zinc-800"
      >
        <span className="min-w-0">
          <span className="block truncate font-medium">{current.name}</span>
          <span className="block truncate text-xs text-zinc-400">
            {current.slug} · {ROLE_LABELS[current.role]}
          </span>
          <span className="sr-only">, switch organization</span>
        </span>
        <ChevronsUpDown aria-hidden className="size-4 shrink-0 text-zinc-400" />
      </Menu.Trigger>
      <Menu.Portal>
        <Menu.Content
          align="start"
          sideOffset={6}
          className="z-50 min-w-[15rem] rounded-lg border border-zinc-200 bg-white p-1 shadow-lg"
        >
          <Menu.Label className="px-2 py-1.5 text-xs font-medium text-zinc-500">Your organizations</Menu.Label>
          {orgs.map((org) => (
            <Menu.Item key={org.slug} asChild>
              <Link
                href={`/o/${org.slug}`}
                className="flex items-center justify-between gap-3 rounded-md px-2 py-1.5 text-sm text-zinc-800 outline-none data-[highlighted]:bg-zinc-100"
              >
                <span className="truncate">{org.name}</span>
                {org.slug === current.slug ? (
                  <span className="text-xs text-brand-700">Current</span>
                ) : (
                  <span className="text-xs text-zinc-400">{ROLE_LABELS[org.role]}</span>
                )}
              </Link>
            </Menu.Item>
          ))}
          <Menu.Separator className="my-1 h-px bg-zinc-200" />
          <Menu.Item asChild>
            <Link href="/orgs/new" className="flex items-center gap-2 rounded-md px-2 py-1.5 text-sm text-zinc-800 outline-none data-[highlighted]:bg-zinc-100">
              <Plus aria-hidden className="size-4 text-zinc-500" />
              Create organization
            </Link>
          </Menu.Item>
        </Menu.Content>
      </Menu.Portal>
    </Menu.Root>
  );
}
