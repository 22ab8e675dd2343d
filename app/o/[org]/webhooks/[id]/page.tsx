import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/ui/card";
import { EndpointConsole } from "@/components/webhooks/endpoint-console";
import { orgPage } from "@/lib/auth/session";
import { endpointView, listDeliveries } from "@/lib/webhooks/service";

export const metadata: Metadata = { title: "Webhook endpoint" };

export default async function WebhookEndpointPage({
  params,
  searchParams,
}: {
  params: Promise<{ org: string; id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { org, id } = await params;
  const ctx = await orgPage(org, "org:manage");
  const endpoint = await endpointView(ctx.db, ctx.org.id, id);
  if (!endpoint) notFound();
  const sp = await searchParams;
  const page = Math.max(1, Number.parseInt(typeof sp.page === "string" ? sp.page : "1", 10) || 1);
  const deliveries = await listDeliveries(ctx.db, ctx.org.id, id, page);
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href={`/o/${ctx.org.slug}/webhooks`} className="text-brand-700 hover:underline">
          Webhooks
        </Link>
      </nav>
      <PageHeader title={endpoint.description || "Webhook endpoint"} description="Its deliveries are listed below as they happen, with each attempt's answer." />
      <EndpointConsole key={page} orgSlug={ctx.org.slug} initial={{ endpoint, deliveries }} page={deliveries.page} />
    </>
  );
}
