// Analytics: volume, response times, SLA compliance, CSAT and the agent table over a
// date range in a time zone, each report also as CSV.
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { Api, ApiError } from '../lib/api';

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
  const [volume, setVolume] = useState<any>(null);
  const [agents, setAgents] = useState<any[]>([]);
  const [error, setError] = useState<string | null>(null);
  const q = `from=${from}&to=${to}&tz=${encodeURIComponent(tz)}`;

  useEffect(() => {
    setError(null);
    Promise.all([
      api.get<any>(`/api/admin/analytics/overview?${q}`),
      api.get<any>(`/api/admin/analytics/volume?${q}&groupBy=day`),
      api.get<any>(`/api/admin/analytics/agents?${q}`),
    ])
      .then(([o, v, a]) => {
        setOverview(o);
        setVolume(v);
        setAgents(a.agents ?? []);
      })
      .catch((e) => setError(e instanceof ApiError ? e.message : 'Reports could not be loaded'));
  }, [q]);

  const csv = async (report: string) => {
    const response = await api.raw(`/api/admin/analytics/${report}?${q}&format=csv${report === 'volume' ? '&groupBy=day' : ''}`);
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
        {['overview', 'volume', 'agents'].map((r) => (
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
      {volume && <VolumeChart buckets={volume.buckets ?? []} />}
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

// Created and resolved per local day. The table under the chart carries the same
// numbers for screen readers.
function VolumeChart({ buckets }: { buckets: Array<{ bucket: string; created: number; resolved: number }> }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const xs = buckets.map((b) => Date.parse(`${b.bucket}T12:00:00Z`) / 1000);
    const plot = new uPlot(
      {
        width: Math.min(900, ref.current.clientWidth || 900),
        height: 240,
        series: [{}, { label: 'Created', stroke: '#1f5fbf', width: 2 }, { label: 'Resolved', stroke: '#14803a', width: 2 }],
        axes: [{}, { label: 'items' }],
        scales: { x: { time: true } },
      },
      [xs, buckets.map((b) => b.created), buckets.map((b) => b.resolved)],
      ref.current,
    );
    return () => plot.destroy();
  }, [buckets]);
  return (
    <figure class="chart">
      <figcaption>Volume per day</figcaption>
      <div ref={ref} aria-hidden="true" />
      <details>
        <summary>The numbers</summary>
        <table class="table">
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Created</th>
              <th scope="col">Resolved</th>
            </tr>
          </thead>
          <tbody>
            {buckets.map((b) => (
              <tr>
                <th scope="row">{b.bucket}</th>
                <td>{b.created}</td>
                <td>{b.resolved}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
