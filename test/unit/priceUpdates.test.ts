import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import type { PriceEntry } from '../../src/core/pricing/priceEntry';
import { compareUpstream, withConstraintTypes } from '../../src/core/pricing/updateCheck';
import { DEFAULT_PRICE_UPDATE_URL, parseSettings } from '../../src/core/settings';
import { bundledUpstream, loadPriceBook } from '../../src/node/priceBook';
import { PriceStore } from '../../src/node/priceStore';
import { describeUpdate, fetchPriceUpdate, type PriceUpdateResult } from '../../src/node/priceUpdates';
import { priceCheckMarkdown } from '../../src/vscode/priceCheckView';

type Provider = { id: string; models: Array<Record<string, unknown> & { id: string; prices: Record<string, unknown> }> };
const now = new Date('2026-11-30T12:00:00Z');
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const model = (list: Provider[], provider: string, id: string) => list.find((p) => p.id === provider)!.models.find((m) => m.id === id)!;

/** Loopback routes: each path is one kind of file a price server could send. */
async function serve(routes: Record<string, (res: ServerResponse) => void>): Promise<{ url: (path: string) => string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => (routes[req.url ?? ''] ?? ((r: ServerResponse) => r.writeHead(404).end()))(res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}
const json = (body: unknown) => (res: ServerResponse) => res.writeHead(200, { 'content-type': 'application/json' }).end(typeof body === 'string' ? body : JSON.stringify(body));

describe('price updates (loopback server)', () => {
  let bundled: Provider[];
  let srv: Awaited<ReturnType<typeof serve>>;
  let dir: string;
  let store: PriceStore;
  const files = () => [readFileSync(join(dir, 'upstream.json')), readFileSync(join(dir, 'upstream.meta.json'))];
  const previous = async () => store.read()?.providers ?? (await bundledUpstream());
  const update = (path: string, extra: { timeoutMs?: number; maxBytes?: number } = {}): Promise<PriceUpdateResult> => fetchPriceUpdate({ url: srv.url(path), store, previous, now, timeoutMs: 5_000, ...extra });
  const book = () => loadPriceBook({ stored: async () => store.read(), now: now.getTime() });

  before(async () => {
    bundled = clone((await bundledUpstream()) as Provider[]);
    const newer = clone(bundled);
    model(newer, 'openai', 'gpt-4o').prices.input_mtok = 3; // 2.5 -> 3
    model(newer, 'openai', 'o3-mini').prices.cache_read_mtok = 0.3; // upstream moves; the curated 0.55 stays
    newer.find((p) => p.id === 'openai')!.models.push({ id: 'gpt-test-new', match: { equals: 'gpt-test-new' }, context_window: 200_000, prices: { input_mtok: 1, output_mtok: 4 } });
    const zero = clone(newer);
    model(zero, 'openai', 'gpt-4o-mini').prices = { input_mtok: 0, output_mtok: 0 };
    const zeroRead = clone(newer);
    model(zeroRead, 'anthropic', 'claude-3-5-haiku-latest').prices.cache_read_mtok = 0;
    const jump = clone(newer);
    model(jump, 'openai', 'gpt-4.1').prices.output_mtok = 800; // 8 -> 800: 100x
    const big = JSON.stringify(newer).padEnd(300_000, ' ');
    srv = await serve({
      '/newer.json': json(newer),
      '/same.json': json(bundled),
      '/untyped.json': json(JSON.stringify(bundled).replace(/,"type":"(start_date|time_of_date)"/g, '')),
      '/bad.json': json('[{"id": "openai", "models": ['),
      '/shape.json': json({ providers: newer }),
      '/no-google.json': json(newer.filter((p) => p.id !== 'google')),
      '/zero.json': json(zero),
      '/zero-read.json': json(zeroRead),
      '/jump.json': json(jump),
      '/huge-declared.json': (res) => res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(big) }).end(big),
      '/huge-chunked.json': (res) => (res.writeHead(200, { 'content-type': 'application/json' }), res.write(big.slice(0, 150_000)), res.end(big.slice(150_000))),
      '/slow.json': (res) => (res.writeHead(200, { 'content-type': 'application/json' }), res.write('[')),
      '/gone.json': (res) => res.writeHead(503).end('try later'),
    });
  });
  after(() => srv.close());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'costwise-prices-'));
    store = new PriceStore(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('applies a newer file: the catalog then returns its prices, with the curated corrections still on top', async () => {
    assert.equal((await book()).catalog.lookup('gpt-4o', now)?.prices.input, 2_500_000);
    const r = await update('/newer.json');
    assert.equal(r.kind, 'applied', describeUpdate(r));
    assert.ok(r.kind === 'applied' && r.added.includes('gpt-test-new') && r.changed.includes('gpt-4o'));
    const b = await book();
    assert.deepEqual(b.upstream, { kind: 'update', source: srv.url('/newer.json'), date: now.toISOString() });
    assert.equal(b.catalog.lookup('gpt-4o', now)?.prices.input, 3_000_000);
    assert.equal(b.catalog.lookup('gpt-test-new', now)?.prices.output, 4_000_000);
    assert.equal(b.catalog.lookup('o3-mini', now)?.prices.cachedRead, 550_000, 'the curated cached rate wins over the update');
    assert.ok(b.disagreements.some((d) => d.model === 'o3-mini' && d.field === 'cachedRead' && d.upstream.includes('0.3')));
  });

  it('says unchanged for the data in use, and reads a file whose constraints leave their type implicit', async () => {
    assert.equal((await update('/same.json')).kind, 'unchanged');
    assert.equal((await update('/untyped.json')).kind, 'unchanged');
    assert.deepEqual(withConstraintTypes(JSON.parse(JSON.stringify(bundled).replace(/,"type":"(start_date|time_of_date)"/g, ''))), bundled);
  });

  const rejections: Array<[string, RegExp, { timeoutMs?: number; maxBytes?: number }?]> = [
    ['/bad.json', /not JSON/],
    ['/shape.json', /not price data: not a genai-prices provider list/],
    ['/no-google.json', /no priced models of provider "google"/],
    ['/zero.json', /fall to 0: gpt-4o-mini input and output/],
    ['/zero-read.json', /fall to 0: claude-3-5-haiku-latest cachedRead \$0\.08\/1M -> \$0\/1M/],
    ['/huge-declared.json', /larger than 100000 bytes/, { maxBytes: 100_000 }],
    ['/huge-chunked.json', /larger than 100000 bytes/, { maxBytes: 100_000 }],
    ['/slow.json', /no complete answer within 0\.3 s/, { timeoutMs: 300 }],
    ['/gone.json', /HTTP 503/],
  ];
  for (const [path, reason, extra] of rejections) {
    it(`rejects ${path} and keeps the last good data byte for byte`, async () => {
      assert.equal((await update('/newer.json')).kind, 'applied');
      const before = files();
      const r = await update(path, extra);
      assert.equal(r.kind, 'rejected');
      assert.match(r.kind === 'rejected' ? r.reason : '', reason);
      assert.deepEqual(files(), before);
      assert.equal((await book()).catalog.lookup('gpt-4o', now)?.prices.input, 3_000_000);
    });
  }

  it('rejects a bad file with nothing stored yet, writing nothing', async () => {
    const r = await update('/zero.json');
    assert.equal(r.kind, 'rejected');
    assert.equal(store.read(), undefined);
  });

  it('holds back a 100x jump: that model keeps the price in use and is reported; the rest applies', async () => {
    const r = await update('/jump.json');
    assert.equal(r.kind, 'applied-with-held-back', describeUpdate(r));
    assert.ok(r.kind === 'applied-with-held-back');
    assert.deepEqual(r.heldBack, [{ model: 'gpt-4.1', field: 'output', old: '$8/1M', new: '$800/1M' }]);
    assert.match(describeUpdate(r), /held back .*gpt-4\.1 output \$8\/1M -> \$800\/1M/);
    const b = await book();
    assert.equal(b.catalog.lookup('gpt-4.1', now)?.prices.output, 8_000_000);
    assert.equal(b.catalog.lookup('gpt-4o', now)?.prices.input, 3_000_000);
  });

  it('compares in-force prices: a tenfold move is allowed, more is a jump, 0 is zeroed, an absent model is fine', () => {
    const e = (modelId: string, input: number, effective = '2026-01-01'): PriceEntry => ({ model: modelId, provider: 'openai', effective, source: 't', contextWindow: 1, maxOutput: 1, prices: { input, cachedRead: input, output: 1_000_000 }, reasoningBilledAsOutput: true });
    const at = Date.parse('2026-06-01T00:00:00Z');
    const c = compareUpstream([e('a', 1_000_000), e('b', 1_000_000), e('c', 1_000_000), e('d', 1_000_000)], [e('a', 10_000_000), e('b', 10_000_001), e('c', 2_000_000, '2027-01-01'), e('c', 0), e('n', 5)], new Set(['a', 'b', 'c', 'n']), at);
    assert.deepEqual(c.jumps.map((j) => `${j.model} ${j.field}`), ['b input', 'b cachedRead']);
    assert.deepEqual(c.zeroed.map((j) => `${j.model} ${j.field}`), ['c input', 'c cachedRead']);
    assert.deepEqual(c.added, ['n']);
    assert.deepEqual(c.changed, ['a', 'b', 'c']);
  });

  it('costwise prices --update stores an update the CLI then prices with; a rejected one exits 1 and keeps it', async () => {
    const saved = process.env.COSTWISE_PRICES_DIR;
    process.env.COSTWISE_PRICES_DIR = dir;
    try {
      let out = '';
      const cli = async (args: string[]) => ((out = ''), await main(args, (s) => (out += s + '\n')));
      assert.equal(await cli(['prices']), 0);
      assert.match(out, /WARNING: the upstream price data is \d+ days old \(older than 60 days\)/, 'the bundled data is flagged as stale');
      assert.equal(await cli(['cost', '--model', 'gpt-4o', '--input', '1000000', '--output', '0']), 0);
      assert.match(out, /^\$2\.500000 .*\nWARNING: the upstream price data is \d+ days old/);
      assert.equal(await cli(['prices', '--update', '--url', srv.url('/jump.json')]), 0);
      assert.match(out, /^Price update: applied from .*held back .*gpt-4\.1 output \$8\/1M -> \$800\/1M/);
      assert.equal(await cli(['cost', '--model', 'gpt-4o', '--input', '1000000', '--output', '0']), 0);
      assert.match(out, /^\$3\.000000 /);
      assert.doesNotMatch(out, /WARNING/);
      const before = files();
      assert.equal(await cli(['prices', '--update', '--url', srv.url('/bad.json')]), 1);
      assert.match(out, /rejected, the data in use is kept: not JSON/);
      assert.deepEqual(files(), before);
      assert.equal(await cli(['prices', '--check', '--json']), 0);
      const check = JSON.parse(out) as { upstream: { kind: string; source: string }; stale: boolean };
      assert.deepEqual([check.upstream.kind, check.upstream.source, check.stale], ['update', srv.url('/jump.json'), false]);
      assert.equal(await cli(['prices']), 0);
      assert.doesNotMatch(out, /WARNING/);
    } finally {
      if (saved === undefined) delete process.env.COSTWISE_PRICES_DIR;
      else process.env.COSTWISE_PRICES_DIR = saved;
    }
  });

  it('reads prices.autoUpdate and prices.updateUrl; a bad URL is a settings problem that turns updates off', () => {
    const base = { 'endpoint.baseUrl': 'http://127.0.0.1:1/v1', 'endpoint.model': 'm', 'budget.monthlyUsd': 5 };
    assert.deepEqual(parseSettings(base).settings.prices, { autoUpdate: true, updateUrl: DEFAULT_PRICE_UPDATE_URL });
    const off = parseSettings({ ...base, 'prices.autoUpdate': false, 'prices.updateUrl': 'http://127.0.0.1:8/d.json', prices: { autoUpdate: false, updateUrl: 'http://127.0.0.1:8/d.json', 'my-model': { inputPerMTok: 1, outputPerMTok: 2 } } });
    assert.deepEqual(off.problems, [], 'VS Code nests prices.* inside costwise.prices: they are not model ids');
    assert.deepEqual(off.settings.prices, { autoUpdate: false, updateUrl: 'http://127.0.0.1:8/d.json' });
    assert.deepEqual(off.settings.priceOverrides.map((o) => o.model), ['my-model']);
    for (const bad of ['not a url', 'file:///etc/passwd', 'https://user:pw@example.test/d.json', 42]) {
      const p = parseSettings({ ...base, 'prices.updateUrl': bad });
      assert.equal(p.settings.prices.updateUrl, undefined);
      assert.deepEqual(p.problems.map((x) => x.setting), ['costwise.prices.updateUrl']);
    }
  });

  it('the Check Prices view flags stale data, says why updates are off, and keeps table cells whole', async () => {
    const b = await book();
    const facts = { book: { ...b, disagreements: [{ model: 'm|x', field: 'input', upstream: '$1/1M', curated: '$2/1M' }] }, age: { days: 68, stale: true }, last: undefined, blocked: undefined, autoUpdate: true, updateUrl: 'http://127.0.0.1:1/d.json' };
    const md = priceCheckMarkdown(facts);
    assert.match(md, /68 days old\.\n\n> \*\*Older than 60 days\.\*\*/);
    assert.match(md, /\*\*Automatic updates:\*\* at most daily from http:\/\/127\.0\.0\.1:1\/d\.json/);
    assert.match(md, /\*\*Last update:\*\* none yet/);
    assert.match(md, /\| m\\\|x \| input \| \$1\/1M \| \$2\/1M \|/);
    const off = priceCheckMarkdown({ ...facts, age: { days: 3, stale: false }, blocked: 'local-only mode is on: nothing is fetched from the network' });
    assert.doesNotMatch(off, /Older than/);
    assert.match(off, /\*\*Automatic updates:\*\* off: local-only mode is on/);
  });

  it("defaults to the upstream package's published data file", async () => {
    const pkg = (await import('@pydantic/genai-prices')) as { REMOTE_DATA_JSON_URL: string };
    assert.equal(DEFAULT_PRICE_UPDATE_URL, pkg.REMOTE_DATA_JSON_URL);
  });
});
