import * as assert from 'node:assert/strict';
import type { ChatEvent, ChatProvider } from '../../src/core/chat/chatProvider';
import { AnthropicProvider } from '../../src/providers/anthropic';
import { GeminiProvider } from '../../src/providers/gemini';
import { OpenAICompatibleProvider } from '../../src/providers/openAICompatible';
import { FixtureServer, type FixtureServerOptions } from '../harness/openAIServer';

const noWait = { sleep: async () => undefined };

async function collect(p: ChatProvider, model: string, opts: { maxOutputTokens?: number; signal?: AbortSignal } = {}): Promise<ChatEvent[]> {
  const out: ChatEvent[] = [];
  const messages = [
    { role: 'system' as const, content: 'Explain code.' },
    { role: 'user' as const, content: 'function add(a, b) { return a + b; }' },
  ];
  for await (const e of p.stream({ model, messages, maxOutputTokens: opts.maxOutputTokens ?? 2048 }, opts.signal ?? new AbortController().signal)) out.push(e);
  return out;
}
const text = (es: ChatEvent[], t: 'text' | 'reasoning') => es.flatMap((e) => (e.type === t ? [e.text] : [])).join('');
const last = (es: ChatEvent[]) => es[es.length - 1]!;
const errorOf = (es: ChatEvent[]) => {
  const e = last(es);
  assert.equal(e.type, 'error', JSON.stringify(e));
  return (e as Extract<ChatEvent, { type: 'error' }>).error;
};

describe('Anthropic through @anthropic-ai/sdk, against recorded Messages streams', () => {
  let server: FixtureServer;
  const start = async (o: FixtureServerOptions = {}) => (server = await new FixtureServer({ apiKey: 'sk-ant-test', ...o }).start());
  const provider = () => new AnthropicProvider({ id: 'a', baseUrl: server.origin, apiKey: 'sk-ant-test', ...noWait });
  afterEach(() => server.stop());

  it('streams thinking apart from text; usage keeps cache reads and both write durations', async () => {
    await start();
    const es = await collect(provider(), 'claude-sonnet-4-5');
    assert.equal(text(es, 'reasoning'), 'The function adds two numbers.');
    assert.equal(text(es, 'text'), '`add(a, b)` returns the **sum** of a and b.');
    const u = es.find((e) => e.type === 'usage');
    assert.deepEqual(u, { type: 'usage', usage: { inputTokens: 50, cachedReadTokens: 100_000, cacheWrite5mTokens: 2_000, cacheWrite1hTokens: 1_000, outputTokens: 500, reasoningTokens: 0, source: 'reported' } });
    assert.deepEqual(last(es), { type: 'done', finishReason: 'end_turn', model: 'claude-sonnet-4-5-20250929' });
    const sent = server.requests[0]!;
    assert.equal(sent.authorization, 'Bearer sk-ant-test');
    assert.equal(sent.body.system, 'Explain code.');
    assert.deepEqual(sent.body.messages, [{ role: 'user', content: 'function add(a, b) { return a + b; }' }]);
    assert.equal(sent.body.max_tokens, 2048);
  });

  it('an error event mid-stream ends in one clean error after the partial text, with the usage so far', async () => {
    await start({ fixtures: { 'claude-haiku-4-5': 'error-midstream' } });
    const es = await collect(provider(), 'claude-haiku-4-5');
    assert.equal(text(es, 'text'), 'Partial ');
    const err = errorOf(es);
    assert.match(err.message, /Overloaded/);
    assert.equal(err.billable, true);
    assert.equal(err.usage?.inputTokens, 12);
    assert.equal(es.filter((e) => e.type === 'error').length, 1);
    assert.equal(server.requests.length, 1, 'never retried after text was shown');
  });

  it('malformed JSON in the stream is one clean stream error', async () => {
    await start({ fixtures: { 'claude-haiku-4-5': 'malformed' } });
    const err = errorOf(await collect(provider(), 'claude-haiku-4-5'));
    assert.equal(err.kind, 'stream');
  });

  it('429 with Retry-After is waited for (as asked) and retried; 401 is not retried', async () => {
    await start({ statuses: [429], errorHeaders: { 'retry-after': '2' } });
    const waits: number[] = [];
    const p = new AnthropicProvider({ id: 'a', baseUrl: server.origin, apiKey: 'sk-ant-test', sleep: async (ms) => void waits.push(ms) });
    const es = await collect(p, 'claude-sonnet-4-5');
    assert.equal(last(es).type, 'done');
    assert.deepEqual(waits, [2000]);
    await server.stop();
    await start({ apiKey: 'another' });
    const err = errorOf(await collect(provider(), 'claude-sonnet-4-5'));
    assert.deepEqual([err.kind, err.status, server.requests.length], ['auth', 401, 1]);
    assert.doesNotMatch(err.message, /sk-ant-test/);
  });
});

