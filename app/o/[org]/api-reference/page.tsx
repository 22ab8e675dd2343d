import type { Metadata } from "next";
import { ApiReference } from "@/components/docs/api-reference";
import { CodeBlock } from "@/components/ui/code-block";
import { Card, PageHeader } from "@/components/ui/card";
import { workspaceApiReference } from "@/lib/api/reference";
import { orgPage } from "@/lib/auth/session";
import { publicOrigin } from "@/lib/request-info";
import { gatewaySnippets, TOKEN_VARIABLE, workspaceSnippets } from "@/lib/snippets";

export const metadata: Metadata = { title: "API reference" };

/** The Workspace API's reference, rendered from the OpenAPI document the API serves. */
export default async function ApiReferencePage({ params }: { params: Promise<{ org: string }> }) {
  const ctx = await orgPage((await params).org);
  const baseUrl = `${publicOrigin()}/api/v1`;
  const reference = workspaceApiReference(baseUrl);
  return (
    <>
      <PageHeader
        title="API reference"
        description={
          <>
            {reference.description} The machine-readable document:{" "}
            <a className="text-brand-700 hover:underline" href="/api/v1/openapi.json">
              /api/v1/openapi.json
            </a>{" "}
            (OpenAPI 3.1).
          </>
        }
      />
      <Card className="mb-6 p-5">
        <h2 className="text-base font-semibold text-zinc-900">Every call</h2>
        <p className="mt-1 text-sm text-zinc-600">
          Base URL <code className="font-mono text-xs">{baseUrl}</code>. Send a workspace or organization token as a bearer token and
          name the organization with <code className="font-mono text-xs">x-org</code>. Errors are JSON:{" "}
          <code className="font-mono text-xs">{'{"type": "error", "error": {"type", "message"}}'}</code>, the message naming the field at fault.
        </p>
        <CodeBlock label="curl" code={workspaceSnippets(publicOrigin(), ctx.org.slug, `$${TOKEN_VARIABLE}`)[0].code} />
      </Card>
      <ApiReference operations={reference.operations} baseUrl={baseUrl} orgSlug={ctx.org.slug} />
      <Card className="mt-8 p-5">
        <section id="gateway-api" aria-labelledby="gateway-api-title" className="scroll-mt-20">
          <h2 id="gateway-api-title" className="text-base font-semibold text-zinc-900">
            Gateway API
          </h2>
          <p className="mt-1 text-sm text-zinc-600">
            Gateway tokens call <code className="font-mono text-xs">{publicOrigin()}/api/gpt/v1</code> the way Anthropic&apos;s API is called
            (any Anthropic SDK works with this base URL): <code className="font-mono text-xs">POST /messages</code> (streamed or not) and{" "}
            <code className="font-mono text-xs">GET /models</code>. The token goes in <code className="font-mono text-xs">x-api-key</code>{" "}
            (or as a bearer token); an organization token names its gateway with <code className="font-mono text-xs">x-gateway</code>. Errors
            have Anthropic&apos;s shape. Each gateway&apos;s page lists its models.
          </p>
          {gatewaySnippets(publicOrigin(), "model-of-your-gateway", `$${TOKEN_VARIABLE}`).map((s) => (
            <CodeBlock key={s.label} label={s.label} code={s.code} />
          ))}
        </section>
      </Card>
    </>
  );
}
