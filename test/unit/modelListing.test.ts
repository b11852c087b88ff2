import * as assert from 'node:assert/strict';
import { modelsOverviewMarkdown, type ProviderModels } from '../../src/core/modelsOverview';
import type { PriceEntry } from '../../src/core/pricing/priceEntry';
import { buildCandidates, type ProviderStatus } from '../../src/core/routing/registry';
import { route, UNRESTRICTED, type RouteRequest } from '../../src/core/routing/router';
import { DEFAULT_TIERS } from '../../src/core/routing/tiers';
import { curatedCatalog } from '../../src/node/priceBook';

const catalog = curatedCatalog();
const at = new Date('2026-11-30T12:00:00Z');
const LISTED_AT = '2026-11-30T09:15:00.000Z';
const up = (provider: ProviderStatus['provider'], extra: Partial<ProviderStatus> = {}): ProviderStatus => ({ provider, endpoint: provider, enabled: true, keyPresent: true, reachable: true, ...extra });
const req = (extra: Partial<RouteRequest> = {}): RouteRequest => ({
  task: 'explain',
  at,
  tier: 'basic',
  thresholds: DEFAULT_TIERS,
  promptTokens: () => 2_000,
  expectedOutput: () => 600,
  maxOutputTokens: 4_096,
  ...UNRESTRICTED,
  ...extra,
});
const rejection = (d: ReturnType<typeof route>, model: string) => d.rejected.find((x) => x.candidate.model === model);

describe('routing with the provider’s own model list for the key', () => {
  it('without a list, every catalog model of the provider is a candidate (the default)', () => {
    const models = new Set(buildCandidates(catalog, at, [up('deepseek')], []).map((c) => c.model));
    assert.ok(models.has('deepseek-flash') && models.has('deepseek-v4-pro'));
    const d = route(buildCandidates(catalog, at, [up('deepseek')], []), req());
    assert.equal(d.chosen?.candidate.model, 'deepseek-flash', 'the cheapest DeepSeek model, as a baseline for the next test');
  });

  it('a catalog model the key cannot use is never chosen, and the trace says why (even when pinned)', () => {
    const listed = up('deepseek', { models: ['deepseek-v4-pro'], listedAt: LISTED_AT });
    const d = route(buildCandidates(catalog, at, [listed], []), req());
    assert.equal(d.chosen?.candidate.model, 'deepseek-v4-pro');
    const r = rejection(d, 'deepseek-flash');
    assert.equal(r?.filter, 'available');
    assert.equal(r?.reason, "not available to your key (deepseek's model list, 2026-11-30)");
    const pinned = route(buildCandidates(catalog, at, [listed], []), req({ pinned: 'deepseek-flash' }));
    assert.equal(pinned.chosen, undefined);
    assert.equal(rejection(pinned, 'deepseek-flash')?.filter, 'available');
  });

  it('a listed model with no price is refused as unpriced with how to price it — never at $0, not even pinned', () => {
    const listed = up('deepseek', { models: ['deepseek-flash', 'deepseek-v5-preview'], listedAt: LISTED_AT });
    const cands = buildCandidates(catalog, at, [listed], []);
    const unpriced = cands.filter((c) => c.model === 'deepseek-v5-preview');
    assert.equal(unpriced.length, 1);
    assert.equal(unpriced[0]!.price, undefined);
    for (const r of [req(), req({ pinned: 'deepseek-v5-preview' })]) {
      const d = route(cands, r);
      assert.notEqual(d.chosen?.candidate.model, 'deepseek-v5-preview');
      assert.ok(d.ranked.every((s) => s.candidate.price !== undefined && s.expectedCost > 0));
      const x = rejection(d, 'deepseek-v5-preview');
      assert.equal(x?.filter, 'price');
      assert.match(x!.reason, /no known price: add one in costwise\.prices/);
    }
  });

  it('once priced in costwise.prices, the listed model is an ordinary candidate', () => {
    const base = catalog.lookup('deepseek-flash', at)!;
    const { aliases: _a, snapshots: _s, ...rest } = base;
    const price: PriceEntry = { ...rest, model: 'deepseek-v5-preview', provider: 'custom', effective: '0000-01-01', source: 'settings: costwise.prices' };
    const priced = curatedCatalog([price]);
    const listed = up('deepseek', { models: ['deepseek-v5-preview'], listedAt: LISTED_AT });
    const d = route(buildCandidates(priced, at, [listed], [], { 'deepseek-v5-preview': 75 }), req());
    assert.equal(d.chosen?.candidate.model, 'deepseek-v5-preview');
    assert.ok(d.chosen!.expectedCost > 0);
  });

  it('a dated snapshot in the list makes its catalog model available, offered once under the catalog id', () => {
    const listed = up('anthropic', { models: ['claude-haiku-4-5-20251001', 'claude-sonnet-5'], listedAt: LISTED_AT });
    const cands = buildCandidates(catalog, at, [listed], []);
    const offered = new Set(cands.filter((c) => !c.unavailable).map((c) => c.model));
    assert.deepEqual([...offered].sort(), ['claude-haiku-4-5', 'claude-sonnet-5']);
    assert.ok(cands.some((c) => c.model === 'claude-opus-5-5' && c.unavailable));
    const d = route(cands, req({ tier: 'standard' }));
    assert.ok(d.ranked.length > 0);
    assert.ok(d.ranked.every((s) => offered.has(s.candidate.model)), d.ranked.map((s) => s.candidate.model).join());
  });

  it('the list of one provider leaves the others on the catalog default', () => {
    const cands = buildCandidates(catalog, at, [up('deepseek', { models: ['deepseek-v4-pro'], listedAt: LISTED_AT }), up('anthropic')], []);
    assert.ok(cands.filter((c) => c.provider === 'anthropic').every((c) => !c.unavailable));
    assert.ok(cands.some((c) => c.model === 'claude-opus-5-5'));
  });
});

