"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/components/ui/cn";
import { NAV_ICONS, type NavItem } from "./nav";

export function SidebarNav({ orgSlug, items, onNavigate }: { orgSlug: string; items: NavItem[]; onNavigate?: () => void }) {
  const pathname = usePathname();
  const base = `/o/${orgSlug}`;
  return (
    <nav aria-label="Organization" className="space-y-0.5">
      {items.map((item) => {
        const href = base + item.path;
        const active = item.path === "" ? pathname === base : pathname === href || pathname.startsWith(`${href}/`);
        const Icon = NAV_ICONS[item.path];
        return (
          <Link
            key={item.path}
            href={href}
            onClick={onNavigate}
            aria-current={active ? "page" : undefined}
            className={cn(
              "flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium transition-colors",
              active ? "bg-zinc-800 text-white" : "text-zinc-300 hover:bg-zinc-800/60 hover:text-white",
            )}
          >
            {Icon && <Icon aria-hidden className={cn("size-4 shrink-0", active ? "text-white" : "text-zinc-400")} />}
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
