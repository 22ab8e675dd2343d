import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { navItems } from "@/components/shell/nav";
import { mailProvider } from "@/lib/email/delivery";
import { orgPage, userOrgs } from "@/lib/auth/session";
import { can } from "@/lib/authz";

export const dynamic = "force-dynamic";

export default async function OrgLayout({ children, params }: { children: ReactNode; params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const ctx = await orgPage(slug);
  const orgs = (await userOrgs(ctx.user.id)).map((m) => ({ slug: m.org.slug, name: m.org.name, role: m.role }));
  return (
    <AppShell
      current={{ slug: ctx.org.slug, name: ctx.org.name, role: ctx.role }}
      orgs={orgs}
      items={navItems(ctx.role)}
      user={{ name: ctx.user.name, email: ctx.user.email }}
      mailbox={mailProvider() === "mailbox"}
      canCreateOrgTokens={can(ctx.role, "orgTokens:manage")}
    >
      {children}
    </AppShell>
  );
}
