import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { describeAudit, type AuditNames } from "./describe";
import { exportAuditEvents, type AuditFilters } from "./log";
import { audit, type ChangeMeta } from "./record";
import { plural } from "@/lib/text";

export type AuditExportFormat = "csv" | "json";

type Entry = Awaited<ReturnType<typeof exportAuditEvents>>["items"][number];

const COLUMNS = ["time", "actor_type", "actor", "action", "target_type", "target", "details", "ip", "user_agent"] as const;

/** One row per entry; `details` reads as in the console ("Kind: Workspace token; Expires: Never"). */
function flat(e: Entry, names: AuditNames): Record<(typeof COLUMNS)[number], string> {
  return {
    time: e.createdAt.toISOString(),
    actor_type: e.actorType,
    actor: e.actorLabel,
    action: e.action,
    target_type: e.targetType,
    target: e.targetLabel ?? "",
    details: describeAudit(e.metadata, names)
      .map((d) => `${d.label}: ${d.value}`)
      .join("; "),
    ip: e.ip ?? "",
    user_agent: e.userAgent ?? "",
  };
}

/**
 * RFC 4180 quoting, and a leading quote for cells a spreadsheet would run as a
 * formula (=, +, -, @, tab, CR): an actor can choose a token name such as "=HYPERLINK(…)".
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The export itself, and its own audit entry (who took a copy of the log, with
 * which filters and how many entries): the copy leaves the console, the record stays.
 */
export async function auditExport(db: PrismaClient, meta: ChangeMeta, filters: AuditFilters, format: AuditExportFormat) {
  const { items, names, truncated } = await exportAuditEvents(db, meta.orgId, filters);
  await audit(db, {
    ...meta,
    action: "audit.exported",
    target: { type: "audit", label: `${plural(items.length, "entry", "entries")} as ${format.toUpperCase()}` },
    metadata: { format, entries: items.length, truncated, ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)) },
  });
  if (format === "json") {
    const body = items.map((e) => ({
      id: e.id,
      time: e.createdAt.toISOString(),
      actor: { type: e.actorType, label: e.actorLabel },
      action: e.action,
      target: { type: e.targetType, label: e.targetLabel },
      details: describeAudit(e.metadata, names).map(({ label, value }) => ({ label, value })),
      metadata: e.metadata,
      ip: e.ip,
      userAgent: e.userAgent,
    }));
    return { body: JSON.stringify({ entries: body, truncated }, null, 2), contentType: "application/json; charset=utf-8" };
  }
  const lines = [COLUMNS.join(","), ...items.map((e) => COLUMNS.map((c) => csvCell(flat(e, names)[c])).join(","))];
  return { body: `${lines.join("\r\n")}\r\n`, contentType: "text/csv; charset=utf-8" };
}
