/** UTC calendar arithmetic shared by budgets, usage buckets and expiry. */

const DAY_MS = 86_400_000;
/** The last day asked for: every usage count asks, and nearly always for the same day. */
let lastDay = { start: 0, name: "1970-01-01" };

/** "YYYY-MM-DD" of a UTC time. */
export function utcDay(ms: number): string {
  if (ms >= lastDay.start && ms < lastDay.start + DAY_MS) return lastDay.name;
  const start = Math.floor(ms / DAY_MS) * DAY_MS;
  const name = new Date(start).toISOString().slice(0, 10);
  if (start >= lastDay.start) lastDay = { start, name };
  return name;
}

/** The first instant of the UTC month `ms` falls in. */
export function monthStart(ms = Date.now()): Date {
  const d = new Date(ms);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
}

/** The first instant of the next UTC month: when a monthly budget resets. */
export function nextMonthStart(ms = Date.now()): Date {
  const d = new Date(ms);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
}
