"use client";

import { useEffect, useId, useRef, useState } from "react";
import type { TokenListQuery } from "@/lib/schemas/tokens";
import { HYGIENE_FILTERS, HYGIENE_LABELS, safeSearch, type SortDirection, type TokenSort } from "@/lib/tokens/hygiene";
import { DISPLAY_STATUSES, STATUS_LABELS } from "@/lib/tokens/status";

/** The sort menu: each sort in both directions, in words. */
const SORT_CHOICES: Array<{ sort: TokenSort; dir: SortDirection; label: string }> = [
  { sort: "created", dir: "desc", label: "Newest first" },
  { sort: "created", dir: "asc", label: "Oldest first" },
  { sort: "last_used", dir: "desc", label: "Recently used" },
  { sort: "last_used", dir: "asc", label: "Least recently used" },
  { sort: "usage", dir: "desc", label: "Most used" },
  { sort: "usage", dir: "asc", label: "Least used" },
  { sort: "expiry", dir: "asc", label: "Expiring soonest" },
  { sort: "expiry", dir: "desc", label: "Expiring last" },
];

const SELECT = "mt-1 block w-full rounded-md border border-zinc-300 bg-white px-2.5 py-1.5 text-sm";
const LABEL = "block text-xs font-medium text-zinc-600";

/**
 * Search, status, hygiene filter and sort of a token list. The search waits for a
 * pause in typing; a pasted whole token is searched by its masked form, so the
 * secret never reaches the URL (or the server).
 */
export function ListControls({ query, onChange }: { query: TokenListQuery; onChange: (next: Partial<TokenListQuery>) => void }) {
  const ids = { search: useId(), status: useId(), filter: useId(), sort: useId(), note: useId() };
  const [text, setText] = useState(query.q ?? "");
  const [masked, setMasked] = useState(false);
  const sent = useRef(query.q ?? "");
  const onChangeRef = useRef(onChange);
  useEffect(() => {
    onChangeRef.current = onChange;
  });

  // Another view (back button, a shared link) brings its own search.
  useEffect(() => {
    if ((query.q ?? "") !== sent.current) {
      sent.current = query.q ?? "";
      setText(query.q ?? "");
    }
  }, [query.q]);

  useEffect(() => {
    const q = safeSearch(text);
    if (q === sent.current) return;
    const timer = setTimeout(() => {
      sent.current = q;
      onChangeRef.current({ q: q || undefined });
    }, 350);
    return () => clearTimeout(timer);
  }, [text]);

  function onInput(value: string) {
    const safe = safeSearch(value);
    // A whole token pasted: show (and search) only its masked form.
    const wasToken = safe !== value.trim().slice(0, 100) && value.trim().length > 0;
    setMasked(wasToken);
    setText(wasToken ? safe : value);
  }

  return (
    <form
      role="search"
      aria-label="Tokens"
      className="grid w-full grid-cols-2 gap-3 sm:grid-cols-4 lg:max-w-4xl lg:grid-cols-[minmax(12rem,2fr)_1fr_1.3fr_1.3fr]"
      onSubmit={(e) => {
        e.preventDefault();
        const q = safeSearch(text);
        sent.current = q;
        onChange({ q: q || undefined });
      }}
    >
      <div className="col-span-2 sm:col-span-4 lg:col-span-1">
        <label htmlFor={ids.search} className={LABEL}>
          Search
        </label>
        <input
          id={ids.search}
          type="search"
          value={text}
          onChange={(e) => onInput(e.target.value)}
          placeholder="Name, prefix or ksw_AbC1…9xYz"
          autoComplete="off"
          spellCheck={false}
          aria-describedby={masked ? ids.note : undefined}
          className={`${SELECT} placeholder:text-zinc-400`}
        />
        {masked && (
          <p id={ids.note} role="status" className="mt-1 text-xs text-zinc-500">
            Searching by the masked token: the secret stays in your browser.
          </p>
        )}
      </div>
      <div>
        <label htmlFor={ids.status} className={LABEL}>
          Status
        </label>
        <select id={ids.status} value={query.status ?? ""} onChange={(e) => onChange({ status: (e.target.value || undefined) as TokenListQuery["status"] })} className={SELECT}>
          <option value="">All statuses</option>
          {DISPLAY_STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_LABELS[s]}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={ids.filter} className={LABEL}>
          Show
        </label>
        <select id={ids.filter} value={query.filter ?? ""} onChange={(e) => onChange({ filter: (e.target.value || undefined) as TokenListQuery["filter"] })} className={SELECT}>
          <option value="">All tokens</option>
          {HYGIENE_FILTERS.map((f) => (
            <option key={f} value={f}>
              {HYGIENE_LABELS[f]}
            </option>
          ))}
        </select>
      </div>
      <div className="col-span-2 sm:col-span-1">
        <label htmlFor={ids.sort} className={LABEL}>
          Sort
        </label>
        <select
          id={ids.sort}
          value={`${query.sort}:${query.dir}`}
          onChange={(e) => {
            const [sort, dir] = e.target.value.split(":") as [TokenSort, SortDirection];
            onChange({ sort, dir });
          }}
          className={SELECT}
        >
          {SORT_CHOICES.map((c) => (
            <option key={`${c.sort}:${c.dir}`} value={`${c.sort}:${c.dir}`}>
              {c.label}
            </option>
          ))}
        </select>
      </div>
    </form>
  );
}
