/** What a console page looks like while it loads: its header and a table's worth of rows, pulsing. */
export function PageSkeleton({ rows = 6 }: { rows?: number }) {
  return (
    <div role="status" aria-live="polite" className="animate-pulse">
      <span className="sr-only">Loading…</span>
      <div aria-hidden>
        <div className="h-7 w-56 rounded bg-zinc-200" />
        <div className="mt-3 h-4 w-96 max-w-full rounded bg-zinc-100" />
        <div className="mt-8 rounded-lg border border-zinc-200 bg-white">
          {Array.from({ length: rows }, (_, i) => (
            <div key={i} className="flex items-center gap-4 border-b border-zinc-100 px-4 py-4 last:border-0">
              <div className="h-4 w-1/3 rounded bg-zinc-200" />
              <div className="hidden h-4 w-1/4 rounded bg-zinc-100 sm:block" />
              <div className="ml-auto h-4 w-16 rounded bg-zinc-100" />
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
