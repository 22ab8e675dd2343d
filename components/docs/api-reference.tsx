import { Badge, Card } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import type { Field, ReferenceOperation } from "@/lib/api/reference";
import { cn } from "@/components/ui/cn";
import { TOKEN_VARIABLE } from "@/lib/snippets";

const METHOD_TONE: Record<string, string> = {
  GET: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  POST: "bg-brand-50 text-brand-700 ring-brand-100",
  PATCH: "bg-amber-50 text-amber-800 ring-amber-200",
  DELETE: "bg-red-50 text-red-700 ring-red-200",
};

function Method({ method }: { method: string }) {
  return <span className={cn("inline-flex w-16 justify-center rounded px-1.5 py-0.5 font-mono text-xs font-semibold ring-1 ring-inset", METHOD_TONE[method])}>{method}</span>;
}

function Fields({ fields, label }: { fields: Field[]; label: string }) {
  return (
    <dl aria-label={label} className="divide-y divide-zinc-100 rounded-md border border-zinc-200">
      {fields.map((f) => (
        <div key={f.name} className="px-3 py-2 text-sm">
          <dt className="flex flex-wrap items-baseline gap-x-2">
            <code className="font-mono font-semibold text-zinc-900">{f.name}</code>
            <span className="text-xs text-zinc-600">{f.type}</span>
            {f.required && <span className="text-xs font-medium text-red-700">required</span>}
          </dt>
          <dd className="mt-0.5 text-xs text-zinc-600">
            {f.description && <p>{f.description}</p>}
            {f.notes.length > 0 && <p className="break-words">{f.notes.join(" · ")}</p>}
            {f.children && f.children.length > 0 && (
              <div className="mt-2">
                <Fields fields={f.children} label={`Fields of ${f.name}`} />
              </div>
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function curlFor(op: ReferenceOperation, baseUrl: string, orgSlug: string): string {
  const lines = [`curl -X ${op.method} "${baseUrl}${op.path.replace("{id}", "<id>")}"`, `  -H "Authorization: Bearer $${TOKEN_VARIABLE}"`, `  -H "x-org: ${orgSlug}"`];
  if (op.body) {
    const example = Object.fromEntries(op.body.filter((f) => f.required).map((f) => [f.name, f.type.startsWith("array") ? [] : "…"]));
    lines.push(`  -H "content-type: application/json"`, `  -d '${JSON.stringify(example)}'`);
  }
  return lines.join(" \\\n");
}

/** One operation: what it does, what it takes, what it answers, and a curl to start from. */
function Operation({ op, baseUrl, orgSlug }: { op: ReferenceOperation; baseUrl: string; orgSlug: string }) {
  return (
    <Card className="p-5">
      <section id={op.id} aria-labelledby={`${op.id}-title`} className="scroll-mt-20">
        <div className="flex flex-wrap items-center gap-2">
          <Method method={op.method} />
          <code className="break-all font-mono text-sm text-zinc-900">{op.path}</code>
        </div>
        <h2 id={`${op.id}-title`} className="mt-2 text-base font-semibold text-zinc-900">
          {op.summary}
        </h2>
        {op.description && <p className="mt-1 text-sm text-zinc-600">{op.description.replace(/`/g, "")}</p>}
        <div className="mt-4 grid gap-5 lg:grid-cols-2">
          <div className="min-w-0 space-y-4">
            <div>
              <h3 className="mb-1.5 text-xs font-semibold uppercase tracking-wide text-zinc-600">Parameters</h3>
              <Fields fields={op.parameters} label={`Parameters of ${op.summary}`} />
            </div>
            {op.body && (
              <div>
                <h3 className="mb-1.5 text-xs font-semibold uppercase tracking-wide text-zinc-600">JSON body</h3>
                <Fields fields={op.body} label={`Body of ${op.summary}`} />
              </div>
            )}
          </div>
          <div className="min-w-0 space-y-4">
            <div>
              <h3 className="mb-1.5 text-xs font-semibold uppercase tracking-wide text-zinc-600">
                Answer <Badge tone="green">{op.success.status}</Badge>
              </h3>
              <p className="mb-2 text-sm text-zinc-600">{op.success.description.replace(/`/g, "")}</p>
              {op.success.fields && op.success.fields.length > 0 && <Fields fields={op.success.fields} label={`Answer of ${op.summary}`} />}
            </div>
            <div>
              <h3 className="mb-1.5 text-xs font-semibold uppercase tracking-wide text-zinc-600">Errors</h3>
              <ul className="space-y-0.5 text-xs text-zinc-600">
                {op.errors.map((e) => (
                  <li key={e.status}>
                    <span className="font-mono font-semibold text-zinc-800">{e.status}</span> {e.description}
                  </li>
                ))}
              </ul>
            </div>
            <CodeBlock label="curl" code={curlFor(op, baseUrl, orgSlug)} />
          </div>
        </div>
      </section>
    </Card>
  );
}

/** The Workspace API reference: an index, then every operation (from lib/api/openapi.ts, so it never drifts from the API). */
export function ApiReference({ operations, baseUrl, orgSlug }: { operations: ReferenceOperation[]; baseUrl: string; orgSlug: string }) {
  return (
    <div className="grid grid-cols-1 gap-6 lg:grid-cols-[15rem_minmax(0,1fr)]">
      <nav aria-label="Operations" className="min-w-0 lg:sticky lg:top-6 lg:self-start">
        <ul className="space-y-0.5 rounded-lg border border-zinc-200 bg-white p-2 text-sm">
          {operations.map((op) => (
            <li key={op.id}>
              <a href={`#${op.id}`} className="flex items-center gap-2 rounded px-2 py-1.5 text-zinc-700 hover:bg-zinc-100 hover:text-zinc-950">
                <span className="w-12 shrink-0 font-mono text-[11px] font-semibold text-zinc-600">{op.method}</span>
                <span className="truncate">{op.summary}</span>
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div className="min-w-0 space-y-6">
        {operations.map((op) => (
          <Operation key={op.id} op={op} baseUrl={baseUrl} orgSlug={orgSlug} />
        ))}
      </div>
    </div>
  );
}
