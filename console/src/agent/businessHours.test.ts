import { describe, expect, it } from 'vitest';
import { ALWAYS, BusinessHours, businessBetween, countdown, countdownText, type Hours } from './businessHours';
import { activeTarget, stateAt, type Sla } from './SlaTimer';

const t = (iso: string) => Date.parse(iso);

// Mondays 09:00-12:30 and 13:30-18:00 in Berlin (UTC+1), as the server answers them.
const mondays: Hours = {
  from: t('2026-11-22T00:00:00Z'),
  to: t('2026-12-01T00:00:00Z'),
  timezone: 'Europe/Berlin',
  intervals: [
    { start: t('2026-11-23T08:00:00Z'), end: t('2026-11-23T11:30:00Z') },
    { start: t('2026-11-23T12:30:00Z'), end: t('2026-11-23T17:00:00Z') },
    { start: t('2026-11-30T08:00:00Z'), end: t('2026-11-30T11:30:00Z') },
  ],
};

describe('business time countdown', () => {
  it('counts only the business hours between two instants', () => {
    expect(businessBetween(mondays, t('2026-11-22T10:00:00Z'), t('2026-11-23T09:00:00Z'))).toBe(3_600_000);
    expect(businessBetween(mondays, t('2026-11-23T11:00:00Z'), t('2026-11-23T13:00:00Z'))).toBe(3_600_000);
    expect(businessBetween(mondays, t('2026-11-23T17:00:00Z'), t('2026-11-30T09:00:00Z'))).toBe(3_600_000);
    expect(businessBetween(mondays, t('2026-11-24T00:00:00Z'), t('2026-11-23T00:00:00Z'))).toBe(0);
  });

  it('stands still outside business hours and goes negative once past the deadline', () => {
    const due = t('2026-11-30T09:00:00Z');
    const friday = countdown(mondays, due, t('2026-11-27T15:00:00Z'));
    const saturday = countdown(mondays, due, t('2026-11-28T15:00:00Z'));
    expect(friday).toEqual({ ms: 3_600_000, known: true, running: false });
    expect(saturday.ms).toBe(friday.ms);
    const during = countdown(mondays, due, t('2026-11-30T08:15:00Z'));
    expect(during).toEqual({ ms: 45 * 60_000, known: true, running: true });
    const over = countdown(mondays, t('2026-11-23T09:00:00Z'), t('2026-11-23T13:00:00Z'));
    expect(over.ms).toBe(-(150 + 30) * 60_000); // 09:00-11:30 and 12:30-13:00
    expect(countdownText(over.ms)).toBe('3h 0m over');
    expect(countdownText(during.ms)).toBe('45m left');
    expect(countdownText(26 * 3_600_000)).toBe('1d 2h left');
  });

  it('says when a deadline lies beyond the hours it has', () => {
    expect(countdown(mondays, t('2027-01-04T09:00:00Z'), t('2026-11-23T09:00:00Z')).known).toBe(false);
    expect(countdown(ALWAYS, t('2027-01-04T09:00:00Z'), t('2026-11-23T09:00:00Z'))).toMatchObject({ known: true, running: true });
  });

  it('fetches a calendar once, shares it, and asks again after an hour', async () => {
    let now = t('2026-11-23T09:00:00Z');
    const asked: Array<[number, number, number]> = [];
    const hours = new BusinessHours(async (id, from, to) => {
      asked.push([id, from, to]);
      return mondays;
    }, () => now);
    let heard = 0;
    hours.subscribe(() => heard++);
    expect(hours.get(null)).toBe(ALWAYS);
    expect(hours.get(3)).toBeNull();
    expect(hours.get(3)).toBeNull(); // one request in flight, not two
    await Promise.resolve();
    await Promise.resolve();
    expect(heard).toBe(1);
    expect(hours.get(3)).toBe(mondays);
    expect(asked).toEqual([[3, now - 31 * 86_400_000, now + 31 * 86_400_000]]);
    now += 3_600_001;
    expect(hours.get(3)).toBe(mondays); // the old hours while the new ones load
    expect(asked.length).toBe(2);
  });
});

describe('the SLA timer', () => {
  const sla: Sla = {
    firstResponseDueAt: '2026-11-23T09:00:00.000Z',
    firstResponseWarningAt: '2026-11-23T08:30:00.000Z',
    firstResponseCriticalAt: '2026-11-23T08:48:00.000Z',
    firstResponseStatus: 'ok',
    resolutionDueAt: '2026-11-30T10:00:00.000Z',
    resolutionStatus: 'ok',
    nextResponseDueAt: null,
    nextResponseStatus: null,
    calendarId: 3,
    paused: false,
  };

  it('changes colour at the instants the server computed, without asking again', () => {
    const target = activeTarget(sla)!;
    expect(target.name).toBe('First reply');
    expect(stateAt(target, t('2026-11-23T08:29:59Z'))).toBe('ok');
    expect(stateAt(target, t('2026-11-23T08:30:00Z'))).toBe('warning');
    expect(stateAt(target, t('2026-11-23T08:48:00Z'))).toBe('critical');
    expect(stateAt(target, t('2026-11-23T09:00:00Z'))).toBe('breached');
  });

  it('leaves met, paused and stopped targets as they are', () => {
    const paused = activeTarget({ ...sla, firstResponseStatus: 'paused' })!;
    expect(stateAt(paused, t('2026-11-24T00:00:00Z'))).toBe('paused');
    const next = activeTarget({ ...sla, firstResponseStatus: 'met' })!;
    expect(next.name).toBe('Resolution');
  });
});
