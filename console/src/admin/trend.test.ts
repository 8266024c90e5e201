import { describe, expect, it } from 'vitest';
import {
  csatData,
  csatSummary,
  dayTime,
  isolated,
  rangeDays,
  responseTimesData,
  responseTimesSummary,
  slaData,
  slaSummary,
  spread,
  timeUnit,
  trendGroupBy,
  volumeData,
  volumeSummary,
  type TrendBucket,
  type TrendReport,
} from './trend';

// A bucket with nothing measured, and `over` on top.
function bucket(day: string, over: Partial<TrendBucket> = {}): TrendBucket {
  return {
    bucket: day,
    created: 0,
    resolved: 0,
    firstResponse: { count: 0, avgSeconds: null },
    resolution: { count: 0, avgSeconds: null },
    sla: { met: 0, breached: 0, compliancePercent: null },
    csat: { count: 0, averageRating: null, csatPercent: null },
    ...over,
  };
}

const buckets: TrendBucket[] = [
  bucket('2026-12-01', {
    created: 4,
    resolved: 2,
    firstResponse: { count: 3, avgSeconds: 5400 },
    resolution: { count: 2, avgSeconds: 36_000 },
    sla: { met: 3, breached: 1, compliancePercent: 75 },
    csat: { count: 2, averageRating: 4.5, csatPercent: 100 },
  }),
  bucket('2026-12-02'),
  bucket('2026-12-03', {
    firstResponse: { count: 1, avgSeconds: 0 },
    sla: { met: 0, breached: 2, compliancePercent: 0 },
    csat: { count: 1, averageRating: 1, csatPercent: 0 },
  }),
];

const report: TrendReport = { from: '2026-12-01', to: '2026-12-03', timezone: 'Europe/Berlin', groupBy: 'day', buckets };

describe('dayTime', () => {
  it('is the date at UTC midnight in unix seconds', () => {
    expect(dayTime('2026-12-01')).toBe(Date.UTC(2026, 11, 1) / 1000);
    expect(dayTime('2027-03-28')).toBe(Date.UTC(2027, 2, 28) / 1000); // a DST change in Europe
    expect(dayTime('2026-12-02') - dayTime('2026-12-01')).toBe(86_400);
  });

  it('gives every chart the same x', () => {
    const xs = [dayTime('2026-12-01'), dayTime('2026-12-02'), dayTime('2026-12-03')];
    expect(volumeData(buckets)[0]).toEqual(xs);
    expect(responseTimesData(buckets)[0]).toEqual(xs);
    expect(slaData(buckets)[0]).toEqual(xs);
    expect(csatData(buckets)[0]).toEqual(xs);
  });
});

describe('volumeData', () => {
  it('keeps the counts, zeros included', () => {
    expect(volumeData(buckets).slice(1)).toEqual([
      [4, 0, 0],
      [2, 0, 0],
    ]);
  });
});

describe('responseTimesData', () => {
  it('converts the averages to hours and leaves a gap where nothing was measured', () => {
    const [, first, resolution] = responseTimesData(buckets);
    expect(first).toEqual([1.5, null, 0]);
    expect(resolution).toEqual([10, null, null]);
  });

  it('is a gap when the count is 0 or the figure is missing, whatever the average says', () => {
    const odd = [
      bucket('2026-12-01', { firstResponse: { count: 0, avgSeconds: 60 }, resolution: { count: 2, avgSeconds: null } }),
      { bucket: '2026-12-02' } as TrendBucket,
    ];
    const [, first, resolution] = responseTimesData(odd);
    expect(first).toEqual([null, null]);
    expect(resolution).toEqual([null, null]);
    expect(csatData(odd).slice(1)).toEqual([
      [null, null],
      [null, null],
    ]);
  });
});

describe('timeUnit', () => {
  it('draws in hours unless the longest average is short, so the ticks do not all read 0', () => {
    const at = (avg: number) => [bucket('2026-12-01', { resolution: { count: 1, avgSeconds: avg } })];
    expect(timeUnit(at(7200)).name).toBe('hours');
    expect(timeUnit(at(7199)).name).toBe('minutes');
    expect(timeUnit(at(119)).name).toBe('seconds');
    expect(timeUnit([]).name).toBe('seconds');
    const [, , minutes] = responseTimesData(at(900), timeUnit(at(900)));
    expect(minutes).toEqual([15]);
    expect(timeUnit(at(900)).text(15)).toBe('15.0 min');
  });
});

