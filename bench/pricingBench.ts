import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { costOf } from '../src/core/pricing/cost';
import { emptyUsage, type Usage } from '../src/core/pricing/usage';
import { BUNDLED_UPSTREAM, bookFrom, bundledUpstream } from '../src/node/priceBook';
import { percentile, table } from './table';

const ROOT = join(__dirname, '..', '..');

/** Per-call times in µs of `fn` over `n` calls, after a warm-up, sampled in batches of 100. */
function micros(fn: (i: number) => unknown, n = 100_000): number[] {
  for (let i = 0; i < 20_000; i++) fn(i);
  const samples: number[] = [];
  for (let b = 0; b < n / 100; b++) {
    const t = performance.now();
    for (let i = 0; i < 100; i++) fn(b * 100 + i);
    samples.push(((performance.now() - t) * 1000) / 100);
  }
  return samples;
}

/** A cold process: how long the price data takes to load (never on the activation path: first use only). */
function coldLoad(): Record<string, number> {
  const script = `
    const t0 = performance.now();
    const pb = require(${JSON.stringify(join(ROOT, 'out/src/node/priceBook.js'))});
    pb.curatedLayer();
    const t1 = performance.now();
    pb.bundledUpstream().then((up) => {
      const t2 = performance.now();
      const book = pb.bookFrom(up, pb.BUNDLED_UPSTREAM, [], Date.now());
      const t3 = performance.now();
      process.stdout.write(JSON.stringify({ curated: t1 - t0, upstreamModule: t2 - t1, convertMerge: t3 - t2, entries: book.catalog.current(Date.now()).length }));
    });`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  return JSON.parse(r.stdout) as Record<string, number>;
}

export async function benchPricing(): Promise<void> {
  const peer = (await import('@pydantic/genai-prices')) as typeof import('@pydantic/genai-prices');
  const book = bookFrom(await bundledUpstream(), BUNDLED_UPSTREAM, [], Date.now());
  const c = book.catalog;
  const base = Date.parse('2026-11-30T00:00:00Z');
  const at = (i: number) => base + (i % 1440) * 60_000; // every minute of a day: peak and off-peak alike
  const u: Usage = { ...emptyUsage(), inputTokens: 1_800, cachedReadTokens: 200, outputTokens: 2_400, reasoningTokens: 1_900 };
  const cases: Array<{ name: string; model: string; peerModel: string; peerProvider: string; usage: Usage }> = [
    { name: 'flat (claude-haiku-4-5)', model: 'claude-haiku-4-5', peerModel: 'claude-haiku-4-5', peerProvider: 'anthropic', usage: u },
    { name: 'context tier (gpt-6-sol, 300K prompt)', model: 'gpt-6-sol', peerModel: 'gpt-6-sol', peerProvider: 'openai', usage: { ...u, inputTokens: 300_000 } },
    { name: 'time of day (deepseek-flash / peer: deepseek-v4-flash)', model: 'deepseek-flash', peerModel: 'deepseek-v4-flash', peerProvider: 'deepseek', usage: u },
    { name: 'dated snapshot (claude-sonnet-5-20260630)', model: 'claude-sonnet-5-20260630', peerModel: 'claude-sonnet-5-20260630', peerProvider: 'anthropic', usage: u },
  ];
  const rows = cases.map((k) => {
    const ours = micros((i) => {
      const t = at(i);
      return costOf(k.usage, c.lookup(k.model, t)!, t);
    });
    const peerUsage = { input_tokens: k.usage.inputTokens + k.usage.cachedReadTokens, cache_read_tokens: k.usage.cachedReadTokens, output_tokens: k.usage.outputTokens };
    const theirs = micros((i) => peer.calcPrice(peerUsage, k.peerModel, { providerId: k.peerProvider, timestamp: new Date(at(i)) }));
    return { case: k.name, 'costwise p50 µs': percentile(ours, 50), 'costwise p99 µs': percentile(ours, 99), 'genai-prices p50 µs': percentile(theirs, 50), 'genai-prices p99 µs': percentile(theirs, 99) };
  });
  table('Price lookup + cost of one request (exact integers) vs @pydantic/genai-prices calcPrice (floats), same usage, instants across a day', rows);

  const cold = coldLoad();
  table('Price data load in a fresh process (first use, never on activation)', [
    { step: 'curated layer (data/prices.curated.json, parsed + validated)', ms: cold.curated! },
    { step: 'upstream package module (bundled data)', ms: cold.upstreamModule! },
    { step: 'convert upstream + merge + catalog index', ms: cold.convertMerge! },
    { step: `models in force now: ${cold.entries}`, ms: cold.curated! + cold.upstreamModule! + cold.convertMerge! },
  ]);

  const sizes = existsSync(join(ROOT, 'dist/sizes.json')) ? (JSON.parse(readFileSync(join(ROOT, 'dist/sizes.json'), 'utf8')) as Record<string, number>) : {};
  const kb = (b: number | undefined) => (b === undefined ? 'not built' : `${(b / 1024).toFixed(1)} KB`);
  const vsix = readdirSync(ROOT).filter((f) => f.endsWith('.vsix')).map((f) => statSync(join(ROOT, f)).size)[0];
  table('Bundle and VSIX size (run `npm run build` / `npm run package` first for current figures)', [
    { file: 'dist/extension.js (includes the curated layer)', size: kb(sizes['dist/extension.js']) },
    { file: 'dist/vendor/genaiPrices.js (upstream data + code, loaded on first price question)', size: kb(sizes['dist/vendor/genaiPrices.js']) },
    { file: 'data/prices.curated.json (source)', size: kb(statSync(join(ROOT, 'data/prices.curated.json')).size) },
    { file: 'VSIX', size: kb(vsix) },
  ]);
}
