import * as assert from 'node:assert/strict';
import type { ChatEvent } from '../../src/core/chat/chatProvider';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock } from '../../src/core/clock';
import { BudgetRefusal, SpendLedger } from '../../src/core/ledger/spendLedger';
import { curatedCatalog } from '../../src/node/priceBook';
import { explainMessages } from '../../src/core/requests/explainPrompt';
import { runRequest, UnpricedModelError } from '../../src/core/requests/runRequest';
import { JsonlLedgerStore } from '../../src/node/jsonlLedgerStore';
import { OpenAICompatibleProvider } from '../../src/providers/openAICompatible';
import { OpenAIServer, type OpenAIServerOptions } from '../harness/openAIServer';

describe('one paid request end to end (reserve -> stream -> settle)', () => {
  let dir: string;
  let server: OpenAIServer;
  const clock = fixedClock('2025-12-01T12:00:00Z');
  const catalog = curatedCatalog();
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'costwise-run-'))));
  afterEach(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(model: string, opts: OpenAIServerOptions = {}, priceModel = model, monthly = 10_000_000, extra: { binding?: boolean; approvedOverLimit?: boolean; onEvent?: (e: ChatEvent) => void } = {}) {
    server = await new OpenAIServer(opts).start();
    const store = new JsonlLedgerStore(dir);
    const ledger = new SpendLedger(store, clock, () => `r${Math.random()}`, 'test');
    const result = await runRequest(
      { ledger, clock },
      {
        provider: new OpenAICompatibleProvider({ id: 't', baseUrl: server.url, apiKey: 'k' }),
        price: catalog.lookup(priceModel, clock.now()),
        request: { model, messages: explainMessages({ text: 'function add(a, b) { return a + b; }', languageId: 'javascript' }), maxOutputTokens: 1000 },
        task: 'explain',
        budget: { rules: [{ period: 'month', limit: monthly, setting: 'costwise.budget.monthlyUsd', ...(extra.binding ? { binding: true } : {}) }], warnRatio: 0.8, onLimit: 'ask' },
        ...(extra.approvedOverLimit ? { approvedOverLimit: true } : {}),
        signal: new AbortController().signal,
        onEvent: extra.onEvent ?? (() => undefined),
      },
    );
    return { result, ledger, store };
  }

  it('settles with the usage the API reported, priced to the micro-dollar', async () => {
    const { result, ledger } = await run('deepseek-reasoner');
    assert.equal(result.error, undefined);
    assert.equal(result.record?.cost, 36);
    assert.equal(result.record?.usage.source, 'reported');
    // deepseek-reasoner was an alias of DeepSeek-V3.2 then: the record names the price actually used.
    assert.deepEqual(result.record?.price, { model: 'deepseek-v3.2', effective: '2025-09-29', source: 'https://api-docs.deepseek.com/quick_start/pricing (served only as deepseek-chat / deepseek-reasoner)' });
    const t = await ledger.totals();
    assert.deepEqual([t.month, t.reserved, t.requests], [36, 0, 1]);
  });

  it('a stream without usage is settled with an estimate flagged as such, never $0', async () => {
    const { result } = await run('deepseek-chat', { fixtures: { 'deepseek-chat': 'inline-think-no-usage' } });
    assert.equal(result.record?.usage.source, 'estimated');
    assert.ok(result.record!.usage.inputTokens > 0 && result.record!.usage.outputTokens > 0);
    assert.ok(result.record!.cost > 0);
  });

  it('a cut stream is settled (estimated) with the partial answer kept', async () => {
    let text = '';
    // The connection drops once the partial answer has arrived.
    const { result } = await run('deepseek-chat', { fixtures: { 'deepseek-chat': 'cut' }, cut: ['cut'] }, undefined, undefined, { onEvent: (e) => void (e.type === 'text' && (text += e.text) === 'Partial answer' && server.cut()) });
    assert.equal(result.text, 'Partial answer');
    assert.equal(result.error?.kind, 'stream');
    assert.equal(result.record?.outcome, 'error');
    assert.ok(result.record!.cost > 0);
  });

  it('a request rejected with an HTTP error is released: nothing was billed', async () => {
    const { result, ledger } = await run('deepseek-chat', { status: 503 });
    assert.equal(result.record, undefined);
    assert.equal(result.error?.status, 503);
    assert.equal((await ledger.totals()).month, 0);
  });

  it('an unpriced model is refused before anything is sent', async () => {
    await assert.rejects(run('mystery-model', {}, 'mystery-model'), (e: unknown) => e instanceof UnpricedModelError && /costwise\.prices/.test(e.message));
    assert.equal(server.requests.length, 0);
  });

  it('a request whose worst case does not fit the budget is refused before anything is sent', async () => {
    // 1000 output tokens of deepseek-reasoner at $0.42/M is $0.00042 worst case; a $0.0004 budget cannot hold it.
    await assert.rejects(run('deepseek-reasoner', {}, 'deepseek-reasoner', 400), BudgetRefusal);
    assert.equal(server.requests.length, 0);
  });

  it('"send once anyway" passes a limit of this window, never a team\'s (binding) limit', async () => {
    const { result } = await run('deepseek-reasoner', {}, 'deepseek-reasoner', 400, { approvedOverLimit: true });
    assert.equal(result.record?.kind, 'settle');
    await server.stop();
    await assert.rejects(run('deepseek-reasoner', {}, 'deepseek-reasoner', 400, { approvedOverLimit: true, binding: true }), BudgetRefusal);
    assert.equal(server.requests.length, 0);
  });
});
