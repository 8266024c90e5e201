// Analytics: volume, response times, SLA compliance, CSAT and the agent table over a
// date range in a time zone, the trends as charts, each report also as CSV.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { Api, ApiError } from '../lib/api';
import {
  csatData,
  csatSummary,
  isolated,
  percentText,
  ratingText,
  responseTimesData,
  responseTimesSummary,
  slaData,
  slaSummary,
  trendGroupBy,
  volumeData,
  volumeSummary,
  timeUnit,
  type ChartData,
  type GroupBy,
  type TimeUnit,
  type TrendReport,
  type VolumeBucket,
} from './trend';

const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

function isoDay(d: Date) {
  return d.toISOString().slice(0, 10);
}

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

const percent = (p: number | null | undefined) => (p === null || p === undefined ? '—' : `${p.toFixed(1)} %`);

// Every zone the browser knows, with UTC and the browser's own first.
function zones(): string[] {
  const all = ((Intl as any).supportedValuesOf?.('timeZone') as string[] | undefined) ?? [];
  return [...new Set(['UTC', localZone, ...all])];
}

export function Analytics({ api }: { api: Api }) {
  const today = new Date();
  const [from, setFrom] = useState(isoDay(new Date(today.getTime() - 29 * 86_400_000)));
  const [to, setTo] = useState(isoDay(today));
  const [tz, setTz] = useState(localZone);
  const [overview, setOverview] = useState<any>(null);
  const [volume, setVolume] = useState<{ from: string; to: string; buckets: VolumeBucket[] } | null>(null);
  const [trend, setTrend] = useState<TrendReport | null>(null);
  const [agents, setAgents] = useState<any[]>([]);
  const [error, setError] = useState<string | null>(null);
  const q = `from=${from}&to=${to}&tz=${encodeURIComponent(tz)}`;
  // Each report's own parameters, for JSON and CSV alike.
  const extra: Record<string, string> = { volume: '&groupBy=day', trend: `&groupBy=${trendGroupBy(from, to)}` };

  useEffect(() => {
    setError(null);
    // A reply for a range no longer asked for is dropped.
    let current = true;
    Promise.all([
      api.get<any>(`/api/admin/analytics/overview?${q}`),
      api.get<any>(`/api/admin/analytics/volume?${q}${extra.volume}`),
      api.get<TrendReport>(`/api/admin/analytics/trend?${q}${extra.trend}`),
      api.get<any>(`/api/admin/analytics/agents?${q}`),
    ])
      .then(([o, v, t, a]) => {
        if (!current) return;
        setOverview(o);
        setVolume({ ...v, buckets: v.buckets ?? [] });
        setTrend({ ...t, groupBy: t.groupBy ?? trendGroupBy(from, to), buckets: t.buckets ?? [] });
        setAgents(a.agents ?? []);
      })
      .catch((e) => {
        if (current) setError(e instanceof ApiError ? e.message : 'Reports could not be loaded');
      });
    return () => {
      current = false;
    };
  }, [q]);

  const csv = async (report: string) => {
    const response = await api.raw(`/api/admin/analytics/${report}?${q}&format=csv${extra[report] ?? ''}`);
    const url = URL.createObjectURL(await response.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = `docket-${report}-${from}-${to}.csv`;
    a.click();
    URL.revokeObjectURL(url);
  };

  return (
    <section class="stack-page" aria-labelledby="analytics-title">
      <h2 id="analytics-title">Analytics</h2>
      <form class="toolbar" onSubmit={(e) => e.preventDefault()}>
        <label class="inline">
          From <input type="date" value={from} max={to} onChange={(e) => setFrom((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label class="inline">
          To <input type="date" value={to} min={from} onChange={(e) => setTo((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label class="inline">
          Time zone
          <select value={tz} onChange={(e) => setTz((e.currentTarget as HTMLSelectElement).value)}>
            {zones().map((z) => (
              <option value={z}>{z}</option>
            ))}
          </select>
        </label>
        {['overview', 'volume', 'trend', 'agents'].map((r) => (
          <button type="button" onClick={() => void csv(r)}>
            {r} CSV
          </button>
        ))}
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {overview && (
        <dl class="tiles" data-testid="overview">
          <Tile label="Created" value={overview.created} />
          <Tile label="Resolved" value={overview.resolved} />
          <Tile label="Open now" value={overview.backlog} />
          <Tile label="First reply (median, business)" value={duration(overview.firstResponse?.business?.p50Seconds)} />
          <Tile label="Resolution (median, business)" value={duration(overview.resolution?.business?.p50Seconds)} />
          <Tile label="SLA first reply met" value={percent(overview.sla?.firstResponse?.compliancePercent)} />
          <Tile label="SLA resolution met" value={percent(overview.sla?.resolution?.compliancePercent)} />
          <Tile label="CSAT" value={percent(overview.csat?.csatPercent)} />
        </dl>
      )}
      {(volume || trend) && (
        <div class="charts">
          {volume && <VolumeChart report={volume} />}
          {trend && <ResponseTimesChart report={trend} />}
          {trend && <SlaChart report={trend} />}
          {trend && <CsatChart report={trend} />}
        </div>
      )}
      <table class="table" aria-label="Agents">
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col">Assigned</th>
            <th scope="col">Resolved</th>
            <th scope="col">Open now</th>
            <th scope="col">First reply (avg, business)</th>
            <th scope="col">SLA met</th>
            <th scope="col">CSAT</th>
          </tr>
        </thead>
        <tbody>
          {agents.map((a) => (
            <tr>
              <th scope="row">{a.name}</th>
              <td>{(a.assigned?.auto ?? 0) + (a.assigned?.manual ?? 0)}</td>
              <td>{a.resolved}</td>
              <td>{a.openNow}</td>
              <td>{duration(a.firstResponse?.avgBusinessSeconds)}</td>
              <td>{percent(a.sla?.compliancePercent)}</td>
              <td>{percent(a.csat?.csatPercent)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Tile({ label, value }: { label: string; value: string | number }) {
  return (
    <div class="tile">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

// Series colours: each at least 4.5:1 against the white chart, and the second line of a
// chart dashed, so that the two tell apart without colour too.
const BLUE = '#1f5fbf';
const GREEN = '#14803a';
const ORANGE = '#b34700';
const PURPLE = '#6b3fa0';
const DASH = [6, 4];
const HEIGHT = 220;

// What a chart draws besides time: its series, their y axes and scales.
interface ChartSpec {
  series: uPlot.Series[];
  axes: uPlot.Axis[];
  scales?: uPlot.Scales;
}

// A y scale from zero to a little above the highest value (0 to 1 with no data).
const fromZero: uPlot.Range.Function = (_u, _min, max) => (max > 0 ? uPlot.rangeNum(0, max, 0.1, true) : [0, 1]);

// The legend's value of a series at the cursor, — where there is none.
const valueOf = (format: (v: number) => string) => (_u: uPlot, v: number | null) => (v === null || v === undefined ? '—' : format(v));
const dateOf = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);

// One bucket alone gets a day either side (uPlot's own pad for it assumes milliseconds).
const xRange: uPlot.Range.Function = (u, min, max) => {
  const xs = u.data[0];
  return xs.length === 1 ? [xs[0] - 86_400, xs[0] + 86_400] : [min, max];
};

// Where a chart is too dense for points, a value between gaps still gets one.
const pointsBetweenGaps: uPlot.Series.Points = {
  filter: (u, i, show) => (show ? null : isolated(u.data[i])),
};

const VOLUME: ChartSpec = {
  series: [
    { label: 'Created', stroke: BLUE, width: 2, value: valueOf(String) },
    { label: 'Resolved', stroke: GREEN, width: 2, dash: DASH, value: valueOf(String) },
  ],
  axes: [{ label: 'items' }],
  scales: { y: { range: fromZero } },
};

// In the unit that suits the figures (hours, or minutes or seconds when they are short).
const responseTimesSpec = (unit: TimeUnit): ChartSpec => ({
  series: [
    { label: 'First response (avg)', stroke: BLUE, width: 2, value: valueOf(unit.text) },
    { label: 'Resolution (avg)', stroke: ORANGE, width: 2, dash: DASH, value: valueOf(unit.text) },
  ],
  axes: [{ label: unit.name }],
  scales: { y: { range: fromZero } },
});

const SLA: ChartSpec = {
  series: [{ label: 'Targets met', stroke: GREEN, width: 2, value: valueOf(percentText) }],
  axes: [{ label: '%' }],
  scales: { y: { range: [0, 100] } },
};

// Ratings 1–5 on the left, CSAT 0–100 % on the right: the ticks of the two line up
// (1 ↔ 0 %, 5 ↔ 100 %), so one grid serves both.
const CSAT: ChartSpec = {
  series: [
    { label: 'Average rating', stroke: PURPLE, width: 2, scale: 'rating', value: valueOf(ratingText) },
    { label: 'CSAT', stroke: GREEN, width: 2, dash: DASH, scale: '%', value: valueOf(percentText) },
  ],
  axes: [
    { scale: 'rating', label: 'rating', splits: [1, 2, 3, 4, 5] },
    { scale: '%', side: 1, label: 'CSAT %', splits: [0, 25, 50, 75, 100], grid: { show: false } },
  ],
  scales: { rating: { range: [1, 5] }, '%': { range: [0, 100] } },
};

// One uPlot chart over dates in a <figure>: x is a bucket's date at UTC midnight, shown
// in UTC so that each point carries its own date. The plot is a picture for assistive
// technology (role="img", `label` says what it shows) with nothing focusable inside; the
// numbers follow in a table under a disclosure. It follows its container's width and is
// destroyed on unmount or when its data changes.
function Chart(props: {
  caption: string;
  label: string;
  groupBy: GroupBy;
  spec: ChartSpec;
  data: ChartData;
  columns: string[];
  rows: Array<Array<string | number>>;
}) {
  const { caption, label, groupBy, spec, data } = props;
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const plot = new uPlot(
      {
        width: el.clientWidth || 600,
        height: HEIGHT,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        series: [
          { label: groupBy === 'week' ? 'Week of' : 'Day', value: valueOf(dateOf) },
          ...spec.series.map((s) => ({ ...s, points: pointsBetweenGaps })),
        ],
        axes: [{}, ...spec.axes],
        scales: { x: { time: true, range: xRange }, ...spec.scales },
        legend: { markers: { dash: (u, i) => (u.series[i].dash ? 'dashed' : 'solid') } },
      },
      data,
      el,
    );
    const observer = new ResizeObserver(() => {
      if (el.clientWidth > 0 && el.clientWidth !== plot.width) plot.setSize({ width: el.clientWidth, height: HEIGHT });
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [spec, data, groupBy]);
  return (
    <figure class="chart">
      <figcaption>{caption}</figcaption>
      <div ref={ref} role="img" aria-label={label} />
      <details>
        <summary>The numbers</summary>
        <table class="table">
          <thead>
            <tr>
              {props.columns.map((c) => (
                <th scope="col">{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {props.rows.map(([head, ...cells]) => (
              <tr>
                <th scope="row">{head}</th>
                {cells.map((c) => (
                  <td>{c}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

const orDash = (v: number | null, format: (v: number) => string) => (v === null ? '—' : format(v));

// Created and resolved per local day.
function VolumeChart({ report }: { report: { from: string; to: string; buckets: VolumeBucket[] } }) {
  const data = useMemo(() => volumeData(report.buckets), [report]);
  return (
    <Chart
      caption="Volume per day"
      label={volumeSummary(report)}
      groupBy="day"
      spec={VOLUME}
      data={data}
      columns={['Day', 'Created', 'Resolved']}
      rows={report.buckets.map((b) => [b.bucket, b.created, b.resolved])}
    />
  );
}

const bucketColumn = (groupBy: GroupBy) => (groupBy === 'week' ? 'Week of' : 'Day');

function ResponseTimesChart({ report }: { report: TrendReport }) {
  const unit = useMemo(() => timeUnit(report.buckets), [report]);
  const spec = useMemo(() => responseTimesSpec(unit), [unit]);
  const data = useMemo(() => responseTimesData(report.buckets, unit), [report, unit]);
  const [, first, resolution] = data;
  return (
    <Chart
      caption="Response times (business hours)"
      label={responseTimesSummary(report, unit)}
      groupBy={report.groupBy}
      spec={spec}
      data={data}
      columns={[bucketColumn(report.groupBy), 'First response (avg)', 'Resolution (avg)']}
      rows={report.buckets.map((b, i) => [b.bucket, orDash(first[i], unit.text), orDash(resolution[i], unit.text)])}
    />
  );
}

function SlaChart({ report }: { report: TrendReport }) {
  const data = useMemo(() => slaData(report.buckets), [report]);
  const [, compliance] = data;
  return (
    <Chart
      caption="SLA compliance"
      label={slaSummary(report)}
      groupBy={report.groupBy}
      spec={SLA}
      data={data}
      columns={[bucketColumn(report.groupBy), 'Met', 'Breached', 'Compliance']}
      rows={report.buckets.map((b, i) => [b.bucket, b.sla?.met ?? 0, b.sla?.breached ?? 0, orDash(compliance[i], percentText)])}
    />
  );
}

function CsatChart({ report }: { report: TrendReport }) {
  const data = useMemo(() => csatData(report.buckets), [report]);
  const [, rating, csat] = data;
  return (
    <Chart
      caption="Customer satisfaction"
      label={csatSummary(report)}
      groupBy={report.groupBy}
      spec={CSAT}
      data={data}
      columns={[bucketColumn(report.groupBy), 'Ratings', 'Average rating', 'CSAT']}
      rows={report.buckets.map((b, i) => [b.bucket, b.csat?.count ?? 0, orDash(rating[i], ratingText), orDash(csat[i], percentText)])}
    />
  );
}
