import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DeleteGatewayButton } from "@/components/gateways/delete-gateway";
import { GatewayFormButton } from "@/components/gateways/gateway-form";
import { GatewayScopeFields } from "@/components/tokens/gateway-scope-fields";
import { TokenManager } from "@/components/tokens/token-manager";
import { GatewayUsage } from "@/components/usage/gateway-usage";
import { Card, PageHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { can } from "@/lib/authz";
import { orgPage } from "@/lib/auth/session";
import { publicOrigin } from "@/lib/request-info";
import { gatewayBySlug, listGateways } from "@/lib/gateways/service";
import { consoleTokenPage, listParams } from "@/lib/tokens/console";
import { canCreateKind } from "@/lib/tokens/policy";
import { gatewayBudgets } from "@/lib/usage/console";
import { gatewaySnippets, TOKEN_VARIABLE } from "@/lib/snippets";
import { UPSTREAM_LABELS } from "@/lib/schemas/gateways";

export const metadata: Metadata = { title: "Developer Console" };

/** A gateway's Developer Console: how to call it, and its tokens. */
export default async function GatewayConsolePage({
  params,
  searchParams,
}: {
  params: Promise<{ org: string; gateway: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { org, gateway: slug } = await params;
  const ctx = await orgPage(org);
  const gateway = await gatewayBySlug(ctx.db, ctx.org.id, slug);
  if (!gateway) notFound();
  const query = listParams(await searchParams);
  const [initial, gateways, usage] = await Promise.all([
    consoleTokenPage(ctx.db, ctx, "GATEWAY", query, { gatewayId: gateway.id }),
    listGateways(ctx.db, ctx.org.id),
    gatewayBudgets(ctx.db, ctx, gateway.id),
  ]);
  const manage = can(ctx.role, "gateways:manage");
  const origin = publicOrigin();
  const model = gateway.models[0];
  const snippets = gatewaySnippets(origin, model, `$${TOKEN_VARIABLE}`);
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-zinc-500">
        <Link href={`/o/${ctx.org.slug}/gateways`} className="hover:text-zinc-800 hover:underline">
          Gateways
        </Link>{" "}
        / <span className="text-zinc-700">{gateway.name}</span>
      </nav>
      <PageHeader
        title={`${gateway.name} — Developer Console`}
        description="Create gateway tokens and call this gateway like Anthropic's API."
        actions={
          manage ? (
            <>
              <GatewayFormButton orgSlug={ctx.org.slug} gateway={gateway} />
              <DeleteGatewayButton orgSlug={ctx.org.slug} gateway={{ ...gateway, activeTokens: gateways.find((g) => g.id === gateway.id)?.activeTokens ?? 0 }} />
            </>
          ) : undefined
        }
      />
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-3 [&>*]:min-w-0">
        <Card className="p-5">
          <h2 className="text-sm font-semibold text-zinc-900">Gateway</h2>
          <dl className="mt-3 space-y-2 text-sm">
            <div>
              <dt className="text-zinc-500">Slug (x-gateway)</dt>
              <dd className="font-mono text-zinc-900">{gateway.slug}</dd>
            </div>
            <div>
              <dt className="text-zinc-500">Upstream</dt>
              <dd className="text-zinc-900">
                {gateway.upstreamType === "ECHO" ? UPSTREAM_LABELS.ECHO : gateway.upstreamBaseUrl}
                {gateway.upstreamType === "ANTHROPIC" && (
                  <span className="block text-xs text-zinc-500">API key: {gateway.hasUpstreamKey ? "•••• set" : "not set"}</span>
                )}
              </dd>
            </div>
            <div>
              <dt className="text-zinc-500">Models</dt>
              <dd className="font-mono text-xs text-zinc-900">{gateway.models.join(", ")}</dd>
            </div>
          </dl>
        </Card>
        <Card className="p-5 lg:col-span-2">
          <h2 className="text-sm font-semibold text-zinc-900">Quick start</h2>
          <p className="mt-1 text-xs text-zinc-600">
            Set <code className="font-mono">{TOKEN_VARIABLE}</code> to a token from below. The gateway speaks Anthropic&apos;s Messages
            API; its endpoints are in the{" "}
            <Link href={`/o/${ctx.org.slug}/api-reference#gateway-api`} className="text-brand-700 hover:underline">
              API reference
            </Link>
            .
          </p>
          {snippets.map((s) => (
            <CodeBlock key={s.label} label={s.label} code={s.code} />
          ))}
        </Card>
      </div>
      <GatewayUsage orgSlug={ctx.org.slug} gatewaySlug={gateway.slug} initial={usage} />
      <h2 className="mb-3 mt-8 text-lg font-semibold text-zinc-900">Gateway tokens</h2>
      <TokenManager
        orgSlug={ctx.org.slug}
        kind="gateway"
        gatewaySlug={gateway.slug}
        initial={initial}
        query={query}
        create={
          canCreateKind(ctx, "GATEWAY")
            ? {
                title: "Create gateway token",
                description: "For the gateway API (/api/gpt/v1/*). Send it as x-api-key or Authorization: Bearer.",
                scopeFields: <GatewayScopeFields gateways={gateways} defaultGatewayId={gateway.id} />,
                gatewayModels: gateway.models,
              }
            : undefined
        }
      />
    </>
  );
}
