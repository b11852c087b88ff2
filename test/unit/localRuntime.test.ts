import * as assert from 'node:assert/strict';
import { request } from 'node:http';
import { join } from 'node:path';
import type { ChatEvent } from '../../src/core/chat/chatProvider';
import { OpenAICompatibleProvider } from '../../src/providers/openAICompatible';
import { EmbeddedProvider } from '../../src/runtime/embeddedProvider';
import { EmbeddedRuntime, type RuntimeEvent } from '../../src/runtime/embeddedRuntime';
import { startLlamaServer, type GenerationReport, type LlamaServer } from '../../src/runtime/llamaServer';
import { Condition } from '../harness/condition';
import { testModel, tinyModels } from '../harness/testModels';

const TOKEN = 'test-session-token-0123456789';
const CHILD_ENTRY = join(__dirname, '..', '..', 'src', 'runtime', 'childMain.js');
const messages = [
  { role: 'system' as const, content: 'You explain code.' },
  { role: 'user' as const, content: 'Explain:\nfunction id(x) { return x; }' },
];

async function collect(events: AsyncIterable<ChatEvent>) {
  const out = { reasoning: '', text: '', usage: undefined as unknown, done: undefined as unknown, error: undefined as unknown };
  for await (const e of events) {
    if (e.type === 'reasoning') out.reasoning += e.text;
    if (e.type === 'text') out.text += e.text;
    if (e.type === 'usage') out.usage = e.usage;
    if (e.type === 'done') out.done = e;
    if (e.type === 'error') out.error = e.error;
  }
  return out;
}

function rawRequest(url: string, headers: Record<string, string>, path = '/v1/models'): Promise<number> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: 'GET', headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('embedded runtime: real llama.cpp inference on the tiny test models', function () {
  this.timeout(60_000);
  let scripted: LlamaServer;
  let looping: LlamaServer;
  const generations: GenerationReport[] = [];
  const generationEnded = new Condition();

  before(async () => {
    scripted = await startLlamaServer({ modelPath: await testModel('scripted'), token: TOKEN, threads: 1, contextSize: 2048 });
    looping = await startLlamaServer({ modelPath: await testModel('looping'), token: TOKEN, threads: 1, contextSize: 2048, onGenerationEnd: (g) => (generations.push(g), generationEnded.changed()) });
  });
  after(async () => {
    await scripted?.close();
    await looping?.close();
  });

  const client = (s: LlamaServer, token = TOKEN) => new OpenAICompatibleProvider({ id: 'embedded', baseUrl: s.url, apiKey: token, retry: { maxRetries: 0, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 } });

  it('streams the reasoning and the answer separately, with exact token usage', async () => {
    const { SCRIPTED } = await tinyModels();
    const r = await collect(client(scripted).stream({ model: scripted.modelId, messages, maxOutputTokens: 200 }, new AbortController().signal));
    assert.equal(r.error, undefined);
    assert.equal(r.reasoning.trim(), SCRIPTED.reasoning.trim());
    assert.equal(r.text.trim(), SCRIPTED.answer);
    assert.ok(!r.text.includes('</think>') && !r.reasoning.includes('</think>'));
    // <think>, "\n", 16 reasoning tokens, </think>, then 16 answer tokens and end-of-sentence: 35 in all.
    const usage = r.usage as { inputTokens: number; outputTokens: number; reasoningTokens?: number };
    assert.equal(usage.outputTokens, 35);
    assert.equal(usage.reasoningTokens, 19);
    assert.equal((r.done as { finishReason: string }).finishReason, 'stop');
  });

  it('counts exactly the prompt tokens llama.cpp evaluated, the same for the same prompt', async () => {
    const a = await collect(client(scripted).stream({ model: scripted.modelId, messages, maxOutputTokens: 200 }, new AbortController().signal));
    const longer = [messages[0]!, { role: 'user' as const, content: messages[1]!.content + '\n// and one more line' }];
    const b = await collect(client(scripted).stream({ model: scripted.modelId, messages: longer, maxOutputTokens: 200 }, new AbortController().signal));
    const c = await collect(client(scripted).stream({ model: scripted.modelId, messages, maxOutputTokens: 200 }, new AbortController().signal));
    const inA = (a.usage as { inputTokens: number }).inputTokens;
    assert.ok(inA > 10, `prompt tokens ${inA}`);
    assert.equal((c.usage as { inputTokens: number }).inputTokens, inA);
    assert.ok((b.usage as { inputTokens: number }).inputTokens > inA);
  });

  it('stops at max_tokens with finish_reason "length" and exactly that many tokens', async () => {
    const r = await collect(client(looping).stream({ model: looping.modelId, messages, maxOutputTokens: 24 }, new AbortController().signal));
    assert.equal((r.done as { finishReason: string }).finishReason, 'length');
    assert.equal((r.usage as { outputTokens: number }).outputTokens, 24);
    assert.match(r.text, /tick tock tick/);
  });

  it('cancelling mid-stream stops the endless generation', async () => {
    const abort = new AbortController();
    const seenBefore = generations.length;
    let texts = 0;
    const r = await collect(
      (async function* () {
        for await (const e of client(looping).stream({ model: looping.modelId, messages, maxOutputTokens: 100_000 }, abort.signal)) {
          yield e;
          if (e.type === 'text' && ++texts === 20) {
            abort.abort();
          }
        }
      })(),
    );
    assert.equal((r.error as { kind: string }).kind, 'cancelled');
    await generationEnded.until(() => generations.length > seenBefore);
    const g = generations[seenBefore]!;
    assert.equal(g.stopReason, 'abort', 'the endless generation was stopped by the cancel');
    assert.ok(g.completionTokens < 1000, `${g.completionTokens} tokens generated (cancelled after 20 text events)`);
  });

  it('refuses requests without the session token, with a wrong one, or addressed to another host', async () => {
    const wrong = await collect(client(scripted, 'not-the-token-at-all-000').stream({ model: scripted.modelId, messages, maxOutputTokens: 10 }, new AbortController().signal));
    assert.equal((wrong.error as { kind: string }).kind, 'auth');
    assert.equal(await rawRequest(scripted.url, {}), 401);
    assert.equal(await rawRequest(scripted.url, { authorization: `Bearer ${TOKEN}` }), 200);
    assert.equal(await rawRequest(scripted.url, { authorization: `Bearer ${TOKEN}`, host: `evil.example:${scripted.port}` }), 403);
  });

  it('refuses to bind anything but loopback, before loading a model', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10']) {
      await assert.rejects(startLlamaServer({ modelPath: '/nonexistent.gguf', token: TOKEN, threads: 1, host }), /listens on 127\.0\.0\.1 or ::1 only/);
    }
  });

  it('answers bad requests with a clear 4xx, not a crash', async () => {
    const u = new URL(scripted.url);
    const post = (body: string) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request({ host: u.hostname, port: u.port, path: '/v1/chat/completions', method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } }, (res) => {
          let text = '';
          res.on('data', (b) => (text += b));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', reject);
        req.end(body);
      });
    const notJson = await post('{nope');
    assert.equal(notJson.status, 400);
    assert.match(notJson.text, /not JSON/);
    const noMessages = await post('{"model":"x","messages":[]}');
    assert.equal(noMessages.status, 400);
    assert.match(noMessages.text, /non-empty array/);
    const badRole = await post('{"messages":[{"role":"tool","content":"x"}]}');
    assert.match(badRole.text, /role must be/);
  });
});

