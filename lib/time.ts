/** UTC calendar arithmetic shared by budgets, usage buckets and expiry. */

/** "YYYY-MM-DD" of a UTC time. */
export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

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
