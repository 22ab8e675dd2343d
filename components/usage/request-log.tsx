"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { RelativeTime } from "@/components/tokens/token-bits";
import type { RequestEntry, RequestLogPage } from "@/lib/usage/request-log";
import { describeUserAgent } from "@/lib/audit/describe";

function statusTone(status: number): string {
  if (status >= 200 && status < 300) return "bg-emerald-50 text-emerald-800 ring-emerald-200";
  if (status === 403 || status === 429) return "bg-amber-50 text-amber-900 ring-amber-200";
  return "bg-red-50 text-red-700 ring-red-200";
}

function latency(ms: number | null): string {
  if (ms === null) return "—";
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms).toLocaleString("en-US")} ms`;
}

function Entry({ e }: { e: RequestEntry }) {
  return (
    <li className="py-2 text-sm" data-testid="request-log-entry">
      <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
        <span className={cn("rounded px-1.5 py-0.5 font-mono text-xs font-medium ring-1 ring-inset", statusTone(e.status))}>{e.status}</span>
        <span className="font-mono text-xs text-zinc-900">
          {e.method} {e.route}
        </span>
        <span className="ml-auto text-xs tabular-nums text-zinc-500">{latency(e.latencyMs)}</span>
      </div>
      <div className="mt-1 flex flex-wrap gap-x-2 text-xs text-zinc-500">
        <RelativeTime iso={e.at} />
        {e.ip && <span className="font-mono">{e.ip}</span>}
        {e.userAgent && (
          <span className="max-w-full truncate" title={e.userAgent}>
            {describeUserAgent(e.userAgent)}
          </span>
        )}
      </div>
      {e.model && (
        <p className="mt-1 text-xs text-zinc-600">
          <span className="font-mono">{e.model}</span>
          {e.inputTokens !== null && (
            <>
              {" · "}
              {e.inputTokens.toLocaleString("en-US")} in / {(e.outputTokens ?? 0).toLocaleString("en-US")} out
            </>
          )}
        </p>
      )}
      {e.omitted > 0 && (
        <p className="mt-1 text-xs italic text-zinc-500">
          {e.omitted.toLocaleString("en-US")} earlier {e.omitted === 1 ? "call" : "calls"} not logged (a busy token&apos;s log keeps a sample; the usage figures count every call).
        </p>
      )}
    </li>
  );
}

/** A token's last calls, successes and refusals, newest first, a page at a time. */
export function RequestLog({ orgSlug, tokenId }: { orgSlug: string; tokenId: string }) {
  // The cursors of the pages shown so far: [] is the newest page.
  const [trail, setTrail] = useState<string[]>([]);
  const cursor = trail.at(-1);
  const { data, isError, isFetching } = useQuery({
    queryKey: ["request-log", orgSlug, tokenId, cursor ?? ""],
    queryFn: async (): Promise<RequestLogPage> => {
      const q = cursor ? `?older=${encodeURIComponent(cursor)}` : "";
      const res = await fetch(`/api/console/${orgSlug}/tokens/${encodeURIComponent(tokenId)}/requests${q}`, { cache: "no-store" });
      if (!res.ok) throw new Error(`Could not load the request log (${res.status}).`);
      return res.json();
    },
    // The newest page follows new calls; older pages stay put.
    refetchInterval: cursor ? false : 5_000,
    placeholderData: keepPreviousData,
  });
  return (
    <section aria-labelledby={`requests-${tokenId}`} className="mt-6">
      <div className="flex items-center justify-between">
        <h3 id={`requests-${tokenId}`} className="text-sm font-semibold text-zinc-900">
          Recent requests
        </h3>
        {trail.length > 0 && <span className="text-xs text-zinc-500">Page {trail.length + 1}</span>}
      </div>
      {isError ? (
        <p role="alert" className="mt-2 text-sm text-red-700">
          Could not load the request log. It will be retried.
        </p>
      ) : !data ? (
        <p className="mt-2 text-sm text-zinc-500">Loading…</p>
      ) : data.entries.length === 0 ? (
        <p className="mt-2 text-sm text-zinc-500">{cursor ? "No older requests." : "No requests yet. Calls with this token, refused ones included, appear here within a second."}</p>
      ) : (
        <ol className="mt-1 divide-y divide-zinc-100 border-y border-zinc-100" aria-busy={isFetching} data-testid="request-log">
          {data.entries.map((e) => (
            <Entry key={e.id} e={e} />
          ))}
        </ol>
      )}
      {(trail.length > 0 || data?.older) && (
        <nav aria-label="Request log pages" className="mt-2 flex justify-between gap-2">
          <Button size="sm" variant="secondary" disabled={trail.length === 0} onClick={() => setTrail((t) => t.slice(0, -1))}>
            Newer
          </Button>
          <Button size="sm" variant="secondary" disabled={!data?.older} onClick={() => data?.older && setTrail((t) => [...t, data.older!])}>
            Older
          </Button>
        </nav>
      )}
    </section>
  );
}
