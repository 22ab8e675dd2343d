"use client";

import { useEffect, useState } from "react";
import { Badge } from "@/components/ui/card";
import { STATUS_LABELS, type DisplayStatus } from "@/lib/tokens/status";

const STATUS_TONE = { ACTIVE: "green", INACTIVE: "zinc", EXPIRED: "amber", REVOKED: "red" } as const;

export function StatusBadge({ status }: { status: DisplayStatus }) {
  return <Badge tone={STATUS_TONE[status]}>{STATUS_LABELS[status]}</Badge>;
}

export function relativeTime(iso: string, now: number): string {
  const diff = Math.round((now - new Date(iso).getTime()) / 1000);
  const future = diff < 0;
  const s = Math.abs(diff);
  const fmt = (n: number, unit: string) => (future ? `in ${n} ${unit}` : `${n} ${unit} ago`);
  if (s < 45) return future ? "in a moment" : "just now";
  if (s < 3600) return fmt(Math.round(s / 60), Math.round(s / 60) === 1 ? "minute" : "minutes");
  if (s < 86_400) return fmt(Math.round(s / 3600), Math.round(s / 3600) === 1 ? "hour" : "hours");
  if (s < 30 * 86_400) return fmt(Math.round(s / 86_400), Math.round(s / 86_400) === 1 ? "day" : "days");
  return new Date(iso).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
}

/**
 * "3 minutes ago" for something that has happened, with the exact UTC time on
 * hover; ticks every 30 s. Never "in a moment": a time newer than this clock's
 * last tick (a call made since, or a server clock slightly ahead) is "just now".
 */
export function RelativeTime({ iso, empty = "Never" }: { iso: string | null; empty?: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, []);
  if (!iso) return <span className="text-zinc-500">{empty}</span>;
  return (
    <time dateTime={iso} title={exactUtc(iso)} suppressHydrationWarning>
      {relativeTime(iso, Math.max(now, new Date(iso).getTime()))}
    </time>
  );
}

const exactUtc = (iso: string) => new Date(iso).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
const day = (ms: number) => new Date(ms).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });

export function ExactDate({ iso, empty = "Never" }: { iso: string | null; empty?: string }) {
  if (!iso) return <span className="text-zinc-500">{empty}</span>;
  return (
    <time dateTime={iso} title={exactUtc(iso)}>
      {day(new Date(iso).getTime())}
    </time>
  );
}

/**
 * When a token stops working, as its creator chose it: a date picked in the form
 * is stored as the start of the next day (UTC), and shown as "Through 1 Dec 2026";
 * an expiry after N days shows its date. The stored instant is on hover.
 */
export function expiryLabel(iso: string): string {
  const ms = new Date(iso).getTime();
  return ms % 86_400_000 === 0 ? `Through ${day(ms - 86_400_000)}` : day(ms);
}

export function ExpiryDate({ iso, empty = "Never" }: { iso: string | null; empty?: string }) {
  if (!iso) return <span className="text-zinc-500">{empty}</span>;
  return (
    <time dateTime={iso} title={`Stops working at ${exactUtc(iso)}`}>
      {expiryLabel(iso)}
    </time>
  );
}
