import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatProvider } from '../../src/core/chat/chatProvider';
import { SpendLedger } from '../../src/core/ledger/spendLedger';
import { curatedCatalog } from '../../src/node/priceBook';
import { runRequest } from '../../src/core/requests/runRequest';
import { JsonlLedgerStore } from '../../src/node/jsonlLedgerStore';
import { systemClock } from '../../src/node/systemClock';
import { AnthropicProvider } from '../../src/providers/anthropic';
import { GeminiProvider } from '../../src/providers/gemini';
import { OpenAICompatibleProvider } from '../../src/providers/openAICompatible';
import { FIXTURES } from '../harness/openAIServer';
import { xorshift } from '../harness/xorshift';

/** A 10 MB SSE line (the client gives up at 1 MB: MAX_LINE_BYTES). */
const HUGE_LINE = Buffer.concat([Buffer.from('data: '), Buffer.alloc(10 * 1024 * 1024, 'x')]);

/** Cases per provider: a short run in CI, minutes in `npm run test:soak` (COSTWISE_SOAK=1). */
const SOAK = process.env.COSTWISE_SOAK === '1';
const CASES = SOAK ? 3000 : 120;


type Plan = { chunks: Buffer[]; end: 'end' | 'destroy' | 'stall' };

/** One mutation of a recorded stream: split anywhere (UTF-8 too), corrupt, cut, inject errors, runaway lines, stalls. */
function mutate(bytes: Buffer, r: () => number, api: string): Plan & { kind: string; pos: number } {
  let b = Buffer.from(bytes);
  const kinds = ['split', 'flip', 'truncate', 'error-event', 'garbage-line', 'duplicate', 'no-done', 'huge-line', 'stall', 'utf8'];
  const kind = kinds[Math.floor(r() * kinds.length)]!;
  let pos = -1;
  const at = () => (pos = Math.floor(r() * b.length));
  let end: Plan['end'] = 'end';
  switch (kind) {
    case 'flip':
      for (let i = 0; i < 1 + Math.floor(r() * 8); i++) b[at()] = Math.floor(r() * 256);
      break;
    case 'truncate':
      b = b.subarray(0, at());
      end = r() < 0.5 ? 'destroy' : 'end';
      break;
    case 'error-event': {
      // Each API's documented error shape mid-stream.
      const line =
        api === 'anthropic'
          ? 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n'
          : api === 'gemini'
            ? 'data: {"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}\n\n'
            : 'data: {"error":{"message":"upstream failed","type":"server_error"}}\n\n';
      const cut = b.indexOf('\n\n', at());
      b = Buffer.concat([b.subarray(0, cut < 0 ? b.length : cut + 2), Buffer.from(line), b.subarray(cut < 0 ? b.length : cut + 2)]);
      break;
    }
    case 'garbage-line': {
      const cut = b.indexOf('\n\n', at());
      b = Buffer.concat([b.subarray(0, cut < 0 ? b.length : cut + 2), Buffer.from('data: {"choices": [{"delta": {"content": \n\n'), b.subarray(cut < 0 ? b.length : cut + 2)]);
      break;
    }
    case 'duplicate': {
      const s = at();
      b = Buffer.concat([b.subarray(0, s), b.subarray(s, Math.min(b.length, s + 400)), b.subarray(s)]);
      break;
    }
    case 'no-done':
      b = Buffer.from(b.toString('utf8').replace('data: [DONE]', ''));
      break;
    case 'huge-line':
      b = Buffer.concat([b.subarray(0, at()), HUGE_LINE, Buffer.from('\n\n')]);
      break;
    case 'stall':
      b = b.subarray(0, at());
      end = 'stall';
      break;
    case 'utf8':
      b = Buffer.concat([b.subarray(0, at()), Buffer.from([0xe2, 0x82]), b.subarray(at())]);
      break;
  }
  // Split into chunks at random byte offsets (through multi-byte characters and SSE field boundaries).
  const chunks: Buffer[] = [];
  for (let i = 0; i < b.length; ) {
    const n = 1 + Math.floor(r() * (r() < 0.3 ? 8 : 700));
    chunks.push(b.subarray(i, i + n));
    i += n;
  }
  return { chunks, end, kind, pos };
}

const APIS = [
  { api: 'openai', fixture: 'openai/deepseek-reasoner.sse', model: 'deepseek-reasoner', make: (url: string) => new OpenAICompatibleProvider({ id: 'deepseek', baseUrl: url, apiKey: 'sk-fuzz', firstTokenTimeoutMs: 400, idleTimeoutMs: 400, retry: { maxRetries: 0, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 } }) },
  { api: 'anthropic', fixture: 'anthropic/claude-sonnet-4-5.sse', model: 'claude-sonnet-4-5', make: (url: string) => new AnthropicProvider({ id: 'anthropic', baseUrl: url, apiKey: 'sk-fuzz', firstTokenTimeoutMs: 400, idleTimeoutMs: 400, retry: { maxRetries: 0, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 } }) },
  { api: 'gemini', fixture: 'gemini/gemini-2.5-flash.sse', model: 'gemini-2.5-flash', make: (url: string) => new GeminiProvider({ id: 'gemini', baseUrl: url, apiKey: 'fuzz', firstTokenTimeoutMs: 400, idleTimeoutMs: 400, retry: { maxRetries: 0, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 } }) },
] as const;