describe('"Show Available Models": what each provider offers this key', () => {
  const deepseek = (extra: Partial<ProviderModels> = {}): ProviderModels => ({
    provider: 'deepseek',
    baseUrl: 'https://api.deepseek.com',
    keyPresent: true,
    entry: undefined,
    listing: { models: ['deepseek-v4-pro', 'deepseek-v5-preview'], listedAt: LISTED_AT },
    ...extra,
  });
  const row = (md: string, model: string) => md.split('\n').find((l) => l.startsWith(`| \`${model}\` |`));

  it('lists priced, scored, unpriced (with the setting to add) and not-available models', () => {
    const md = modelsOverviewMarkdown(catalog, at, [deepseek()], {}, false);
    assert.match(md, /## deepseek — https:\/\/api\.deepseek\.com/);
    assert.match(md, /from deepseek’s model list read 2026-11-30 09:15 UTC \(2 listed/);
    assert.match(row(md, 'deepseek-v4-pro')!, /\| \$[\d.]+ \/ \$[\d.]+.* \| 70 .*\| routed \|$/);
    assert.match(row(md, 'deepseek-v5-preview')!, /\| — \| — \| \*\*unpriced\*\*: not routed \|$/);
    assert.match(md, /- `deepseek-v5-preview` is unpriced \(Costwise never guesses a price or uses \$0\): add a price in `costwise\.prices`: `"deepseek-v5-preview": \{ "inputPerMTok": …, "outputPerMTok": … \}`/);
    assert.match(row(md, 'deepseek-flash')!, /not available to your key \|$/);
    assert.match(row(md, 'deepseek-r1')!, /retired 2025-09-29 \|$/);
  });

  it('without a list: the catalog, retired models marked, and a failed read said plainly', () => {
    const entry = { provider: 'deepseek', baseUrl: 'https://api.deepseek.com', keyFingerprint: '0123456789abcdef', checkedAt: LISTED_AT, error: 'api.deepseek.com rejected the API key (HTTP 401)' };
    const md = modelsOverviewMarkdown(catalog, at, [deepseek({ listing: undefined, entry })], {}, false);
    assert.match(md, /model list for your key is not known: every catalog model of deepseek is offered/);
    assert.match(md, /> The last read \(2026-11-30 09:15 UTC\) failed: api\.deepseek\.com rejected the API key \(HTTP 401\) — the catalog default is used\./);
    assert.match(row(md, 'deepseek-flash')!, /routed \|$/);
    assert.match(row(md, 'deepseek-v4-flash')!, /retired 2026-09-10 \|$/);
  });
});
