import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock } from '../../src/core/clock';
import { SpendLedger } from '../../src/core/ledger/spendLedger';
import { explainMessages } from '../../src/core/requests/explainPrompt';
import { runRequest } from '../../src/core/requests/runRequest';
import { decisionSheet } from '../../src/core/routing/decisionSheet';
import { buildCandidates, type ProviderStatus } from '../../src/core/routing/registry';
import { route, UNRESTRICTED, type Decision, type RouteRequest } from '../../src/core/routing/router';
import { describePriceAge, describePriceWindow, describeTimeOfDay, formatChange, priceDataAge, timeOfDayOf } from '../../src/core/routing/timeOfDay';
import { DEFAULT_TIERS } from '../../src/core/routing/tiers';
import { JsonlLedgerStore } from '../../src/node/jsonlLedgerStore';
import { curatedCatalog } from '../../src/node/priceBook';
import { OpenAICompatibleProvider } from '../../src/providers/openAICompatible';
import { OpenAIServer } from '../harness/openAIServer';

const catalog = curatedCatalog();
const up = (provider: ProviderStatus['provider']): ProviderStatus => ({ provider, endpoint: provider, enabled: true, keyPresent: true, reachable: true, latencyMs: 100 });

function decide(iso: string, providers = [up('deepseek'), up('openai'), up('gemini')], extra: Partial<RouteRequest> = {}): Decision {
  const at = new Date(iso);
  return route(buildCandidates(catalog, at, providers, []), {
    task: 'explain',
    at,
    tier: 'basic',
    thresholds: DEFAULT_TIERS,
    promptTokens: () => 2_000,
    expectedOutput: () => 500,
    maxOutputTokens: 4_096,
    ...UNRESTRICTED,
    ...extra,
  });
}
const scored = (d: Decision, model: string) => [...d.ranked, ...d.rejected].find((s) => s.candidate.model === model)!;
const ms = (iso: string) => Date.parse(iso);

describe('time of day in the routing decision (DeepSeek peak / off-peak, Beijing calendar)', () => {
  it('at a peak instant: "peak" until the window ends, and the peak price in the expected cost', () => {
    // Monday 2026-11-30 02:00 UTC = 10:00 Beijing, inside 09:00–12:00.
    const d = decide('2026-11-30T02:00:00Z');
    const s = scored(d, 'deepseek-flash');
    assert.deepEqual(s.timeOfDay, { label: 'peak', until: ms('2026-11-30T04:00:00Z'), next: 'off-peak' });
    const off = scored(decide('2026-11-30T00:00:00Z'), 'deepseek-flash');
    assert.equal(s.expectedCost, 2 * off.expectedCost, 'peak is twice the off-peak price (no cache hits assumed)');
    assert.equal(describeTimeOfDay(s.timeOfDay!, d.at), 'peak until 04:00 UTC (off-peak prices from then)');
    assert.equal(d.at, ms('2026-11-30T02:00:00Z'));
  });

  it('at an off-peak instant: "off-peak until 01:00 UTC", in the sheet as one note per model', () => {
    const d = decide('2026-11-30T00:00:00Z'); // 08:00 Beijing
    assert.deepEqual(scored(d, 'deepseek-flash').timeOfDay, { label: 'off-peak', until: ms('2026-11-30T01:00:00Z'), next: 'peak' });
    const sheet = decisionSheet(d);
    assert.ok(sheet.timeNotes.includes('deepseek-flash: off-peak until 01:00 UTC (peak prices from then)'), sheet.timeNotes.join('\n'));
    assert.equal(new Set(sheet.timeNotes.map((n) => n.split(':')[0])).size, sheet.timeNotes.length, 'one note per model, whatever its efforts');
    const row = sheet.rows.find((r) => r.model === 'deepseek-flash')!;
    assert.equal(row.timeOfDay, 'off-peak until 01:00 UTC (peak prices from then)');
    assert.equal(scored(d, 'deepseek-v4-flash').candidate.retiredOn !== undefined, true);
    assert.ok(!sheet.timeNotes.some((n) => n.startsWith('deepseek-v4-flash:')), 'a retired model gets no note');
  });

  it('on a Beijing weekend: off-peak until Monday 09:00 Beijing, written with its day', () => {
    const d = decide('2026-11-28T02:00:00Z'); // Saturday 10:00 Beijing
    const t = scored(d, 'deepseek-flash').timeOfDay!;
    assert.deepEqual(t, { label: 'off-peak', until: ms('2026-11-30T01:00:00Z'), next: 'peak' });
    assert.equal(describeTimeOfDay(t, d.at), 'off-peak until Mon 2026-11-30 01:00 UTC (peak prices from then)');
  });

  it('models that bill the same at every hour carry no time of day', () => {
    const d = decide('2026-11-30T02:00:00Z');
    assert.equal(scored(d, 'gpt-5-mini').timeOfDay, undefined);
    assert.ok(!decisionSheet(d).timeNotes.some((n) => n.startsWith('gpt-')));
  });

  it('a promotional price carries its end until it has passed', () => {
    assert.equal(scored(decide('2026-11-30T12:00:00Z'), 'gemini-4-carbon').promoUntil, '2026-12-01');
    assert.equal(scored(decide('2026-12-02T12:00:00Z'), 'gemini-4-carbon').promoUntil, undefined);
    const row = decisionSheet(decide('2026-11-30T12:00:00Z')).rows.find((r) => r.model === 'gemini-4-carbon')!;
    assert.equal(row.promo, 'promotional price until 2026-12-01');
  });

  it('the sheet: tier thresholds, effort per row, unscored and estimated quality, every rejection with its reason', () => {
    const d = decide('2026-11-30T02:00:00Z', [up('deepseek'), up('openai')], { tier: 'premium', deny: ['gpt-5-mini'] });
    const sheet = decisionSheet(d);
    assert.equal(sheet.thresholds, 'premium ≥ 80 · standard ≥ 72 · basic ≥ 0');
    assert.equal(sheet.decidedAt, '2026-11-30 02:00 UTC');
    assert.equal(sheet.rows.filter((r) => r.kind === 'chosen').length, 1);
    assert.equal(sheet.rows.length, d.ranked.length + d.rejected.length);
    const denied = sheet.rows.find((r) => r.model === 'gpt-5-mini')!;
    assert.equal(denied.kind, 'rejected');
    assert.match(denied.reason, /deny list/);
    assert.ok(sheet.rows.some((r) => r.effort), 'rows carry their effort');
    const flash = sheet.rows.find((r) => r.model === 'deepseek-flash')!;
    assert.match(flash.reason, /below the premium tier/);
    const unscored: Decision = { ...d, rejected: [{ ...d.rejected[0]!, candidate: { ...d.rejected[0]!.candidate, quality: undefined } }] };
    assert.equal(decisionSheet(unscored).rows.at(-1)!.quality, 'unscored');
    const est: Decision = { ...d, rejected: [{ ...d.rejected[0]!, candidate: { ...d.rejected[0]!.candidate, quality: 31, qualityEstimated: true } }] };
    assert.equal(decisionSheet(est).rows.at(-1)!.quality, '31 (est.)');
  });
});

