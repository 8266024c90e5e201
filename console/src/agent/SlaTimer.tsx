// The SLA clock of an item in seed 002's colours: green while more than half the target
// is left, yellow under half, red under a fifth and once breached. It counts business
// time: the countdown is the business time to the due instant by the item's calendar
// (businessHours.ts), standing still outside business hours, and the colour changes at
// the warning and critical instants the server computed on that calendar.
import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { ALWAYS, countdown, countdownText, type BusinessHours, type Hours } from './businessHours';

export type SlaState = 'ok' | 'warning' | 'critical' | 'breached' | 'met' | 'paused' | 'stopped';

export interface Sla {
  firstResponseDueAt: string;
  resolutionDueAt: string;
  nextResponseDueAt: string | null;
  firstResponseStatus: SlaState;
  resolutionStatus: SlaState;
  nextResponseStatus: SlaState | null;
  firstResponseWarningAt?: string;
  firstResponseCriticalAt?: string;
  resolutionWarningAt?: string;
  resolutionCriticalAt?: string;
  nextResponseWarningAt?: string | null;
  nextResponseCriticalAt?: string | null;
  calendarId?: number | null;
  paused: boolean;
}

export interface Target {
  name: string;
  dueAt: string;
  warningAt?: string | null;
  criticalAt?: string | null;
  state: SlaState;
}

const RUNNING: SlaState[] = ['ok', 'warning', 'critical', 'breached'];

// The clock that matters now: a pending reply first, then the first response, then
// resolution.
export function activeTarget(sla: Sla): Target | null {
  const candidates: Target[] = [
    { name: 'Next reply', dueAt: sla.nextResponseDueAt ?? '', warningAt: sla.nextResponseWarningAt, criticalAt: sla.nextResponseCriticalAt, state: sla.nextResponseStatus ?? 'stopped' },
    { name: 'First reply', dueAt: sla.firstResponseDueAt, warningAt: sla.firstResponseWarningAt, criticalAt: sla.firstResponseCriticalAt, state: sla.firstResponseStatus },
    { name: 'Resolution', dueAt: sla.resolutionDueAt, warningAt: sla.resolutionWarningAt, criticalAt: sla.resolutionCriticalAt, state: sla.resolutionStatus },
  ];
  return candidates.find((t) => t.dueAt && (RUNNING.includes(t.state) || t.state === 'paused')) ?? null;
}

// A running target's state at `now` from its instants (the server's answer ages while
// the page stays open); other states stay as the server said.
export function stateAt(target: Target, now: number): SlaState {
  if (!RUNNING.includes(target.state) || target.state === 'breached') return target.state;
  if (now >= Date.parse(target.dueAt)) return 'breached';
  if (!target.warningAt || !target.criticalAt) return target.state;
  if (now >= Date.parse(target.criticalAt)) return 'critical';
  if (now >= Date.parse(target.warningAt)) return 'warning';
  return 'ok';
}

export function colourOf(state: SlaState): 'green' | 'yellow' | 'red' | 'grey' {
  if (state === 'ok') return 'green';
  if (state === 'warning') return 'yellow';
  if (state === 'critical' || state === 'breached') return 'red';
  return 'grey';
}

// The page's shared business hours (the workspace provides them); without them every
// clock counts as 24x7.
export const BusinessHoursContext = createContext<BusinessHours | null>(null);

function useHours(calendarId: number | null): Hours | null {
  const shared = useContext(BusinessHoursContext);
  const [, setVersion] = useState(0);
  useEffect(() => shared?.subscribe(() => setVersion((v) => v + 1)), [shared]);
  if (!shared) return ALWAYS;
  return shared.get(calendarId);
}

export function SlaTimer({ sla, compact = false }: { sla: Sla; compact?: boolean }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(t);
  }, []);
  const hours = useHours(sla.calendarId ?? null);
  const target = activeTarget(sla);
  if (!target) return null;
  const state = stateAt(target, now);
  const due = Date.parse(target.dueAt);
  let text = '…';
  let title = `${target.name} due ${new Date(due).toLocaleString()}`;
  if (state === 'paused') {
    text = 'paused';
  } else if (hours) {
    const c = countdown(hours, due, now);
    text = c.known ? countdownText(c.ms) : `due ${new Date(due).toLocaleDateString()}`;
    if (hours !== ALWAYS) {
      title += `; counting business hours (${hours.timezone})`;
      if (!c.running && c.ms > 0) text += ' · off hours';
    }
  }
  return (
    <span class={`sla ${colourOf(state)}`} title={title} data-sla={state}>
      {compact ? text : `${target.name}: ${text}`}
    </span>
  );
}
