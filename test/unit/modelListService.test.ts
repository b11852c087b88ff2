import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelListStore } from '../../src/node/modelListStore';
import { ModelListService, type ListTarget } from '../../src/vscode/modelListService';
import { ModelListServer } from '../harness/modelListServer';

const HOUR = 3_600_000;

describe('model list cache: a day per provider, address and key', () => {
  let dir: string;
  let server: ModelListServer;
  let now: number;
  let store: ModelListStore;
  const service = () => new ModelListService(store, () => now);
  const target = (apiKey = 'sk-secret-1'): ListTarget => ({ provider: 'deepseek', baseUrl: server.origin, apiKey });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'costwise-lists-'));
    store = new ModelListStore(dir);
    now = Date.parse('2026-11-30T10:00:00Z');
    server = await new ModelListServer({ wire: 'openai', apiKey: 'sk-secret-1', models: ['deepseek-flash', 'deepseek-v5-preview'] }).start();
  });
  afterEach(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the list once a day, keeps it in storage under a key fingerprint, never the key', async () => {
    const s = service();
    assert.equal(s.listing(target()), undefined, 'nothing known yet: the catalog default');
    await s.refresh([target()]);
    assert.deepEqual(s.listing(target()), { models: ['deepseek-flash', 'deepseek-v5-preview'], listedAt: '2026-11-30T10:00:00.000Z' });
    const file = readFileSync(join(dir, 'model-lists.json'), 'utf8');
    assert.ok(!file.includes('sk-secret-1'));
    assert.match(file, /"keyFingerprint": "[0-9a-f]{16}"/);
    now += 23 * HOUR;
    await s.refresh([target()]);
    assert.equal(server.requests.length, 1, 'still fresh');
    now += 2 * HOUR;
    await s.refresh([target()]);
    assert.equal(server.requests.length, 2, 'a day later it is read again');
    assert.deepEqual(service().listing(target())?.listedAt, new Date(now).toISOString(), 'another window reads it from storage');
  });

  it('another key gets its own list; on demand reads even a fresh one; no key, no request', async () => {
    const s = service();
    await s.refresh([target()]);
    assert.equal(s.listing(target('sk-other')), undefined);
    await s.refresh([target()], true);
    assert.equal(server.requests.length, 2);
    await s.refresh([{ ...target(), apiKey: undefined }]);
    assert.equal(server.requests.length, 2);
  });

  it('concurrent refreshes share one request', async () => {
    const s = service();
    const [a, b] = await Promise.all([s.refresh([target()]), s.refresh([target()])]);
    assert.equal(server.requests.length, 1);
    assert.deepEqual(a, b);
  });

  it('a failed read never throws: it keeps the last good list with a note, or leaves the catalog default', async () => {
    const s = service();
    const [failed] = await s.refresh([target('sk-wrong')]);
    assert.match(failed!.error!, /rejected the API key/);
    assert.equal(s.listing(target('sk-wrong')), undefined, 'no list: the catalog default');
    now += 30 * 60_000;
    await s.refresh([target('sk-wrong')]);
    assert.equal(server.requests.length, 1, 'a failure is retried after an hour, not on every request');

    const good = target();
    await s.refresh([good]);
    await server.stop();
    now += 25 * HOUR;
    const [kept] = await s.refresh([good]);
    assert.match(kept!.error!, /could not reach/);
    assert.deepEqual(s.listing(good)?.models, ['deepseek-flash', 'deepseek-v5-preview'], 'the last good list still holds');
    now += 7 * 24 * HOUR;
    assert.equal(s.listing(good), undefined, 'after a week without a good read, the catalog default comes back');
    server = await new ModelListServer({ wire: 'openai', apiKey: 'x', models: [] }).start();
  });

  it('a damaged storage file costs a re-read, nothing else', async () => {
    writeFileSync(join(dir, 'model-lists.json'), '{"half": ');
    const s = service();
    assert.equal(s.listing(target()), undefined);
    await s.refresh([target()]);
    assert.deepEqual(s.listing(target())?.models, ['deepseek-flash', 'deepseek-v5-preview']);
  });
});
