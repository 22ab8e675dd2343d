import { BookOpen, Building2, FolderKanban, KeyRound, LayoutDashboard, Network, ScrollText, Settings, Users, Webhook, type LucideIcon } from "lucide-react";
import type { Role } from "@/lib/generated/prisma/enums";
import { can } from "@/lib/authz";

export interface NavItem {
  label: string;
  /** Path under /o/{org}. */
  path: string;
}

/** The sidebar for a member with `role`: admin-only sections are not shown to others. */
export function navItems(role: Role): NavItem[] {
  const items: Array<NavItem & { show: boolean }> = [
    { label: "Overview", path: "", show: true },
    { label: "Workspace tokens", path: "/tokens/workspace", show: true },
    { label: "Gateways", path: "/gateways", show: true },
    { label: "Organization tokens", path: "/tokens/organization", show: can(role, "orgTokens:manage") },
    { label: "Projects", path: "/projects", show: true },
    { label: "Members", path: "/members", show: true },
    { label: "Audit log", path: "/audit", show: can(role, "audit:read") },
    { label: "Webhooks", path: "/webhooks", show: can(role, "org:manage") },
    { label: "Settings", path: "/settings", show: can(role, "org:manage") },
    { label: "API reference", path: "/api-reference", show: true },
  ];
  return items.filter((i) => i.show).map(({ label, path }) => ({ label, path }));
}

/** Each section's icon, by path (icons are components: the client picks them, the server sends paths). */
export const NAV_ICONS: Record<string, LucideIcon> = {
  "": LayoutDashboard,
  "/tokens/workspace": KeyRound,
  "/gateways": Network,
  "/tokens/organization": Building2,
  "/projects": FolderKanban,
  "/members": Users,
  "/audit": ScrollText,
  "/webhooks": Webhook,
  "/settings": Settings,
  "/api-reference": BookOpen,
};
