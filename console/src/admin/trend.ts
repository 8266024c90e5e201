// The analytics charts' data: report buckets turned into uPlot's aligned arrays (x, then
// one array per series), with null where a bucket measured nothing so that uPlot draws
// a gap instead of a fall to zero; and the sentences that summarise each chart.

export type GroupBy = 'day' | 'week';

// GET /api/admin/analytics/trend, per local day or week (docs/analytics.md).
export interface TrendBucket {
  bucket: string; // a local date; for a week, its first day in the range
  created: number;
  resolved: number;
  firstResponse: { count: number; avgSeconds: number | null }; // business time
  resolution: { count: number; avgSeconds: number | null }; // business time
  sla: { met: number; breached: number; compliancePercent: number | null };
  csat: { count: number; averageRating: number | null; csatPercent: number | null };
}

export interface TrendReport {
  from: string;
  to: string;
  timezone: string;
  groupBy: GroupBy;
  buckets: TrendBucket[];
}

export interface VolumeBucket {
  bucket: string;
  created: number;
  resolved: number;
}

// x, then one value per bucket for each series.
export type ChartData = [number[], ...(number | null)[][]];

const DAY_MS = 86_400_000;

// Ranges longer than this are drawn per week: more than about 60 points per line
// crowd a chart the width of half a page.
export const MAX_DAILY_DAYS = 62;

// A local date (YYYY-MM-DD) as unix seconds at UTC midnight. The charts format their
// axes in UTC, so each point is labelled with its own date whatever the browser's zone.
export function dayTime(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) / 1000;
}

// Days from `from` to `to`, both included (NaN while a date is incomplete).
export function rangeDays(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
}

export function trendGroupBy(from: string, to: string): GroupBy {
  return rangeDays(from, to) > MAX_DAILY_DAYS ? 'week' : 'day';
}

// A bucket's figure, or null when it has none: no items counted, or no value.
function figure(count: number | null | undefined, value: number | null | undefined): number | null {
  return count === 0 || typeof value !== 'number' || !Number.isFinite(value) ? null : value;
}

// The unit a chart of durations is drawn in: hours, unless the longest average is short
// enough that hours would round every tick to 0.
export interface TimeUnit {
  name: 'seconds' | 'minutes' | 'hours';
  seconds: number;
  text: (v: number) => string; // a value in this unit, with its symbol
}
export const HOURS: TimeUnit = { name: 'hours', seconds: 3600, text: (h) => `${h.toFixed(1)} h` };
const MINUTES: TimeUnit = { name: 'minutes', seconds: 60, text: (m) => `${m.toFixed(1)} min` };
const SECONDS: TimeUnit = { name: 'seconds', seconds: 1, text: (s) => `${Math.round(s)} s` };

export function timeUnit(buckets: TrendBucket[]): TimeUnit {
  let longest = 0;
  for (const b of buckets) longest = Math.max(longest, b.firstResponse?.avgSeconds ?? 0, b.resolution?.avgSeconds ?? 0);
  return longest >= 2 * 3600 ? HOURS : longest >= 120 ? MINUTES : SECONDS;
}

export function volumeData(buckets: VolumeBucket[]): ChartData {
  return [buckets.map((b) => dayTime(b.bucket)), buckets.map((b) => b.created), buckets.map((b) => b.resolved)];
}

// Average first response and average resolution in business time, in `unit`.
export function responseTimesData(buckets: TrendBucket[], unit: TimeUnit = HOURS): ChartData {
  const inUnit = (seconds: number | null) => (seconds === null ? null : seconds / unit.seconds);
  return [
    buckets.map((b) => dayTime(b.bucket)),
    buckets.map((b) => inUnit(figure(b.firstResponse?.count, b.firstResponse?.avgSeconds))),
    buckets.map((b) => inUnit(figure(b.resolution?.count, b.resolution?.avgSeconds))),
  ];
}

// The share of SLA targets met, 0 to 100.
export function slaData(buckets: TrendBucket[]): ChartData {
  return [
    buckets.map((b) => dayTime(b.bucket)),
    buckets.map((b) => figure((b.sla?.met ?? 0) + (b.sla?.breached ?? 0), b.sla?.compliancePercent)),
  ];
}

// The average rating (1 to 5) and the CSAT percentage (0 to 100).
export function csatData(buckets: TrendBucket[]): ChartData {
  return [
    buckets.map((b) => dayTime(b.bucket)),
    buckets.map((b) => figure(b.csat?.count, b.csat?.averageRating)),
    buckets.map((b) => figure(b.csat?.count, b.csat?.csatPercent)),
  ];
}

// The indices of values with no neighbour on either side: a line cannot show them, so
// the chart draws them as points even where it leaves the other points out.
export function isolated(values: ArrayLike<number | null | undefined>): number[] {
  const present = (i: number) => i >= 0 && i < values.length && values[i] !== null && values[i] !== undefined;
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (present(i) && !present(i - 1) && !present(i + 1)) out.push(i);
  return out;
}

export const hoursText = HOURS.text;
export const percentText = (p: number) => `${p.toFixed(1)} %`;
export const ratingText = (r: number) => r.toFixed(1);

// The lowest and highest of the values present: "between 1.0 h and 4.5 h", "2.0 h", or
// "no data".
export function spread(values: (number | null)[], format: (v: number) => string): string {
  const present = values.filter((v): v is number => v !== null);
  if (present.length === 0) return 'no data';
  const low = format(Math.min(...present));
  const high = format(Math.max(...present));
  return low === high ? low : `between ${low} and ${high}`;
}

function period(report: { from: string; to: string }, groupBy: GroupBy): string {
  return `per ${groupBy} from ${report.from} to ${report.to}`;
}

// The sentences read out for each chart (its aria-label).
export function volumeSummary(report: { from: string; to: string; buckets: VolumeBucket[] }): string {
  const created = report.buckets.reduce((n, b) => n + b.created, 0);
  const resolved = report.buckets.reduce((n, b) => n + b.resolved, 0);
  return `Items created and resolved ${period(report, 'day')}: ${created} created, ${resolved} resolved.`;
}

export function responseTimesSummary(report: TrendReport, unit: TimeUnit = HOURS): string {
  const [, first, resolution] = responseTimesData(report.buckets, unit);
  return (
    `Average response times in business hours ${period(report, report.groupBy)}: ` +
    `first response ${spread(first, unit.text)}; resolution ${spread(resolution, unit.text)}.`
  );
}

export function slaSummary(report: TrendReport): string {
  const [, compliance] = slaData(report.buckets);
  const met = report.buckets.reduce((n, b) => n + (b.sla?.met ?? 0), 0);
  const breached = report.buckets.reduce((n, b) => n + (b.sla?.breached ?? 0), 0);
  const overall = met + breached > 0 ? `; overall ${percentText((100 * met) / (met + breached))} (${met} met, ${breached} breached)` : '';
  return `SLA targets met ${period(report, report.groupBy)}: ${spread(compliance, percentText)}${overall}.`;
}

export function csatSummary(report: TrendReport): string {
  const [, rating, csat] = csatData(report.buckets);
  const count = report.buckets.reduce((n, b) => n + (b.csat?.count ?? 0), 0);
  if (rating.every((r) => r === null)) return `Customer satisfaction ${period(report, report.groupBy)}: no ratings.`;
  return (
    `Customer satisfaction ${period(report, report.groupBy)}: average rating ${spread(rating, ratingText)} of 5; ` +
    `CSAT ${spread(csat, percentText)}; ${count} ${count === 1 ? 'rating' : 'ratings'}.`
  );
}