describe('price data age (stale after 60 days)', () => {
  const at = ms('2026-11-30T12:00:00Z');
  it('is flagged past 60 days, with where the data came from', () => {
    const old = priceDataAge({ source: '@pydantic/genai-prices 0.1.8', date: '2026-09-23' }, at, '2026-11-30');
    assert.deepEqual([old.days, old.stale], [68, true]);
    assert.equal(describePriceAge(old), 'price data 68 days old (stale)');
    const d: Decision = { ...decide('2026-11-30T12:00:00Z'), priceData: old };
    const sheet = decisionSheet(d);
    assert.equal(sheet.priceData?.stale, true);
    assert.equal(sheet.priceData?.text, "Prices from @pydantic/genai-prices 0.1.8 (2026-09-23) with Costwise's corrections (2026-11-30): price data 68 days old (stale).");
  });

  it('is not flagged at 60 days or less; an unreadable date is stale', () => {
    assert.equal(priceDataAge({ source: 's', date: '2026-10-01' }, at).stale, false, '60 days');
    assert.equal(priceDataAge({ source: 's', date: '2026-09-30' }, at).stale, true, '61 days');
    assert.equal(describePriceAge(priceDataAge({ source: 's', date: '2026-11-29' }, at)), 'price data 1 day old');
    const bad = priceDataAge({ source: 's', date: 'yesterday' }, at);
    assert.equal(bad.stale, true);
    assert.equal(describePriceAge(bad), 'price data of unknown age (stale)');
  });
});

describe('the answer footer: the window the settled request was priced in', () => {
  it('formats a change within a day as a time, later ones with their day', () => {
    assert.equal(formatChange(ms('2026-11-30T01:00:00Z'), ms('2026-11-30T00:00:00Z')), '01:00 UTC');
    assert.equal(formatChange(ms('2026-12-07T01:00:00Z'), ms('2026-11-30T00:00:00Z')), 'Mon 2026-12-07 01:00 UTC');
    assert.equal(describePriceWindow({ label: 'off-peak', until: ms('2026-11-30T01:00:00Z'), next: 'peak' }, ms('2026-11-30T00:00:00Z')), 'off-peak price until 01:00 UTC');
    assert.equal(describePriceWindow({ label: 'off-peak' }, 0), 'off-peak price');
  });

  it('runRequest prices the settled usage at the instant taken before reserving, and says which window applied', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'costwise-tod-'));
    const server = await new OpenAIServer({ fixtures: { 'deepseek-flash': 'deepseek-reasoner' } }).start();
    try {
      const clock = fixedClock('2026-11-30T02:00:00Z'); // peak
      const ledger = new SpendLedger(new JsonlLedgerStore(dir), clock, () => `r${Math.random()}`, 'test');
      const price = catalog.lookup('deepseek-flash', clock.now())!;
      const r = await runRequest(
        { ledger, clock },
        {
          provider: new OpenAICompatibleProvider({ id: 't', baseUrl: server.url, apiKey: 'k' }),
          price,
          request: { model: 'deepseek-flash', messages: explainMessages({ text: 'function add(a, b) { return a + b; }', languageId: 'javascript' }), maxOutputTokens: 1000 },
          task: 'explain',
          budget: { rules: [{ period: 'month', limit: 10_000_000, setting: 'costwise.budget.monthlyUsd' }], warnRatio: 0.8, onLimit: 'ask' },
          signal: new AbortController().signal,
          onEvent: () => undefined,
        },
      );
      assert.equal(r.at.toISOString(), '2026-11-30T02:00:00.000Z');
      assert.equal(r.resolved?.window, 'peak');
      assert.deepEqual(timeOfDayOf(price, r.resolved!), { label: 'peak', until: ms('2026-11-30T04:00:00Z'), next: 'off-peak' });
      assert.ok(r.record && r.record.cost > 0);
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
