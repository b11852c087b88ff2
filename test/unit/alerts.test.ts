import * as assert from 'node:assert/strict';
import { budgetAlerts } from '../../src/core/budget/alerts';
import type { LimitRule } from '../../src/core/budget/budget';
import { parseSettings } from '../../src/core/settings';

const monthly: LimitRule = { period: 'month', limit: 10_000_000, setting: 'costwise.budget.monthlyUsd' };
const daily: LimitRule = { period: 'day', limit: 1_000_000, setting: 'costwise.budget.dailyUsd' };
const LEVELS = [50, 80, 100];

/** Runs the alert check over a sequence of spend values, remembering what was announced. */
function replay(rules: LimitRule[], spends: number[], today = '2026-11-30') {
  const announced = new Set<string>();
  return spends.map((spent) => {
    const alerts = budgetAlerts(rules, LEVELS, () => spent, today, (k) => announced.has(k));
    for (const a of alerts) for (const k of a.claims) announced.add(k);
    return alerts.map((a) => `${a.rule.period}:${a.level}`);
  });
}

describe('budget alerts', () => {
  it('announces each level once as spend climbs, never again on later requests', () => {
    assert.deepEqual(replay([monthly], [1_000_000, 5_000_000, 5_100_000, 7_999_999, 8_000_000, 9_000_000, 10_000_000, 12_000_000]), [[], ['month:50'], [], [], ['month:80'], [], ['month:100'], []]);
  });

  it('a jump past several levels shows only the highest, and the lower ones are not shown after', () => {
    assert.deepEqual(replay([monthly], [0, 9_500_000, 9_600_000, 10_500_000]), [[], ['month:80'], [], ['month:100']]);
  });

  it('daily levels start again each day; a limit of 0 never alerts', () => {
    const announced = new Set<string>();
    const at = (spent: number, today: string) => {
      const a = budgetAlerts([daily, { ...monthly, limit: 0 }], LEVELS, () => spent, today, (k) => announced.has(k));
      for (const x of a) for (const k of x.claims) announced.add(k);
      return a.map((x) => x.level);
    };
    assert.deepEqual(at(600_000, '2026-11-29'), [50]);
    assert.deepEqual(at(600_000, '2026-11-29'), []);
    assert.deepEqual(at(600_000, '2026-11-30'), [50]);
  });

  it('per-provider limits are checked in their own scope', () => {
    const rule: LimitRule = { period: 'month', limit: 1_000_000, provider: 'openai', setting: 'costwise.budget.perProvider' };
    const a = budgetAlerts([rule], LEVELS, (scope) => (scope.provider === 'openai' ? 900_000 : 50_000_000), '2026-11-30', () => false);
    assert.deepEqual(a.map((x) => [x.level, x.spent]), [[80, 900_000]]);
  });

  it('alert levels come from costwise.budget.alertPercents, validated', () => {
    assert.deepEqual(parseSettings({ 'budget.alertPercents': [90, 25, 90] }).settings.budget.alertPercents, [25, 90]);
    const bad = parseSettings({ 'budget.alertPercents': ['lots'] });
    assert.deepEqual(bad.settings.budget.alertPercents, [50, 80, 100]);
    assert.ok(bad.problems.some((p) => p.setting === 'costwise.budget.alertPercents'));
  });
});
