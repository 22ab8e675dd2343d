import type { Metadata } from "next";
import Link from "next/link";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { Cell, Row, Table } from "@/components/ui/table";
import { RelativeTime } from "@/components/tokens/token-bits";
import { AddEndpointButton } from "@/components/webhooks/endpoint-form";
import { EndpointStatus } from "@/components/webhooks/endpoint-console";
import { orgPage } from "@/lib/auth/session";
import { listEndpoints } from "@/lib/webhooks/service";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhooksPage({ params }: { params: Promise<{ org: string }> }) {
  const ctx = await orgPage((await params).org, "org:manage");
  const endpoints = await listEndpoints(ctx.db, ctx.org.id);
  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Send token and member events to your own systems as they happen. Each delivery is signed (Standard Webhooks) and retried until it is accepted."
        actions={<AddEndpointButton orgSlug={ctx.org.slug} />}
      />
      {endpoints.length === 0 ? (
        <EmptyState title="No endpoints yet">Add one to receive events such as token.created, token.revoked or token.leaked.</EmptyState>
      ) : (
        <Card className="overflow-hidden">
          <Table columns={[{ label: "Endpoint" }, { label: "Events" }, { label: "Status" }, { label: "Last delivery" }]}>
            {endpoints.map((e) => (
              <Row key={e.id}>
                <Cell label="Endpoint" primary>
                  <div className="min-w-0">
                    <Link href={`/o/${ctx.org.slug}/webhooks/${e.id}`} className="break-all font-mono text-sm font-medium text-brand-700 hover:underline">
                      {e.url}
                    </Link>
                    {e.description && <p className="text-xs text-zinc-500">{e.description}</p>}
                  </div>
                </Cell>
                <Cell label="Events" className="text-xs text-zinc-600">
                  {e.events.length === 0 ? "All events" : e.events.length === 1 ? e.events[0] : `${e.events.length} event types`}
                </Cell>
                <Cell label="Status">
                  <EndpointStatus endpoint={e} />
                </Cell>
                <Cell label="Last delivery" className="text-xs text-zinc-600">
                  {e.lastDelivery ? (
                    <span>
                      <RelativeTime iso={e.lastDelivery.createdAt} />
                      {e.lastDelivery.lastStatus !== null && <span className="ml-1 font-mono">({e.lastDelivery.lastStatus})</span>}
                    </span>
                  ) : (
                    "None yet"
                  )}
                </Cell>
              </Row>
            ))}
          </Table>
        </Card>
      )}
    </>
  );
}