describe('Gemini through @google/genai, against recorded streamGenerateContent streams', () => {
  let server: FixtureServer;
  const start = async (o: FixtureServerOptions = {}) => (server = await new FixtureServer({ apiKey: 'AIza-test', ...o }).start());
  const provider = () => new GeminiProvider({ id: 'g', baseUrl: server.origin, apiKey: 'AIza-test', ...noWait });
  afterEach(() => server.stop());

  it('thought summaries as reasoning, thinking tokens added to output, key in a header (never the URL)', async () => {
    await start();
    const es = await collect(provider(), 'gemini-2.5-flash');
    assert.equal(text(es, 'reasoning'), '**Summing** the inputs');
    assert.equal(text(es, 'text'), '`add` returns the sum of its arguments.');
    const u = es.find((e) => e.type === 'usage');
    assert.deepEqual(u, { type: 'usage', usage: { inputTokens: 1_000, cachedReadTokens: 4_000, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 1_500, reasoningTokens: 1_200, source: 'reported' } });
    assert.equal(last(es).type, 'done');
    const sent = server.requests[0]!;
    assert.equal(sent.headers['x-goog-api-key'], 'AIza-test');
    assert.doesNotMatch(sent.path, /key=|AIza/);
    assert.match(sent.path, /^\/v1beta\/models\/gemini-2\.5-flash:streamGenerateContent\?alt=sse$/);
    assert.deepEqual((sent.body.systemInstruction as { parts: unknown[] }).parts, [{ text: 'Explain code.' }]);
  });

  it('a stream that ends before its finish reason is one clean error with the usage seen', async () => {
    await start({ fixtures: { 'gemini-2.5-pro': 'cut' } });
    const es = await collect(provider(), 'gemini-2.5-pro');
    assert.equal(text(es, 'text'), 'Half an ans');
    const err = errorOf(es);
    assert.equal(err.kind, 'stream');
    assert.equal(err.usage?.inputTokens, 900);
  });

  it('503 is retried with backoff, then succeeds', async () => {
    await start({ statuses: [503, 503] });
    const es = await collect(provider(), 'gemini-2.5-flash');
    assert.equal(last(es).type, 'done');
    assert.equal(server.requests.length, 3);
  });
});