describe('embedded runtime: the supervised child process', function () {
  this.timeout(60_000);
  const events: RuntimeEvent[] = [];
  const event = new Condition();
  const onEvent = (e: RuntimeEvent) => (events.push(e), event.changed());
  let runtime: EmbeddedRuntime;

  before(async () => {
    runtime = new EmbeddedRuntime({ entry: CHILD_ENTRY, modelPath: await testModel('scripted'), threads: 1, contextSize: 2048, idleMs: 60_000, onEvent });
  });
  after(() => runtime.stop());

  it('starts on first use and answers through the provider, loopback only, token required', async () => {
    assert.equal(runtime.isRunning, false);
    const { SCRIPTED } = await tinyModels();
    const r = await collect(new EmbeddedProvider(runtime).stream({ model: 'ignored', messages, maxOutputTokens: 200 }, new AbortController().signal));
    assert.equal(r.error, undefined);
    assert.equal(r.text.trim(), SCRIPTED.answer);
    const ready = events.find((e) => e.type === 'ready') as Extract<RuntimeEvent, { type: 'ready' }>;
    assert.match(ready.url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    assert.equal(await rawRequest(ready.url, {}), 401);
    assert.ok(runtime.measuredTokensPerSecond! > 0);
  });

  it('a killed child is reported, the host lives on, and the next request starts a new one', async () => {
    const pid = runtime.pid!;
    process.kill(pid, 'SIGKILL');
    await event.until(() => events.some((e) => e.type === 'crashed'));
    const crashed = events.find((e) => e.type === 'crashed') as Extract<RuntimeEvent, { type: 'crashed' }>;
    assert.match(crashed.message, /killed \(SIGKILL\).*memory/);
    assert.equal(runtime.isRunning, false);
    const r = await collect(new EmbeddedProvider(runtime).stream({ model: 'ignored', messages, maxOutputTokens: 200 }, new AbortController().signal));
    assert.equal(r.error, undefined);
    assert.notEqual(runtime.pid, pid);
  });

  it('stops when idle and on request', async () => {
    const idle = new EmbeddedRuntime({ entry: CHILD_ENTRY, modelPath: await testModel('scripted'), threads: 1, contextSize: 1024, idleMs: 200, onEvent });
    const lease = await idle.acquire();
    lease.release();
    await event.until(() => events.some((e) => e.type === 'stopped'));
    assert.equal(idle.isRunning, false);
    assert.equal(idle.pid, undefined);
    assert.ok(events.some((e) => e.type === 'stopped' && e.reason === 'idle'));
  });

  it('a model that cannot load is a clear error, not a hang', async () => {
    const bad = new EmbeddedRuntime({ entry: CHILD_ENTRY, modelPath: join(__dirname, 'no-such-model.gguf'), threads: 1, idleMs: 1000 });
    const r = await collect(new EmbeddedProvider(bad).stream({ model: 'x', messages, maxOutputTokens: 10 }, new AbortController().signal));
    assert.match(String((r.error as Error).message), /embedded model is not available: the local model could not start/);
  });
});
