import type { Metadata } from "next";
import Link from "next/link";
import { GatewayFormButton } from "@/components/gateways/gateway-form";
import { Badge, Card, EmptyState, PageHeader } from "@/components/ui/card";
import { can } from "@/lib/authz";
import { orgPage } from "@/lib/auth/session";
import { listGateways } from "@/lib/gateways/service";
import { UPSTREAM_LABELS } from "@/lib/schemas/gateways";
import { Network } from "lucide-react";

export const metadata: Metadata = { title: "Gateways" };

export default async function GatewaysPage({ params }: { params: Promise<{ org: string }> }) {
  const ctx = await orgPage((await params).org);
  const gateways = await listGateways(ctx.db, ctx.org.id);
  const manage = can(ctx.role, "gateways:manage");
  return (
    <>
      <PageHeader
        title="Gateways"
        description={
          <>
            LLM gateways with Anthropic&apos;s Messages API at <code className="font-mono text-xs">/api/gpt/v1/*</code>. Open a
            gateway&apos;s Developer Console to create tokens for it.
          </>
        }
        actions={manage ? <GatewayFormButton orgSlug={ctx.org.slug} /> : undefined}
      />
      {gateways.length === 0 ? (
        <EmptyState icon={Network} title="No gateways yet">
          {manage
            ? "A gateway puts an LLM upstream (or the built-in echo, to try things) behind tokens your developers create. Create one to start."
            : "An admin can create one; its developers then create their own tokens for it."}
        </EmptyState>
      ) : (
        <div className="grid gap-4 md:grid-cols-2">
          {gateways.map((g) => (
            <Link key={g.id} href={`/o/${ctx.org.slug}/gateways/${g.slug}`} className="group">
              <Card className="h-full p-5 transition-colors group-hover:border-brand-500">
                <div className="flex items-start justify-between gap-3">
                  <div>
                    <h2 className="font-semibold text-zinc-900">{g.name}</h2>
                    <p className="font-mono text-xs text-zinc-500">{g.slug}</p>
                  </div>
                  <Badge tone={g.upstreamType === "ECHO" ? "zinc" : "brand"}>{UPSTREAM_LABELS[g.upstreamType]}</Badge>
                </div>
                <p className="mt-3 truncate text-sm text-zinc-600" title={g.models.join(", ")}>
                  Models: {g.models.join(", ")}
                </p>
                <p className="mt-1 text-sm text-zinc-600">
                  {g.activeTokens} active {g.activeTokens === 1 ? "token" : "tokens"}
                </p>
              </Card>
            </Link>
          ))}
        </div>
      )}
    </>
  );
}