describe('faults common to every provider (OpenAI-compatible wire)', () => {
  let server: FixtureServer;
  afterEach(() => server.stop());
  const openai = (extra: Partial<ConstructorParameters<typeof OpenAICompatibleProvider>[0]> = {}) =>
    new OpenAICompatibleProvider({ id: 'o', baseUrl: server.url, apiKey: 'k', ...noWait, ...extra });

  it('a Retry-After longer than the policy allows is not waited for: the error says how long', async () => {
    server = await new FixtureServer({ status: 429, errorHeaders: { 'retry-after': '600' } }).start();
    const err = errorOf(await collect(openai(), 'deepseek-reasoner'));
    assert.equal(server.requests.length, 1);
    assert.match(err.message, /asks to wait 600 s/);
    assert.equal(err.billable, false);
  });

  it('a first-token timeout fails the attempt (and the request is tried again only if never accepted)', async () => {
    server = await new FixtureServer({ stallAfterEvents: 0 }).start();
    const err = errorOf(await collect(openai({ firstTokenTimeoutMs: 300 }), 'deepseek-reasoner'));
    assert.equal(err.kind, 'timeout');
    assert.equal(err.billable, true, 'the server had accepted it');
    assert.equal(server.requests.length, 1, 'an accepted request is not sent again');
  });

  it('a stream that stalls mid-answer ends with a timeout error, keeping the partial answer', async () => {
    server = await new FixtureServer({ stallAfterEvents: 5 }).start();
    const es = await collect(openai({ idleTimeoutMs: 300 }), 'deepseek-reasoner');
    assert.ok(text(es, 'reasoning').length > 0);
    assert.equal(errorOf(es).kind, 'timeout');
  });

  it('a 10 MB line ends the stream with one clean error instead of filling memory', async () => {
    server = await new FixtureServer({ hugeLineBytes: 10 << 20 }).start();
    const before = process.memoryUsage().rss;
    const err = errorOf(await collect(openai(), 'deepseek-reasoner'));
    assert.equal(err.kind, 'stream');
    assert.match(err.message, /longer than 1024 KB/);
    assert.ok(process.memoryUsage().rss - before < 200 << 20);
  });

  it('an unreachable endpoint is a network error: retried, never billable', async () => {
    server = await new FixtureServer().start();
    const port = server.port;
    await server.stop();
    server = await new FixtureServer().start();
    const p = new OpenAICompatibleProvider({ id: 'o', baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: 'k', ...noWait });
    const err = errorOf(await collect(p, 'deepseek-reasoner'));
    assert.deepEqual([err.kind, err.billable], ['network', false]);
  });
});

describe('no provider takes endpoints, keys or headers from the environment', () => {
  const VARS = {
    OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
    OPENAI_API_KEY: 'env-openai',
    OPENAI_ORG_ID: 'org-env',
    ANTHROPIC_BASE_URL: 'http://127.0.0.1:9',
    ANTHROPIC_API_KEY: 'env-anthropic',
    ANTHROPIC_AUTH_TOKEN: 'env-token',
    ANTHROPIC_CUSTOM_HEADERS: 'X-Leak: yes',
    GOOGLE_GEMINI_BASE_URL: 'http://127.0.0.1:9',
    GOOGLE_API_KEY: 'env-google',
    GEMINI_API_KEY: 'env-gemini',
    GOOGLE_GENAI_USE_VERTEXAI: 'true',
    GOOGLE_CLOUD_PROJECT: 'p',
    GOOGLE_CLOUD_LOCATION: 'us-central1',
  };
  let saved: Record<string, string | undefined>;
  let server: FixtureServer;
  beforeEach(async () => {
    saved = Object.fromEntries(Object.keys(VARS).map((k) => [k, process.env[k]]));
    Object.assign(process.env, VARS);
    server = await new FixtureServer().start();
  });
  afterEach(async () => {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
    await server.stop();
  });

  it('OpenAI-compatible, Anthropic and Gemini all go where configured, with the configured key only', async () => {
    const o = await collect(new OpenAICompatibleProvider({ id: 'o', baseUrl: server.url, apiKey: 'cfg-o', ...noWait }), 'deepseek-reasoner');
    const a = await collect(new AnthropicProvider({ id: 'a', baseUrl: server.origin, apiKey: 'cfg-a', ...noWait }), 'claude-sonnet-4-5');
    const g = await collect(new GeminiProvider({ id: 'g', baseUrl: server.origin, apiKey: 'cfg-g', ...noWait }), 'gemini-2.5-flash');
    for (const es of [o, a, g]) assert.equal(last(es).type, 'done', JSON.stringify(last(es)));
    const [ro, ra, rg] = server.requests;
    assert.equal(ro!.headers.authorization, 'Bearer cfg-o');
    assert.equal(ro!.headers['openai-organization'], undefined);
    assert.equal(ra!.headers.authorization, 'Bearer cfg-a', 'the configured key, not ANTHROPIC_AUTH_TOKEN');
    assert.equal(ra!.headers['x-leak'], undefined);
    assert.equal(rg!.headers['x-goog-api-key'], 'cfg-g');
    assert.ok(!JSON.stringify(server.requests.map((r) => r.headers)).includes('env-'), 'no environment credential was sent');
  });
});
