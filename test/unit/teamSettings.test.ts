import * as assert from 'node:assert/strict';
import { evaluateBudget } from '../../src/core/budget/budget';
import { monthlyLimits, teamRules, teamStanding, withTeamBudgets } from '../../src/core/budget/teamBudgets';
import { renderOpenMetrics } from '../../src/core/metrics/openMetrics';
import { MonthFold } from '../../src/core/ledger/monthFold';
import { parseSettings } from '../../src/core/settings';
import { emptyUsage } from '../../src/core/pricing/usage';

describe('team settings and budgets (pure)', () => {
  it('costwise.ledger.*: the backend, a URL without a password, the offline allowance and the identity', () => {
    const ok = parseSettings({ 'budget.monthlyUsd': 10, 'endpoint.baseUrl': 'https://api.deepseek.com', 'endpoint.model': 'deepseek-reasoner', 'ledger.backend': 'postgres', 'ledger.postgresUrl': 'postgresql://alice@db:5432/costwise', 'ledger.offlineAllowanceUsd': 0.5, identity: 'alice' });
    assert.deepEqual(ok.settings.ledger, { backend: 'postgres', postgresUrl: 'postgresql://alice@db:5432/costwise', offlineAllowance: 500_000, identity: 'alice' });
    assert.deepEqual(ok.problems, []);
    const bad = parseSettings({ 'budget.monthlyUsd': 10, 'endpoint.baseUrl': 'https://api.deepseek.com', 'endpoint.model': 'm', 'ledger.backend': 'postgres', 'ledger.postgresUrl': 'postgresql://alice:hunter2@db/costwise', 'ledger.offlineAllowanceUsd': -1, identity: 'a\nb' });
    assert.deepEqual(bad.problems.map((p) => p.setting), ['costwise.ledger.postgresUrl', 'costwise.ledger.offlineAllowanceUsd', 'costwise.identity']);
    assert.match(bad.problems[0]!.message, /must not contain a password: run "Costwise: Set Team Ledger Password…"/);
    assert.equal(bad.settings.ledger.offlineAllowance, 0);
    assert.equal(parseSettings({ 'ledger.backend': 'mysql' }).settings.ledger.backend, 'local');
  });

  it('on a team ledger own limits count only this person, the team limits everyone, and neither can be waved through', () => {
    const own = parseSettings({ 'budget.monthlyUsd': 1, 'endpoint.baseUrl': 'https://api.deepseek.com', 'endpoint.model': 'm' });
    const s = withTeamBudgets(own, { team: { monthly: 3_000_000 }, perPerson: { monthly: 2_000_000 }, people: { bob: { daily: 100_000 } } }, 'alice');
    const rules = s.settings.budget.policy.rules;
    assert.deepEqual(rules.map((r) => [r.period, r.limit, r.person ?? '(all)', !!r.binding]), [['month', 1_000_000, 'alice', false], ['month', 3_000_000, '(all)', true], ['month', 2_000_000, 'alice', true]]);
    assert.deepEqual(teamRules({ people: { bob: { daily: 100_000 } } }, 'bob').map((r) => [r.period, r.limit, r.person]), [['day', 100_000, 'bob']]);
    const fold = new MonthFold('2026-11');
    const price = { model: 'm', effective: '2026-01-01', source: 't' };
    const settle = (id: string, person: string, cost: number) => fold.apply({ v: 1, kind: 'settle', id, at: '2026-11-10T10:00:00.000Z', reservedAt: '2026-11-10T10:00:00.000Z', model: 'm', provider: 'openai', task: 'explain', usage: emptyUsage(), cost, price, durationMs: 1, outcome: 'ok', person });
    settle('1', 'bob', 2_500_000);
    settle('2', 'alice', 400_000);
    const v = evaluateBudget(s.settings.budget.policy, { provider: 'openai', model: 'm', local: false }, 200_000, (scope) => fold.spent(scope), '2026-11-10');
    assert.equal(v.admitted, false);
    assert.deepEqual(v.exceeded.map((e) => [e.rule.setting, e.spent]), [['the team budget (costwise budget set --team)', 2_900_000]]);
    assert.deepEqual(monthlyLimits(rules), { personal: rules[0], team: rules[1] });
    // The report's key figures on a team ledger: Alice's month against her tightest limit, beside the team's.
    assert.deepEqual(teamStanding(rules, (scope) => fold.spent(scope)), { person: 'alice', personal: { spent: 400_000, limit: 1_000_000 }, team: { spent: 2_900_000, limit: 3_000_000 } });
    assert.equal(teamStanding(own.settings.budget.policy.rules, (scope) => fold.spent(scope)), undefined, 'not on a team ledger');
  });

  it('OpenMetrics: exact dollars, escaped labels, one series per budget, and # EOF', () => {
    const fold = new MonthFold('2026-11');
    const price = { model: 'm', effective: '2026-01-01', source: 't' };
    fold.apply({ v: 1, kind: 'settle', id: '1', at: '2026-11-10T10:00:00.000Z', reservedAt: '2026-11-10T10:00:00.000Z', model: 'my "model"\\x', provider: 'custom', task: 'explain', usage: { ...emptyUsage(), outputTokens: 7 }, cost: 1_000_001, price, durationMs: 1, outcome: 'ok', person: 'ann' });
    const text = renderOpenMetrics(fold, [{ period: 'month', limit: 5_000_000, setting: 's' }, { period: 'month', limit: 4_000_000, setting: 's' }], '2026-11-10');
    assert.match(text, /^costwise_month_spend_usd\{month="2026-11",model="my \\"model\\"\\\\x",provider="custom",person="ann"\} 1\.000001$/m);
    assert.match(text, /^costwise_month_tokens\{[^}]*kind="output"\} 7$/m);
    assert.deepEqual(text.match(/^costwise_budget_limit_usd.*$/gm), ['costwise_budget_limit_usd{scope="overall",person="",period="month",provider="",model="",setting="s"} 4.000000']);
    assert.match(text, /^costwise_budget_used_usd\{.*\} 1\.000001$/m);
    assert.ok(text.endsWith('# EOF\n'));
  });
});
