import * as assert from 'node:assert/strict';
import { parseSettings } from '../../src/core/settings';

const good = { 'endpoint.baseUrl': 'https://api.deepseek.com/', 'endpoint.model': 'deepseek-reasoner', 'budget.monthlyUsd': 10, 'budget.dailyUsd': null, maxOutputTokens: 4096, prices: {}, defaultTier: 'standard' };

describe('settings parsing', () => {
  it('reads valid settings into micro-dollars', () => {
    const { settings, problems } = parseSettings(good);
    assert.deepEqual(problems, []);
    assert.equal(settings.endpoint.baseUrl, 'https://api.deepseek.com');
    assert.equal(settings.budget.monthly, 10_000_000);
    assert.equal(settings.budget.daily, undefined);
  });

  it('an invalid budget blocks paid calls (0), never removes the limit', () => {
    for (const bad of [-5, 'ten', Number.NaN, 1e12, Number.POSITIVE_INFINITY]) {
      const { settings, problems } = parseSettings({ ...good, 'budget.monthlyUsd': bad, 'budget.dailyUsd': bad });
      assert.equal(settings.budget.monthly, 0, String(bad));
      assert.equal(settings.budget.daily, 0, String(bad));
      assert.deepEqual(problems.map((p) => p.setting), ['costwise.budget.monthlyUsd', 'costwise.budget.dailyUsd']);
      assert.match(problems[0]!.message, /paid calls are blocked/);
    }
  });

  it('names the bad setting for endpoints that are not http(s) URLs or carry credentials', () => {
    for (const url of ['', 'not a url', 'file:///etc/passwd', 'https://user:pw@example.com']) {
      const { problems } = parseSettings({ ...good, 'endpoint.baseUrl': url });
      assert.equal(problems[0]?.setting, 'costwise.endpoint.baseUrl', url);
    }
  });

  it('reports a malformed price entry by name and keeps the valid ones', () => {
    const { settings, problems } = parseSettings({ ...good, prices: { ok: { inputPerMTok: 1, outputPerMTok: 2 }, broken: { inputPerMTok: 'cheap' } } });
    assert.deepEqual(settings.priceOverrides.map((p) => p.model), ['ok']);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.message, /"broken".*inputPerMTok/);
  });

  it('falls back to safe defaults with a message for a bad tier or output limit', () => {
    const { settings, problems } = parseSettings({ ...good, defaultTier: 'ultra', maxOutputTokens: 10 });
    assert.equal(settings.defaultTier, 'standard');
    assert.equal(settings.maxOutputTokens, 4096);
    assert.deepEqual(problems.map((p) => p.setting).sort(), ['costwise.defaultTier', 'costwise.maxOutputTokens']);
  });

  it('reads per-provider and per-model limits, the warning level and the on-limit policy', () => {
    const { settings, problems } = parseSettings({
      ...good,
      'budget.dailyUsd': 2,
      'budget.perProvider': { openai: { monthlyUsd: 5 } },
      'budget.perModel': { o3: { dailyUsd: 1, monthlyUsd: 3 } },
      'budget.warnPercent': 50,
      'budget.onLimit': 'downgrade',
    });
    assert.deepEqual(problems, []);
    const p = settings.budget.policy;
    assert.deepEqual(
      p.rules.map((r) => [r.period, r.limit, r.provider ?? r.model ?? '*', r.setting]),
      [
        ['month', 10_000_000, '*', 'costwise.budget.monthlyUsd'],
        ['day', 2_000_000, '*', 'costwise.budget.dailyUsd'],
        ['month', 5_000_000, 'openai', 'costwise.budget.perProvider.openai'],
        ['month', 3_000_000, 'o3', 'costwise.budget.perModel.o3'],
        ['day', 1_000_000, 'o3', 'costwise.budget.perModel.o3'],
      ],
    );
    assert.equal(p.warnRatio, 0.5);
    assert.equal(p.onLimit, 'downgrade');
  });

  it('a malformed scoped limit blocks that scope instead of lifting it', () => {
    const { settings, problems } = parseSettings({ ...good, 'budget.perProvider': { openai: { monthlyUsd: -1 } }, 'budget.onLimit': 'yolo' });
    const rule = settings.budget.policy.rules.find((r) => r.provider === 'openai');
    assert.equal(rule?.limit, 0);
    assert.equal(settings.budget.policy.onLimit, 'ask');
    assert.deepEqual(problems.map((p) => p.setting), ['costwise.budget.perProvider', 'costwise.budget.onLimit']);
  });

  it('reads the energy price of local inference, with named fallbacks for bad values', () => {
    const ok = parseSettings({ ...good, 'local.watts': 35, 'local.usdPerKwh': 0.3 });
    assert.deepEqual(ok.settings.energy, { watts: 35, usdPerKwh: 0.3, hardwareUsdPerHour: 0 });
    const bad = parseSettings({ ...good, 'local.watts': -1 });
    assert.equal(bad.settings.energy.watts, 60);
    assert.deepEqual(bad.problems.map((p) => p.setting), ['costwise.local.watts']);
  });
});
