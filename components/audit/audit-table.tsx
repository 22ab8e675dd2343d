import Link from "next/link";
import { Badge, Card } from "@/components/ui/card";
import { Cell, Row, Table } from "@/components/ui/table";
import { describeAudit, describeUserAgent, formatUtc, type AuditNames } from "@/lib/audit/describe";
import type { TokenKind } from "@/lib/generated/prisma/enums";
import { KINDS } from "@/lib/tokens/kinds";

interface Entry {
  id: string;
  createdAt: Date;
  actorType: string;
  actorLabel: string;
  action: string;
  targetType: string;
  targetId: string | null;
  targetLabel: string | null;
  metadata: unknown;
  ip: string | null;
  userAgent: string | null;
}

/** "token.rules_updated" → "Token rules updated": readable for actions added later too. */
export function actionLabel(action: string): string {
  const words = action.replace(/[._]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Where the target lives in the console, when it has a page of its own. */
function targetHref(orgSlug: string, e: Entry): string | null {
  const m = (e.metadata ?? {}) as Record<string, unknown>;
  const base = `/o/${orgSlug}`;
  if (e.targetType === "token" && e.targetId && typeof m.kind === "string" && m.kind in KINDS && m.kind !== "GATEWAY") {
    return `${base}/${KINDS[m.kind as TokenKind].path()}?token=${encodeURIComponent(e.targetId)}`;
  }
  if (e.targetType === "gateway" && typeof m.slug === "string" && e.action !== "gateway.deleted") return `${base}/gateways/${m.slug}`;
  if (e.targetType === "project") return `${base}/projects`;
  if (e.targetType === "member" || e.targetType === "invitation") return `${base}/members`;
  return null;
}

export function AuditTable({ orgSlug, items, names }: { orgSlug: string; items: Entry[]; names: AuditNames }) {
  return (
    <Card className="overflow-hidden">
      <Table className="lg:min-w-[60rem]" columns={[{ label: "Time (UTC)" }, { label: "Actor" }, { label: "Action" }, { label: "Target" }, { label: "From" }]}>
        {items.map((e) => {
          const details = describeAudit(e.metadata, names);
          const href = targetHref(orgSlug, e);
          const target = e.targetLabel ?? "—";
          return (
            <Row key={e.id}>
              <Cell label="Time (UTC)" className="whitespace-nowrap text-xs text-zinc-600">
                <time dateTime={e.createdAt.toISOString()}>{formatUtc(e.createdAt).replace(" UTC", "")}</time>
              </Cell>
              <Cell label="Actor">
                <span className="break-words">
                  <span className="text-zinc-900">{e.actorLabel}</span>
                  {e.actorType === "token" && (
                    <span className="ml-1">
                      <Badge>API token</Badge>
                    </span>
                  )}
                  {e.actorType === "system" && (
                    <span className="ml-1">
                      <Badge>Keysmith</Badge>
                    </span>
                  )}
                </span>
              </Cell>
              <Cell label="Action">
                <span className="font-medium text-zinc-900">{actionLabel(e.action)}</span>
              </Cell>
              <Cell label="Target">
                <span className="min-w-0">
                  {href ? (
                    <Link href={href} className="break-words text-brand-700 hover:underline">
                      {target}
                    </Link>
                  ) : (
                    <span className="break-words text-zinc-900">{target}</span>
                  )}
                  {details.length > 0 && (
                    <dl className="mt-1 grid max-w-md grid-cols-[auto_1fr] gap-x-2 gap-y-0.5 text-xs">
                      {details.map((d) => (
                        <div key={d.label} className="contents">
                          <dt className="text-zinc-500">{d.label}</dt>
                          <dd className={d.mono ? "break-all font-mono text-zinc-700" : "break-words text-zinc-700"}>{d.value}</dd>
                        </div>
                      ))}
                    </dl>
                  )}
                </span>
              </Cell>
              <Cell label="From" className="text-xs text-zinc-600">
                <span className="min-w-0">
                  <span className="font-mono">{e.ip ?? "—"}</span>
                  {e.userAgent && (
                    <span className="mt-0.5 block" title={e.userAgent}>
                      {describeUserAgent(e.userAgent)}
                    </span>
                  )}
                </span>
              </Cell>
            </Row>
          );
        })}
      </Table>
    </Card>
  );
}
