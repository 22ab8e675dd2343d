import type { Metadata } from "next";
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import { Badge, Card, EmptyState, PageHeader } from "@/components/ui/card";
import { Cell, Row, Table } from "@/components/ui/table";
import { AUDIT_ACTIONS, listAuditEvents } from "@/lib/audit/log";
import { orgPage } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Audit log" };

function str(v: string | string[] | undefined): string {
  return typeof v === "string" ? v.trim().slice(0, 200) : "";
}

function describe(metadata: unknown): string {
  if (!metadata || typeof metadata !== "object") return "";
  return Object.entries(metadata as Record<string, unknown>)
    .filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(", ") : String(v)}`)
    .join(" · ");
}

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
  const action = AUDIT_ACTIONS.find((a) => a === str(sp.action));
  const actor = str(sp.actor);
  const page = Math.max(1, Number.parseInt(str(sp.page) || "1", 10) || 1);
  const result = await listAuditEvents(ctx.db, ctx.org.id, { action, actor: actor || undefined, page });
  const base = `/o/${ctx.org.slug}/audit`;
  const pageHref = (p: number) => {
    const q = new URLSearchParams();
    if (action) q.set("action", action);
    if (actor) q.set("actor", actor);
    if (p > 1) q.set("page", String(p));
    const s = q.toString();
    return s ? `${base}?${s}` : base;
  };
  return (
    <>
      <PageHeader title="Audit log" description="Every change to tokens, gateways, projects and members: who, when, and from where." />
      <form method="get" className="mb-4 flex flex-col gap-3 sm:flex-row sm:items-end">
        <div>
          <label htmlFor="audit-action" className="block text-xs font-medium text-zinc-600">Action</label>
          <select id="audit-action" name="action" defaultValue={action ?? ""} className="mt-1 rounded-md border border-zinc-300 bg-white px-2.5 py-1.5 text-sm">
            <option value="">All actions</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>{a}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="audit-actor" className="block text-xs font-medium text-zinc-600">Actor</label>
          <input id="audit-actor" name="actor" defaultValue={actor} placeholder="e-mail or token name" className="mt-1 rounded-md border border-zinc-300 bg-white px-2.5 py-1.5 text-sm" />
        </div>
        <button type="submit" className={buttonClasses("secondary", "sm")}>Filter</button>
        {(action || actor) && (
          <Link href={base} className="pb-1.5 text-sm text-brand-700 hover:underline">Clear</Link>
        )}
        <p className="pb-1.5 text-sm text-zinc-500 sm:ml-auto">{result.total.toLocaleString("en-US")} entries</p>
      </form>
      {result.items.length === 0 ? (
        <EmptyState title="No entries match" />
      ) : (
        <Card className="overflow-hidden">
          <Table className="lg:min-w-[56rem]" columns={[{ label: "Time (UTC)" }, { label: "Actor" }, { label: "Action" }, { label: "Target" }, { label: "From" }]}>
            {result.items.map((e) => (
              <Row key={e.id}>
                <Cell label="Time (UTC)" className="whitespace-nowrap font-mono text-xs text-zinc-600">
                  {e.createdAt.toISOString().replace("T", " ").slice(0, 19)}
                </Cell>
                <Cell label="Actor">
                  <span>
                    <span className="text-zinc-900">{e.actorLabel}</span>
                    {e.actorType === "token" && <span className="ml-1"><Badge>API token</Badge></span>}
                    {e.actorType === "system" && <span className="ml-1"><Badge>Keysmith</Badge></span>}
                  </span>
                </Cell>
                <Cell label="Action" className="font-mono text-xs text-zinc-800">{e.action}</Cell>
                <Cell label="Target">
                  <span>
                    <span className="text-zinc-900">{e.targetLabel ?? e.targetId ?? "—"}</span>
                    {describe(e.metadata) && <span className="mt-0.5 block max-w-md text-xs text-zinc-500">{describe(e.metadata)}</span>}
                  </span>
                </Cell>
                <Cell label="From" className="text-xs text-zinc-600">
                  <span className="min-w-0">
                    <span className="font-mono">{e.ip ?? "—"}</span>
                    {e.userAgent && <span className="mt-0.5 block max-w-[14rem] truncate" title={e.userAgent}>{e.userAgent}</span>}
                  </span>
                </Cell>
              </Row>
            ))}
          </Table>
        </Card>
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
