// The SLA clock of an item in seed 002's colours: green while more than half the target
// is left, yellow under half, red under a fifth and once breached. The status comes
// from the server, which judges it on the policy's business calendar; the countdown
// shows the time to the due instant.
import { useEffect, useState } from 'preact/hooks';

export type SlaState = 'ok' | 'warning' | 'critical' | 'breached' | 'met' | 'paused' | 'stopped';

export interface Sla {
  firstResponseDueAt: string;
  resolutionDueAt: string;
  nextResponseDueAt: string | null;
  firstResponseStatus: SlaState;
  resolutionStatus: SlaState;
  nextResponseStatus: SlaState | null;
  paused: boolean;
}

const RUNNING: SlaState[] = ['ok', 'warning', 'critical', 'breached'];

// The clock that matters now: a pending reply first, then the first response, then
// resolution.
export function activeTarget(sla: Sla): { name: string; dueAt: string; state: SlaState } | null {
  const candidates: Array<[string, string | null, SlaState | null]> = [
    ['Next reply', sla.nextResponseDueAt, sla.nextResponseStatus],
    ['First reply', sla.firstResponseDueAt, sla.firstResponseStatus],
    ['Resolution', sla.resolutionDueAt, sla.resolutionStatus],
  ];
  for (const [name, dueAt, state] of candidates) {
    if (dueAt && state && (RUNNING.includes(state) || state === 'paused')) return { name, dueAt, state };
  }
  return null;
}

export function colourOf(state: SlaState): 'green' | 'yellow' | 'red' | 'grey' {
  if (state === 'ok') return 'green';
  if (state === 'warning') return 'yellow';
  if (state === 'critical' || state === 'breached') return 'red';
  return 'grey';
}

export function left(dueAt: string, now: number): string {
  const ms = Date.parse(dueAt) - now;
  const abs = Math.abs(ms);
  const h = Math.floor(abs / 3_600_000);
  const m = Math.floor((abs % 3_600_000) / 60_000);
  const text = h > 0 ? `${h}h ${m}m` : `${m}m`;
  return ms < 0 ? `${text} over` : `${text} left`;
}

export function SlaTimer({ sla, compact = false }: { sla: Sla; compact?: boolean }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, []);
  const target = activeTarget(sla);
  if (!target) return null;
  const colour = colourOf(target.state);
  const text = target.state === 'paused' ? 'paused' : left(target.dueAt, now);
  return (
    <span class={`sla ${colour}`} title={`${target.name} due ${new Date(target.dueAt).toLocaleString()}`} data-sla={target.state}>
      {compact ? text : `${target.name}: ${text}`}
    </span>
  );
}