describe('slaData', () => {
  it('keeps 0 % as a value and no targets as a gap', () => {
    expect(slaData(buckets)[1]).toEqual([75, null, 0]);
    expect(slaData([bucket('2026-12-01', { sla: { met: 0, breached: 0, compliancePercent: 100 } })])[1]).toEqual([null]);
  });
});

describe('csatData', () => {
  it('gives the average rating and the CSAT percentage, with gaps for days without ratings', () => {
    const [, rating, csat] = csatData(buckets);
    expect(rating).toEqual([4.5, null, 1]);
    expect(csat).toEqual([100, null, 0]);
  });
});

describe('isolated', () => {
  it('finds the values between gaps, which a line alone would not show', () => {
    expect(isolated([1, null, 2, null, null, 3, 4, null, 5])).toEqual([0, 2, 8]);
    expect(isolated([0, null])).toEqual([0]);
    expect(isolated([1, 2, 3])).toEqual([]);
    expect(isolated([null, null])).toEqual([]);
    expect(isolated(responseTimesData(buckets)[2])).toEqual([0]);
  });
});

describe('trendGroupBy', () => {
  it('counts both ends of the range', () => {
    expect(rangeDays('2026-12-01', '2026-12-01')).toBe(1);
    expect(rangeDays('2026-12-01', '2026-12-31')).toBe(31);
    expect(rangeDays('2026-03-01', '2026-03-31')).toBe(31); // across a DST change
  });

  it('is a day up to 62 days, a week beyond', () => {
    expect(trendGroupBy('2026-12-01', '2026-12-01')).toBe('day');
    expect(trendGroupBy('2026-01-01', '2026-03-03')).toBe('day'); // 62 days
    expect(trendGroupBy('2026-01-01', '2026-03-04')).toBe('week'); // 63 days
    expect(trendGroupBy('2028-01-01', '2028-03-03')).toBe('week'); // 63 days: a leap year
    expect(trendGroupBy('2026-11-15', '2027-01-15')).toBe('day'); // 62 days over New Year
    expect(trendGroupBy('2025-01-01', '2026-12-31')).toBe('week');
  });

  it('is a day while a date is incomplete', () => {
    expect(trendGroupBy('', '2026-12-31')).toBe('day');
  });
});

describe('summaries', () => {
  it('spread names the lowest and highest value present', () => {
    const h = (v: number) => `${v} h`;
    expect(spread([3, null, 1, 2], h)).toBe('between 1 h and 3 h');
    expect(spread([null, 2, 2], h)).toBe('2 h');
    expect(spread([null, null], h)).toBe('no data');
    expect(spread([0, null], h)).toBe('0 h');
  });

  it('say what each chart shows', () => {
    expect(volumeSummary(report)).toBe('Items created and resolved per day from 2026-12-01 to 2026-12-03: 4 created, 2 resolved.');
    expect(responseTimesSummary(report)).toBe(
      'Average response times in business hours per day from 2026-12-01 to 2026-12-03: ' +
        'first response between 0.0 h and 1.5 h; resolution 10.0 h.',
    );
    expect(slaSummary(report)).toBe(
      'SLA targets met per day from 2026-12-01 to 2026-12-03: between 0.0 % and 75.0 %; overall 50.0 % (3 met, 3 breached).',
    );
    expect(csatSummary({ ...report, groupBy: 'week' })).toBe(
      'Customer satisfaction per week from 2026-12-01 to 2026-12-03: average rating between 1.0 and 4.5 of 5; ' +
        'CSAT between 0.0 % and 100.0 %; 3 ratings.',
    );
  });

  it('say so when there is nothing to show', () => {
    const empty: TrendReport = { ...report, buckets: [bucket('2026-12-01')] };
    expect(responseTimesSummary(empty)).toContain('first response no data; resolution no data');
    expect(slaSummary(empty)).toBe('SLA targets met per day from 2026-12-01 to 2026-12-03: no data.');
    expect(csatSummary(empty)).toBe('Customer satisfaction per day from 2026-12-01 to 2026-12-03: no ratings.');
  });
});
