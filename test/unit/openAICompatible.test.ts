import * as assert from 'node:assert/strict';
import type { ChatEvent } from '../../src/core/chat/chatProvider';
import { OpenAICompatibleProvider } from '../../src/providers/openAICompatible';
import { OpenAIServer } from '../harness/openAIServer';

async function collect(p: OpenAICompatibleProvider, model: string, signal = new AbortController().signal): Promise<ChatEvent[]> {
  const out: ChatEvent[] = [];
  for await (const e of p.stream({ model, messages: [{ role: 'user', content: 'explain' }], maxOutputTokens: 256 }, signal)) out.push(e);
  return out;
}

const joined = (events: ChatEvent[], type: 'text' | 'reasoning') =>
  events.filter((e): e is { type: typeof type; text: string } => e.type === type).map((e) => e.text).join('');

describe('OpenAI-compatible provider through the openai SDK, against recorded streams', () => {
  let server: OpenAIServer;
  afterEach(() => server.stop());

  it('DeepSeek reasoner: reasoning_content apart from the answer, usage with cache hits', async () => {
    server = await new OpenAIServer({ apiKey: 'sk-test' }).start();
    const events = await collect(new OpenAICompatibleProvider({ id: 't', baseUrl: server.url, apiKey: 'sk-test' }), 'deepseek-reasoner');
    assert.equal(joined(events, 'reasoning'), 'The user wants an explanation of a sum function.');
    assert.equal(joined(events, 'text'), '`add(a, b)` returns the **sum** of its two arguments.\n\n- No type checks\n- Works for numbers and strings');
    const usage = events.find((e) => e.type === 'usage');
    assert.deepEqual(usage, { type: 'usage', usage: { inputTokens: 56, cachedReadTokens: 64, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 45, reasoningTokens: 12, source: 'reported' } });
    assert.deepEqual(events.at(-1), { type: 'done', finishReason: 'stop', model: 'deepseek-reasoner' });
    const sent = server.requests[0]!;
    assert.equal(sent.authorization, 'Bearer sk-test');
    assert.deepEqual(sent.body.stream_options, { include_usage: true });
    assert.equal(sent.body.max_tokens, 256);
  });

  it('o-series: max_completion_tokens and reasoning tokens in usage', async () => {
    server = await new OpenAIServer({ fixtures: { 'o4-mini': 'o4-mini' } }).start();
    const events = await collect(new OpenAICompatibleProvider({ id: 't', baseUrl: server.url, apiKey: 'k' }), 'o4-mini');
    assert.equal(server.requests[0]!.body.max_completion_tokens, 256);
    assert.equal(server.requests[0]!.body.max_tokens, undefined);
    const usage = events.find((e) => e.type === 'usage');
    assert.ok(usage && usage.type === 'usage');
    assert.equal(usage.usage.reasoningTokens, 640);
    assert.equal(usage.usage.cachedReadTokens, 1024);
  });

  it('inline <think> tags split across chunks, stray EOS stripped, no usage reported', async () => {
    server = await new OpenAIServer({ fixtures: { 'r1-distill': 'inline-think-no-usage' } }).start();
    const events = await collect(new OpenAICompatibleProvider({ id: 't', baseUrl: server.url, apiKey: 'k' }), 'r1-distill');
    assert.equal(joined(events, 'reasoning'), 'Let me look');
    assert.equal(joined(events, 'text'), 'It adds two values.');
    assert.equal(events.some((e) => e.type === 'usage'), false);
  });

  it('a stream cut without [DONE] ends in one clean error after the partial text', async () => {
    server = await new OpenAIServer({ fixtures: { 'deepseek-chat': 'cut' }, cut: ['cut'] }).start();
    const events: ChatEvent[] = [];
    const p = new OpenAICompatibleProvider({ id: 't', baseUrl: server.url, apiKey: 'k' });
    for await (const e of p.stream({ model: 'deepseek-chat', messages: [{ role: 'user', content: 'explain' }], maxOutputTokens: 256 }, new AbortController().signal)) {
      events.push(e);
      if (e.type === 'text' && joined(events, 'text') === 'Partial answer') server.cut(); // the connection drops now
    }
    assert.equal(joined(events, 'text'), 'Partial answer');
    const errors = events.filter((e) => e.type === 'error');
    assert.equal(errors.length, 1);
    assert.equal(events.at(-1)?.type, 'error');
  });

  it('HTTP errors are typed, retryable only when safe, and never echo the key', async () => {
    server = await new OpenAIServer({ apiKey: 'right' }).start();
    const events = await collect(new OpenAICompatibleProvider({ id: 't', baseUrl: server.url, apiKey: 'sk-secret-canary' }), 'deepseek-reasoner');
    const e = events.at(-1);
    assert.ok(e && e.type === 'error');
    assert.equal(e.error.kind, 'auth');
    assert.equal(e.error.status, 401);
    assert.doesNotMatch(e.error.message, /sk-secret-canary/);
    assert.equal(server.requests.length, 1, '401 is never retried');
    await server.stop();
    server = await new OpenAIServer({ status: 503 }).start();
    const waits: number[] = [];
    const p = new OpenAICompatibleProvider({ id: 't', baseUrl: server.url, apiKey: 'k', sleep: async (ms) => void waits.push(ms) });
    const e2 = (await collect(p, 'x')).at(-1);
    assert.ok(e2 && e2.type === 'error');
    assert.deepEqual([e2.error.kind, e2.error.status, e2.error.retryable, e2.error.billable], ['http', 503, true, false]);
    assert.equal(server.requests.length, 3, '503 is tried three times (two retries), then reported');
    assert.equal(waits.length, 2);
    assert.ok(waits[0]! >= 250 && waits[0]! <= 500 && waits[1]! >= 500 && waits[1]! <= 1000, `backoff with jitter: ${waits}`);
  });

  it('cancelling mid-stream aborts the request and closes the connection', async () => {
    server = await new OpenAIServer({}).start();
    server.hold(2); // the role and the first reasoning event, then the stream stays open until released
    const ac = new AbortController();
    const p = new OpenAICompatibleProvider({ id: 't', baseUrl: server.url, apiKey: 'k' });
    const events: ChatEvent[] = [];
    for await (const e of p.stream({ model: 'deepseek-reasoner', messages: [{ role: 'user', content: 'x' }], maxOutputTokens: 10 }, ac.signal)) {
      events.push(e);
      if (e.type === 'reasoning' && e.text && !ac.signal.aborted) ac.abort();
    }
    const last = events.at(-1)!;
    assert.ok(last.type === 'error' && last.error.kind === 'cancelled', JSON.stringify(last));
    const req = server.requests[0]!;
    // Never released: only the client's abort can close this connection.
    await server.whenClosed(req);
    assert.equal(req.completed, undefined, 'the held stream was cut short by the cancel');
  });


  it('ignores OPENAI_BASE_URL and OPENAI_API_KEY in the environment', async () => {
    server = await new OpenAIServer({ apiKey: 'explicit' }).start();
    const saved = { url: process.env.OPENAI_BASE_URL, key: process.env.OPENAI_API_KEY };
    process.env.OPENAI_BASE_URL = 'http://127.0.0.1:9/v1';
    process.env.OPENAI_API_KEY = 'from-env';
    try {
      const events = await collect(new OpenAICompatibleProvider({ id: 't', baseUrl: server.url, apiKey: 'explicit' }), 'deepseek-reasoner');
      assert.equal(events.at(-1)?.type, 'done');
      assert.equal(server.requests[0]!.authorization, 'Bearer explicit');
    } finally {
      if (saved.url === undefined) delete process.env.OPENAI_BASE_URL;
      else process.env.OPENAI_BASE_URL = saved.url;
      if (saved.key === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = saved.key;
    }
  });
});