describe(`stream fuzzing: ${CASES} mutated recorded streams per provider through the real SDK clients`, function () {
  this.timeout(SOAK ? 60 * 60_000 : 120_000);
  let server: Server;
  let url: string;
  let plan: Plan = { chunks: [], end: 'end' };
  let dir: string;
  const stalled = new Set<import('node:http').ServerResponse>();

  const warn = console.warn;
  before(async () => {
    // The Anthropic SDK warns on every request to a model it knows is being retired: noise here.
    console.warn = (...args: unknown[]) => (String(args[0]).includes('deprecated') || String(args[0]).includes('migrate') ? undefined : warn(...args));
    dir = mkdtempSync(join(tmpdir(), 'costwise-fuzz-'));
    server = createServer((req, res) => {
      req.resume();
      req.on('end', async () => {
        const p = plan;
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const c of p.chunks) {
          if (res.destroyed) return;
          res.write(c);
          if (Math.random() < 0.05) await new Promise((r) => setImmediate(r));
        }
        if (p.end === 'end') res.end();
        else if (p.end === 'destroy') res.destroy();
        else stalled.add(res); // keep it open: the client's idle timeout must end it
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    console.warn = warn;
    for (const r of stalled) r.destroy();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  for (const a of APIS) {
    it(`${a.api}: every case ends in one result or one clean error, and its reservation settles`, async () => {
      const bytes = readFileSync(join(FIXTURES, a.fixture));
      // Where the stream's final event starts: mutations after it change nothing a client must read.
      const marker = a.api === 'openai' ? 'data: [DONE]' : a.api === 'anthropic' ? 'event: message_stop' : '"finishReason"';
      const terminal0 = a.api === 'gemini' ? bytes.lastIndexOf('data:', bytes.indexOf(marker)) : bytes.indexOf(marker);
      assert.ok(terminal0 > 0, `${a.fixture} has its final event`);
      const r = xorshift(0xf022 + a.api.length);
      const ledger = new SpendLedger(new JsonlLedgerStore(join(dir, a.api)), systemClock, () => `id-${Math.random()}`, 'fuzz:1:1');
      const price = curatedCatalog().lookup(a.model, new Date())!;
      const base = a.api === 'openai' ? `${url}/v1` : url;
      const outcomes: Record<string, number> = {};
      const heapBefore = process.memoryUsage().heapUsed;
      for (let i = 0; i < CASES; i++) {
        const m = mutate(bytes, r, a.api);
        plan = m;
        const provider: ChatProvider = a.make(base);
        let terminal = 0;
        const result = await runRequest(
          { ledger, clock: systemClock },
          {
            provider,
            price,
            request: { model: a.model, messages: [{ role: 'user', content: 'explain' }], maxOutputTokens: 1000 },
            task: 'explain',
            budget: { rules: [{ period: 'month', limit: 1e12, setting: 'fuzz' }], warnRatio: 0.8, onLimit: 'ask' },
            signal: new AbortController().signal,
            onEvent: (e) => {
              if (e.type === 'done' || e.type === 'error') terminal++;
            },
          },
        );
        assert.equal(terminal, 1, `case ${i} (${m.kind}): exactly one done or error, got ${terminal}`);
        // An error event, a stall or a runaway line before the answer is complete must end in an error
        // (after the stream's final event, the client has rightly stopped reading).
        if ((m.kind === 'error-event' || m.kind === 'stall' || m.kind === 'huge-line') && m.pos < terminal0) assert.ok(result.error, `case ${i} (${m.kind} at ${m.pos}) must end in an error`);
        if (result.error) assert.ok(!/sk-fuzz/.test(result.error.message), 'no key in the error');
        const key = `${m.kind}:${result.error ? result.error.kind : 'ok'}`;
        outcomes[key] = (outcomes[key] ?? 0) + 1;
        for (const s of stalled) s.destroy();
        stalled.clear();
      }
      const fold = await ledger.fold();
      assert.equal(fold.open.size, 0, 'every reservation was settled or released');
      assert.ok(fold.settled.length <= CASES);
      const grown = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
      assert.ok(grown < 200, `heap grew ${grown.toFixed(0)} MB`);
      process.stdout.write(`      ${a.api}: ${CASES} cases, ${fold.settled.length} settled; ${Object.entries(outcomes).sort().map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
    });
  }
});
