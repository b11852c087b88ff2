import * as assert from 'node:assert/strict';
import { isDecisionViewData, isDecisionViewToHost, isHostToDecisionView, type DecisionViewData } from '../../src/shared/decisionProtocol';
import { decisionSheet } from '../../src/core/routing/decisionSheet';
import { buildCandidates } from '../../src/core/routing/registry';
import { route, UNRESTRICTED } from '../../src/core/routing/router';
import { priceDataAge } from '../../src/core/routing/timeOfDay';
import { DEFAULT_TIERS } from '../../src/core/routing/tiers';
import { curatedCatalog } from '../../src/node/priceBook';
import { isAnswerFooter, isHostToExplainView, type AnswerFooter } from '../../src/shared/explainProtocol';

const row = { kind: 'chosen', model: 'deepseek-flash', effort: 'high', endpoint: 'deepseek', quality: '69.2', expected: '$0.0006', worstCase: '$0.005', reason: 'chosen', timeOfDay: 'off-peak until 01:00 UTC (peak prices from then)' };
const data: DecisionViewData = {
  summary: 's',
  task: 'explain',
  tier: 'basic',
  thresholds: 'premium ≥ 80 · standard ≥ 72 · basic ≥ 0',
  decidedAt: '2026-11-30 00:00 UTC',
  timeNotes: ['deepseek-flash: off-peak until 01:00 UTC (peak prices from then)'],
  priceData: { text: 'price data 68 days old (stale)', stale: true },
  rows: [row as DecisionViewData['rows'][number]],
};

describe('"Why This Model?" webview protocol', () => {
  it('accepts only `ready` and a well-formed `rendered` from the webview', () => {
    assert.ok(isDecisionViewToHost({ type: 'ready' }));
    assert.ok(isDecisionViewToHost({ type: 'rendered', rows: 3 }));
    for (const bad of [null, 'ready', {}, { type: 'ready', x: 1 }, { type: 'rendered' }, { type: 'rendered', rows: -1 }, { type: 'rendered', rows: 1.5 }, { type: 'rendered', rows: '3' }, { type: 'rendered', rows: 3, extra: true }, { type: 'cancel' }, JSON.parse('{"__proto__":{"type":"ready"}}')]) {
      assert.equal(isDecisionViewToHost(bad), false, JSON.stringify(bad));
    }
  });

  it('every sheet the host builds passes the webview validation after the JSON trip', () => {
    const at = new Date('2026-11-30T00:00:00Z');
    const up = (provider: 'openai' | 'deepseek' | 'anthropic' | 'gemini', key: boolean) => ({ provider, endpoint: provider, enabled: true, keyPresent: key, reachable: true });
    const providers = [up('openai', true), up('deepseek', false), up('anthropic', true), up('gemini', false), { provider: 'custom' as const, endpoint: 'endpoint', enabled: true, keyPresent: true, reachable: false, models: ['my-model'] }];
    const locals = [{ model: 'deepseek-r1:1.5b', endpoint: 'local', contextWindow: 32_768, maxOutput: 8_192, reachable: true, costPer1kTokens: 30, qualityKey: 'r1-distill-qwen-1.5b' }];
    for (const tier of ['basic', 'standard', 'premium'] as const) {
      const d = route(buildCandidates(curatedCatalog(), at, providers, locals), { task: 'explain', at, tier, thresholds: DEFAULT_TIERS, promptTokens: () => 2_000, expectedOutput: () => 600, maxOutputTokens: 4_096, ...UNRESTRICTED });
      const sheet = decisionSheet({ ...d, priceData: priceDataAge({ source: 'x', date: '2026-09-23' }, at.getTime()) });
      assert.ok(sheet.rows.some((r) => r.model === 'my-model') && sheet.rows.some((r) => r.endpoint === 'local'));
      assert.ok(isHostToDecisionView(JSON.parse(JSON.stringify({ type: 'decision', data: sheet }))), tier);
    }
  });

  it('validates the decision the host sends (and a restored state) field by field', () => {
    assert.ok(isHostToDecisionView({ type: 'decision', data }));
    assert.ok(isHostToDecisionView({ type: 'empty' }));
    assert.ok(isDecisionViewData({ ...data, priceData: undefined }));
    const broken: unknown[] = [
      { ...data, rows: [{ ...row, kind: 'winner' }] },
      { ...data, rows: [{ ...row, model: '' }] },
      { ...data, rows: [{ ...row, expected: 0.0006 }] },
      { ...data, rows: [{ ...row, effort: 3 }] },
      { ...data, rows: 'none' },
      { ...data, timeNotes: [1] },
      { ...data, priceData: { text: 'x', stale: 'yes' } },
      { ...data, summary: undefined },
    ];
    for (const b of broken) assert.equal(isHostToDecisionView({ type: 'decision', data: b }), false, JSON.stringify(b));
    assert.equal(isHostToDecisionView({ type: 'empty', data }), false);
  });
});

describe('the answer footer in the explanation protocol', () => {
  const footer: AnswerFooter = { model: 'deepseek-flash', tier: 'basic', inputTokens: 120, outputTokens: 45, reasoningTokens: 12, cost: '$0.000036', estimated: false, priceWindow: 'off-peak price until 01:00 UTC', stalePrices: 'price data 68 days old (stale)' };
  it('accepts a footer with the price window and the stale flag, or without them', () => {
    assert.ok(isHostToExplainView({ type: 'done', footer }));
    const { priceWindow: _w, stalePrices: _s, ...plain } = footer;
    assert.ok(isAnswerFooter(plain));
  });
  it('rejects a footer with a field of the wrong type', () => {
    for (const bad of [{ ...footer, priceWindow: 1 }, { ...footer, stalePrices: true }, { ...footer, inputTokens: -1 }, { ...footer, outputTokens: '45' }, { ...footer, estimated: 'no' }, { ...footer, cost: undefined }]) {
      assert.equal(isHostToExplainView({ type: 'done', footer: bad }), false, JSON.stringify(bad));
    }
  });
});
