// SLA clocks count business time (docs/sla.md "Counting down in business time"): the
// countdown of a target is the business time between now and its due instant, by the
// hours of the item's calendar. The hours come from GET /api/admin/sla/business-time,
// fetched once per calendar for a window around now and shared by every timer on the
// page; a 24x7 clock (calendarId null) needs none.

export interface Interval {
  start: number; // ms
  end: number; // ms, exclusive
}

// The hours of a calendar over [from, to): what is known to be business time there.
export interface Hours {
  from: number;
  to: number;
  timezone: string;
  intervals: Interval[];
}

export const ALWAYS: Hours = { from: -Infinity, to: Infinity, timezone: 'UTC', intervals: [{ start: -Infinity, end: Infinity }] };

// The business time in [a, b) by `hours` (sorted, disjoint intervals); 0 when b <= a.
export function businessBetween(hours: Hours, a: number, b: number): number {
  if (b <= a) return 0;
  let total = 0;
  for (const i of hours.intervals) {
    if (i.end <= a) continue;
    if (i.start >= b) break;
    total += Math.min(i.end, b) - Math.max(i.start, a);
  }
  return total;
}

export function inBusinessTime(hours: Hours, at: number): boolean {
  return hours.intervals.some((i) => i.start <= at && at < i.end);
}

export interface Countdown {
  ms: number; // business time left (positive) or over the deadline (negative)
  known: boolean; // false: the deadline lies beyond the hours fetched
  running: boolean; // business time now: the clock moves
}

// How much business time is left until `due` at `now` (negative once past it).
export function countdown(hours: Hours, due: number, now: number): Countdown {
  const running = inBusinessTime(hours, now);
  if (due >= now) return { ms: businessBetween(hours, now, due), known: due <= hours.to, running };
  return { ms: -businessBetween(hours, due, now), known: due >= hours.from, running };
}

// "2h 5m left", "45m over", "3d 2h left" (days of 24 business hours).
export function countdownText(ms: number): string {
  const abs = Math.abs(ms);
  const d = Math.floor(abs / 86_400_000);
  const h = Math.floor((abs % 86_400_000) / 3_600_000);
  const m = Math.floor((abs % 3_600_000) / 60_000);
  const text = d > 0 ? `${d}d ${h}h` : h > 0 ? `${h}h ${m}m` : `${m}m`;
  return ms < 0 ? `${text} over` : `${text} left`;
}

type Fetch = (calendarId: number, from: number, to: number) => Promise<Hours>;

const DAY = 86_400_000;
// The window asked for: 31 days either side of now (the route's limit is 62 days).
const WINDOW = 31 * DAY;
// Asked again after an hour, so the window keeps moving with the clock.
const FRESH = 3_600_000;

// The hours of each calendar a page's timers need: fetched once, then shared; listeners
// hear when a calendar's hours arrive.
export class BusinessHours {
  private readonly cache = new Map<number, { hours: Hours | null; fetchedAt: number; failed: boolean }>();
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly fetch: Fetch,
    private readonly now: () => number = Date.now,
  ) {}

  // The hours of `calendarId` (null: 24x7), or null while they are being fetched or
  // could not be.
  get(calendarId: number | null): Hours | null {
    if (calendarId === null) return ALWAYS;
    const now = this.now();
    const entry = this.cache.get(calendarId);
    const stale = !entry || (!entry.failed && now - entry.fetchedAt > FRESH) || (entry.failed && now - entry.fetchedAt > 60_000);
    if (stale) this.load(calendarId, now);
    return entry?.hours ?? null;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private load(calendarId: number, now: number) {
    const previous = this.cache.get(calendarId)?.hours ?? null;
    this.cache.set(calendarId, { hours: previous, fetchedAt: now, failed: false });
    this.fetch(calendarId, now - WINDOW, now + WINDOW).then(
      (hours) => {
        this.cache.set(calendarId, { hours, fetchedAt: now, failed: false });
        for (const l of this.listeners) l();
      },
      () => this.cache.set(calendarId, { hours: previous, fetchedAt: now, failed: true }),
    );
  }
}

// The fetcher over the API: the route's ISO instants as ms.
export function fetchHours(get: <T>(path: string) => Promise<T>): Fetch {
  return async (calendarId, from, to) => {
    const q = new URLSearchParams({ calendarId: String(calendarId), from: new Date(from).toISOString(), to: new Date(to).toISOString() });
    const body = await get<{ timezone: string; from: string; to: string; intervals: Array<{ start: string; end: string }> }>(
      `/api/admin/sla/business-time?${q}`,
    );
    return {
      from: Date.parse(body.from),
      to: Date.parse(body.to),
      timezone: body.timezone,
      intervals: body.intervals.map((i) => ({ start: Date.parse(i.start), end: Date.parse(i.end) })),
    };
  };
}
