import * as assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { PriceStore } from '../../src/node/priceStore';
import { writeLastUpdate } from '../../src/node/priceUpdates';
import { costwise, setUserSetting } from './helpers';

type Provider = { id: string; models: Array<{ id: string; prices: Record<string, unknown> }> };

describe('price updates inside VS Code (loopback price server)', function () {
  this.timeout(60_000);
  let server: Server;
  let base = '';
  const hits: string[] = [];
  let dir = '';
  let newer: Provider[] = [];
  const stored = () => [readFileSync(join(dir, 'upstream.json')), readFileSync(join(dir, 'upstream.meta.json'))];
  const gpt4oInput = async () => (await (await costwise()).prices.service.get()).catalog.lookup('gpt-4o', Date.now())?.prices.input;

  before(async () => {
    const pkg = (await import('@pydantic/genai-prices')) as { waitForUpdate(): Promise<unknown> };
    newer = JSON.parse(JSON.stringify(await pkg.waitForUpdate())) as Provider[];
    newer.find((p) => p.id === 'openai')!.models.find((m) => m.id === 'gpt-4o')!.prices.input_mtok = 3;
    const bodies: Record<string, string> = { '/newer.json': JSON.stringify(newer), '/corrupt.json': JSON.stringify(newer).slice(0, 5000) };
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      const body = bodies[req.url ?? ''];
      if (body === undefined) res.writeHead(404).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = (await costwise()).prices.service.store.dir;
  });

  after(async () => {
    // Leave the bundled data in use for the suites that follow.
    for (const f of ['upstream.json', 'upstream.meta.json', 'last-update.json']) rmSync(join(dir, f), { force: true });
    (await costwise()).prices.service.invalidate();
    await setUserSetting('prices.updateUrl', undefined);
    await setUserSetting('prices.autoUpdate', false);
    await setUserSetting('privacy.localOnly', undefined);
    await new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r())));
  });

  it('Check Prices → Update Now fetches the file from costwise.prices.updateUrl and the catalog prices with it', async () => {
    const api = await costwise();
    assert.equal(await gpt4oInput(), 2_500_000, 'the bundled price first');
    assert.equal((await api.prices.service.age()).stale, true, 'the bundled data of 2026-09-23 is over 60 days old');
    await setUserSetting('prices.updateUrl', `${base}/newer.json`);
    const view = (await vscode.commands.executeCommand('costwise.checkPrices', { update: true })) as string;
    assert.deepEqual(hits, ['/newer.json']);
    assert.match(view, new RegExp(`Upstream price data:\\*\\* ${base}/newer\\.json, fetched `));
    assert.match(view, /\*\*Last update:\*\* \S+ — applied from .*prices changed 1 \(gpt-4o\)/);
    const { disagreements } = await api.prices.service.get();
    assert.ok(disagreements.length > 0);
    assert.match(view, new RegExp(`## ${disagreements.length} disagreement\\(s\\) between upstream and the curated layer`));
    const d = disagreements[0]!;
    assert.ok(view.includes(`| ${d.model} | ${d.field} | ${d.upstream} | ${d.curated} |`), 'each disagreement is a row');
    assert.equal(await gpt4oInput(), 3_000_000);
    assert.equal((await api.prices.service.age()).stale, false);
  });

  it('a corrupt file is rejected, logged, and the last good data stays byte for byte', async () => {
    const api = await costwise();
    const before = stored();
    await setUserSetting('prices.updateUrl', `${base}/corrupt.json`);
    const r = await api.prices.updater.updateNow();
    assert.equal(r.kind, 'rejected');
    assert.match(r.kind === 'rejected' ? r.reason : '', /not JSON/);
    assert.deepEqual(stored(), before);
    assert.equal(await gpt4oInput(), 3_000_000);
    const view = (await vscode.commands.executeCommand('costwise.checkPrices', { update: false })) as string;
    assert.match(view, /\*\*Last update:\*\* \S+ — rejected, the data in use is kept: not JSON/);
  });

  it('never fetches in local-only mode; the daily check runs only when a day has passed and autoUpdate is on', async () => {
    const api = await costwise();
    await setUserSetting('prices.updateUrl', `${base}/newer.json`);
    const count = hits.length;
    await setUserSetting('privacy.localOnly', true);
    assert.deepEqual(await api.prices.updater.updateNow(), { kind: 'refused', reason: 'local-only mode is on: nothing is fetched from the network' });
    await setUserSetting('prices.autoUpdate', true);
    assert.equal(await api.prices.updater.updateIfDue(), undefined);
    await setUserSetting('privacy.localOnly', undefined);
    assert.equal(await api.prices.updater.updateIfDue(), undefined, 'the last attempt was moments ago');
    assert.equal(hits.length, count, 'nothing was fetched');
    const last = JSON.parse(readFileSync(join(dir, 'last-update.json'), 'utf8')) as { at: string };
    writeFileSync(join(dir, 'last-update.json'), JSON.stringify({ ...last, at: new Date(Date.now() - 25 * 3_600_000).toISOString() }));
    assert.equal((await api.prices.updater.updateIfDue())?.kind, 'unchanged');
    assert.equal(hits.length, count + 1);
    await setUserSetting('prices.autoUpdate', false);
    writeFileSync(join(dir, 'last-update.json'), JSON.stringify({ ...last, at: new Date(Date.now() - 25 * 3_600_000).toISOString() }));
    assert.equal(await api.prices.updater.updateIfDue(), undefined, 'autoUpdate off');
    assert.equal(hits.length, count + 1);
  });

  it("picks up an update another window stored, at its next hourly look", async () => {
    const api = await costwise();
    assert.equal(await gpt4oInput(), 3_000_000, 'the book this window loaded');
    const other = JSON.parse(JSON.stringify(newer)) as Provider[];
    other.find((p) => p.id === 'openai')!.models.find((m) => m.id === 'gpt-4o')!.prices.input_mtok = 4;
    const at = new Date().toISOString();
    new PriceStore(dir).write(JSON.stringify(other), { kind: 'update', source: 'another window', date: at });
    writeLastUpdate(dir, { at, url: 'another window', result: { kind: 'applied', origin: { kind: 'update', source: 'another window', date: at }, added: [], changed: ['gpt-4o'] } });
    assert.equal(await gpt4oInput(), 3_000_000, 'this window keeps the book it loaded');
    assert.equal(await api.prices.updater.updateIfDue(), undefined, 'nothing to fetch here');
    assert.equal(await gpt4oInput(), 4_000_000);
  });
});
