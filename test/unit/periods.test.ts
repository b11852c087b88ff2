import * as assert from 'node:assert/strict';
import { daysInMonth, localDayKey, localMonthKey, previousMonthKey } from '../../src/core/ledger/periods';

/** Runs `fn` with the process in another time zone (Node re-reads TZ when it is assigned). */
function inZone<T>(tz: string, fn: () => T): T {
  const saved = process.env.TZ;
  process.env.TZ = tz;
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
}

describe('budget periods in the user\u2019s local time', () => {
  it('days turn at local midnight across the spring-forward DST change (New York)', () => {
    inZone('America/New_York', () => {
      assert.equal(localDayKey(new Date('2026-03-08T04:59:00Z')), '2026-03-07'); // 23:59 EST
      assert.equal(localDayKey(new Date('2026-03-08T05:00:00Z')), '2026-03-08'); // 00:00 EST
      assert.equal(localDayKey(new Date('2026-03-09T03:59:00Z')), '2026-03-08'); // 23:59 EDT (the day had 23 hours)
      assert.equal(localDayKey(new Date('2026-03-09T04:00:00Z')), '2026-03-09');
    });
  });

  it('days turn at local midnight across the fall-back DST change (New York)', () => {
    inZone('America/New_York', () => {
      assert.equal(localDayKey(new Date('2026-11-01T03:59:00Z')), '2026-10-31'); // 23:59 EDT
      assert.equal(localDayKey(new Date('2026-11-02T04:59:00Z')), '2026-11-01'); // 23:59 EST (25-hour day)
      assert.equal(localDayKey(new Date('2026-11-02T05:00:00Z')), '2026-11-02');
    });
  });

  it('months turn at local month start, ahead of UTC east of Greenwich', () => {
    inZone('Pacific/Auckland', () => {
      const d = new Date('2026-11-30T11:30:00Z'); // 00:30 on 1 December in Auckland (NZDT, +13)
      assert.equal(localMonthKey(d), '2026-12');
      assert.equal(previousMonthKey(d), '2026-11');
    });
    inZone('UTC', () => assert.equal(localMonthKey(new Date('2026-11-30T11:30:00Z')), '2026-11'));
  });

  it('knows month lengths and wraps the year', () => {
    inZone('UTC', () => {
      assert.equal(daysInMonth(new Date('2028-02-10T00:00:00Z')), 29);
      assert.equal(daysInMonth(new Date('2026-02-10T00:00:00Z')), 28);
      assert.equal(previousMonthKey(new Date('2026-01-15T00:00:00Z')), '2025-12');
    });
  });
});
