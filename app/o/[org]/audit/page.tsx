import { Download, ScrollText } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { actionLabel, AuditTable } from "@/components/audit/audit-table";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { AUDIT_ACTIONS, listAuditEvents, type AuditFilters } from "@/lib/audit/log";
import { orgPage } from "@/lib/auth/session";
import { plural } from "@/lib/text";

export const metadata: Metadata = { title: "Audit log" };

function str(v: string | string[] | undefined): string {
  return typeof v === "string" ? v.trim().slice(0, 200) : "";
}

const day = (v: string) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined);

/** Read-only: entries cannot be edited or deleted from the console. */
export default async function AuditPage({
  params,
  searchParams,
}: {
  params: Promise<{ org: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await orgPage((await params).org, "audit:read");
  const sp = await searchParams;
  const filters: AuditFilters = {
    action: AUDIT_ACTIONS.find((a) => a === str(sp.action)),
    actor: str(sp.actor) || undefined,
    from: day(str(sp.from)),
    to: day(str(sp.to)),
  };
  const page = Math.max(1, Number.parseInt(str(sp.page) || "1", 10) || 1);
  const result = await listAuditEvents(ctx.db, ctx.org.id, { ...filters, page });
  const base = `/o/${ctx.org.slug}/audit`;
  const query = (extra: Record<string, string> = {}) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...filters, ...extra })) if (v) q.set(k, v);
    return q.toString();
  };
  const pageHref = (p: number) => {
    const q = query(p > 1 ? { page: String(p) } : {});
    return q ? `${base}?${q}` : base;
  };
  const exportHref = (format: "csv" | "json") => `/api/console/${ctx.org.slug}/audit/export?${query({ format })}`;
  const filtered = Boolean(filters.action || filters.actor || filters.from || filters.to);
  const input = "mt-1 w-full rounded-md border border-zinc-300 bg-white px-2.5 py-1.5 text-sm text-zinc-900 sm:w-auto";
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change to tokens, gateways, projects and members: who, when, and from where."
        actions={
          <>
            <a href={exportHref("csv")} className={buttonClasses("secondary", "sm")} download>
              <Download aria-hidden className="size-4" />
              Export CSV
            </a>
            <a href={exportHref("json")} className={buttonClasses("secondary", "sm")} download>
              <Download aria-hidden className="size-4" />
              Export JSON
            </a>
          </>
        }
      />
      <form method="get" className="mb-4 flex flex-col gap-3 sm:flex-row sm:flex-wrap sm:items-end">
        <div>
          <label htmlFor="audit-action" className="block text-xs font-medium text-zinc-600">Action</label>
          <select id="audit-action" name="action" defaultValue={filters.action ?? ""} className={input}>
            <option value="">All actions</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>{actionLabel(a)}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="audit-actor" className="block text-xs font-medium text-zinc-600">Actor</label>
          <input id="audit-actor" name="actor" defaultValue={filters.actor} placeholder="e-mail or token name" className={input} />
        </div>
        <div className="flex gap-3">
          <div className="flex-1">
            <label htmlFor="audit-from" className="block text-xs font-medium text-zinc-600">From (UTC)</label>
            <input id="audit-from" name="from" type="date" defaultValue={filters.from} className={input} />
          </div>
          <div className="flex-1">
            <label htmlFor="audit-to" className="block text-xs font-medium text-zinc-600">To (UTC)</label>
            <input id="audit-to" name="to" type="date" defaultValue={filters.to} className={input} />
          </div>
        </div>
        <div className="flex items-center gap-3">
          <button type="submit" className={buttonClasses("secondary", "sm")}>Filter</button>
          {filtered && <Link href={base} className="text-sm text-brand-700 hover:underline">Clear</Link>}
        </div>
        <p className="text-sm text-zinc-600 sm:ml-auto sm:pb-1.5">{plural(result.total, "entry", "entries")}</p>
      </form>
      {result.items.length === 0 ? (
        <EmptyState icon={ScrollText} title={filtered ? "No entries match" : "Nothing recorded yet"}>
          {filtered ? "Widen the dates or clear the filters." : "Changes to tokens, gateways, projects and members appear here as they happen."}
        </EmptyState>
      ) : (
        <AuditTable orgSlug={ctx.org.slug} items={result.items} names={result.names} />
      )}
      {result.pageCount > 1 && (
        <nav aria-label="Pagination" className="mt-4 flex items-center justify-between text-sm text-zinc-600">
          <span>Page {result.page} of {result.pageCount}</span>
          <div className="flex gap-2">
            {result.page > 1 && <Link className={buttonClasses("secondary", "sm")} href={pageHref(result.page - 1)}>Previous</Link>}
            {result.page < result.pageCount && <Link className={buttonClasses("secondary", "sm")} href={pageHref(result.page + 1)}>Next</Link>}
          </div>
        </nav>
      )}
    </>
  );
}
