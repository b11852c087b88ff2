import * as assert from 'node:assert/strict';
import { listModels, ModelListError, type ListApi } from '../../src/providers/modelLists';
import { ModelListServer, type ModelListServerOptions } from '../harness/modelListServer';

const API: Record<ModelListServerOptions['wire'], ListApi> = { openai: 'openai-compatible', anthropic: 'anthropic', gemini: 'gemini' };

describe('model lists: what a key can use, from each API’s own list', () => {
  let server: ModelListServer;
  const start = async (o: Omit<ModelListServerOptions, 'apiKey'> & { apiKey?: string }) => (server = await new ModelListServer({ apiKey: 'k-1', ...o }).start());
  const list = (base: string, extra: Partial<Parameters<typeof listModels>[0]> = {}) => listModels({ api: API[server['o'].wire], baseUrl: base, apiKey: 'k-1', ...extra });
  const failure = async (p: Promise<unknown>): Promise<ModelListError> => {
    try {
      await p;
    } catch (e) {
      assert.ok(e instanceof ModelListError, String(e));
      return e;
    }
    assert.fail('expected the listing to fail');
  };
  afterEach(() => server.stop());

  it('OpenAI: GET {base}/models with the Bearer key, where the base already ends with /v1', async () => {
    await start({ wire: 'openai', models: ['gpt-5.5', 'gpt-6-sol', 'text-embedding-3-small'] });
    assert.deepEqual(await list(`${server.origin}/v1`), ['gpt-5.5', 'gpt-6-sol', 'text-embedding-3-small']);
    assert.equal(server.requests[0]!.path, '/v1/models');
    assert.equal(server.requests[0]!.headers.authorization, 'Bearer k-1');
  });

  it('DeepSeek: GET {base}/models on a base without /v1 (a trailing slash is fine)', async () => {
    await start({ wire: 'openai', models: ['deepseek-flash', 'deepseek-v4-pro'] });
    assert.deepEqual(await list(`${server.origin}/`), ['deepseek-flash', 'deepseek-v4-pro']);
    assert.equal(server.requests[0]!.path, '/models');
  });

  it('Anthropic: follows after_id pages with x-api-key and anthropic-version', async () => {
    const ids = ['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5', 'claude-haiku-4-5-20251001', 'claude-sonnet-5'];
    await start({ wire: 'anthropic', models: ids, pageSize: 2 });
    assert.deepEqual(await list(server.origin), ids);
    assert.deepEqual(
      server.requests.map((r) => new URL(r.path, 'http://x').searchParams.get('after_id')),
      [null, 'claude-sonnet-5-5', 'claude-haiku-4-5-20251001'],
    );
    assert.ok(server.requests.every((r) => r.headers['x-api-key'] === 'k-1' && r.headers['anthropic-version'] === '2023-06-01' && !r.headers.authorization));
  });

  it('Gemini: follows pageToken, keeps only generateContent models, strips models/, key in the header only', async () => {
    await start({
      wire: 'gemini',
      pageSize: 2,
      models: ['gemini-4-carbon', { id: 'text-embedding-004', methods: ['embedContent'] }, 'gemini-3.8-flash', { id: 'imagen-4', methods: ['predict'] }, 'gemini-2.5-flash-lite'],
    });
    assert.deepEqual(await list(server.origin), ['gemini-4-carbon', 'gemini-3.8-flash', 'gemini-2.5-flash-lite']);
    assert.equal(server.requests.length, 3);
    assert.ok(server.requests.every((r) => r.headers['x-goog-api-key'] === 'k-1' && !r.path.includes('key=')));
  });

  it('a page cap ends a listing that never ends; a repeated cursor is refused at once', async () => {
    await start({ wire: 'anthropic', models: ['a', 'b', 'c', 'd', 'e'], pageSize: 1 });
    const capped = await failure(list(server.origin, { maxPages: 3 }));
    assert.equal(capped.kind, 'malformed');
    assert.match(capped.message, /over 3/);
    assert.equal(server.requests.length, 3);
    await server.stop();
    await start({ wire: 'gemini', models: ['gemini-4-carbon'], loopPages: true });
    assert.match((await failure(list(server.origin))).message, /same page token twice/);
    assert.equal(server.requests.length, 2);
  });

  for (const wire of ['openai', 'anthropic', 'gemini'] as const) {
    it(`${wire}: a rejected key is a "key" failure naming the host, never the key`, async () => {
      await start({ wire, models: ['m'], apiKey: 'the-right-key' });
      const e = await failure(list(wire === 'openai' ? `${server.origin}/v1` : server.origin, { apiKey: 'sk-wrong-secret' }));
      assert.equal(e.kind, 'key');
      assert.match(e.message, /rejected the API key/);
      assert.ok(e.message.includes(new URL(server.origin).host));
      assert.ok(!e.message.includes('sk-wrong-secret'));
    });
  }

  it('malformed bodies: not JSON, no data array, a model without an id', async () => {
    for (const [rawBody, why] of [
      ['{"data": [', /not JSON/],
      ['{"object":"list"}', /without a "data" array/],
      ['{"data":[{"object":"model"}]}', /without "id"/],
      ['[1,2]', /not a JSON object/],
      [' '.repeat(9 << 20), /over 8 MB/],
    ] as const) {
      await start({ wire: 'openai', models: [], rawBody });
      const e = await failure(list(server.origin));
      assert.equal(e.kind, 'malformed');
      assert.match(e.message, why);
      await server.stop();
    }
    await start({ wire: 'openai', models: [] });
  });

  it('a server that never answers is a "timeout" failure; one that is not there is a "network" failure', async () => {
    await start({ wire: 'anthropic', models: ['x'], hang: true });
    const slow = await failure(list(server.origin, { timeoutMs: 300 }));
    assert.equal(slow.kind, 'timeout');
    assert.match(slow.message, /did not send its model list within/);
    const origin = server.origin;
    await server.stop();
    const gone = await failure(list(origin));
    assert.equal(gone.kind, 'network');
    assert.match(gone.message, /could not reach 127\.0\.0\.1:\d+/);
    await start({ wire: 'openai', models: [] });
  });

  it('a redirect is refused, so the key never follows it to another address', async () => {
    const elsewhere = await new ModelListServer({ wire: 'openai', apiKey: 'k-1', models: ['m'] }).start();
    try {
      await start({ wire: 'openai', models: [], redirectTo: `${elsewhere.origin}/models` });
      const e = await failure(list(server.origin));
      assert.equal(e.kind, 'http');
      assert.match(e.message, /redirected the model list request elsewhere/);
      assert.equal(elsewhere.requests.length, 0);
    } finally {
      await elsewhere.stop();
    }
  });

  it('HTTP errors other than a bad key carry the status and the API’s message', async () => {
    await start({ wire: 'gemini', models: [] });
    const e = await failure(listModels({ api: 'anthropic', baseUrl: server.origin, apiKey: 'k-1' }));
    assert.equal(e.kind, 'http');
    assert.match(e.message, /HTTP 404 .*: Unknown path \/v1\/models/);
  });
});
