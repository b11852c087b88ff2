import * as assert from 'node:assert/strict';
import type { ChatMessage } from '../../src/core/chat/chatProvider';
import { autoModelInfo, autoTierOf, concreteModelInfo, offerable, supportsTools, tierOfScore } from '../../src/core/chat/chatModels';
import { ConversationBook, chatPosition } from '../../src/core/chat/conversations';
import { toChatMessages } from '../../src/core/chat/languageModelParts';
import { budgetMarkdown, costMarkdown } from '../../src/core/chat/spendText';
import { MonthFold } from '../../src/core/ledger/monthFold';
import type { LedgerRecord } from '../../src/core/ledger/records';
import { surfaceOf } from '../../src/core/ledger/surface';
import type { Candidate } from '../../src/core/routing/candidate';
import { DEFAULT_TIERS } from '../../src/core/routing/tiers';

const cand = (o: Partial<Candidate> & { model: string }): Candidate => ({
  provider: 'openai',
  endpoint: 'openai',
  price: { model: o.model, provider: 'openai', effective: '2026-01-01', source: 't', contextWindow: 400_000, maxOutput: 128_000, prices: { input: 750_000, cachedRead: 75_000, output: 4_500_000 }, reasoningBilledAsOutput: true },
  contextWindow: 400_000,
  maxOutput: 128_000,
  quality: 71.6,
  qualitySource: 'LiveBench',
  reasoning: false,
  local: false,
  reachable: true,
  keyPresent: true,
  enabled: true,
  ...o,
});

describe('Chat: VS Code message parts to provider messages', () => {
  it('keeps text, tool calls on assistant turns, results on user turns; images only for models that take them', () => {
    const turns = [
      { role: 'system' as const, parts: [{ kind: 'text' as const, text: 'Be brief.' }] },
      { role: 'user' as const, parts: [{ kind: 'text' as const, text: 'Look ' }, { kind: 'text' as const, text: 'here' }, { kind: 'data' as const, mimeType: 'image/png', base64: 'iVBO' }, { kind: 'data' as const, mimeType: 'cache_control', base64: 'eA==' }] },
      { role: 'assistant' as const, parts: [{ kind: 'toolCall' as const, callId: 'c1', name: 'read', input: { path: 'a.ts' } }] },
      { role: 'user' as const, parts: [{ kind: 'toolResult' as const, callId: 'c1', text: 'export {}' }] },
    ];
    assert.deepEqual(toChatMessages(turns, true), [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Look here', images: [{ mimeType: 'image/png', data: 'iVBO' }] },
      { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'read', input: { path: 'a.ts' } }] },
      { role: 'user', content: '', toolResults: [{ callId: 'c1', content: 'export {}' }] },
    ]);
    const noImages = toChatMessages(turns, false);
    assert.equal(noImages[1]!.images, undefined);
    assert.match(noImages[1]!.content, /image \(image\/png\) was attached; this model does not take images/);
  });
});

describe('Chat: conversations and agent runs', () => {
  const start: ChatMessage[] = [{ role: 'system', content: 'sys' }, { role: 'user', content: 'Fix the bug' }];
  const loop: ChatMessage[] = [...start, { role: 'assistant', content: '', toolCalls: [{ id: 'c', name: 't', input: {} }] }, { role: 'user', content: '', toolResults: [{ callId: 'c', content: 'ok' }] }];
  const next: ChatMessage[] = [...loop, { role: 'assistant', content: 'Done.' }, { role: 'user', content: 'Now add a test' }];

  it('a conversation keeps its name as it grows; a run lasts until the person types again', () => {
    const a = chatPosition(start);
    const b = chatPosition(loop);
    const c = chatPosition(next);
    assert.equal(a.conversation, b.conversation);
    assert.equal(b.conversation, c.conversation);
    assert.equal(a.run, b.run);
    assert.notEqual(b.run, c.run);
    assert.deepEqual([a.continuesRun, b.continuesRun, c.continuesRun], [false, true, false]);
    assert.equal(a.historyChars, 'sys'.length + 1, 'only the system prompt precedes the first typed turn');
    assert.ok(c.historyChars > 0, 'the turns before the newest typed message are a cached prefix');
    assert.notEqual(chatPosition([{ role: 'user', content: 'Another task' }]).conversation, a.conversation);
  });

  it('a run stops when its spend plus the next worst case would pass the cap, and a new typed turn starts afresh', () => {
    const book = new ConversationBook();
    const p = chatPosition(loop);
    book.record(p, 'gpt-5.4-mini', 300_000);
    book.record(p, 'gpt-5.4-mini', 150_000);
    assert.equal(book.checkRun(p.run, 40_000, 500_000), undefined);
    assert.deepEqual(book.checkRun(p.run, 60_000, 500_000), { spent: 450_000, requests: 2, cap: 500_000, worstCase: 60_000 });
    assert.equal(book.checkRun(chatPosition(next).run, 60_000, 500_000), undefined);
    assert.equal(book.conversation(p.conversation)?.spent, 450_000);
    book.hold(p.conversation, 'gpt-5.4-mini');
    assert.equal(book.stickyModel(chatPosition(next).conversation), 'gpt-5.4-mini');
  });
});

describe('Chat: models offered in the picker', () => {
  it('Auto per tier, concrete models with price in detail and tier/score/context in the tooltip', () => {
    assert.equal(autoTierOf('costwise-auto-premium'), 'premium');
    assert.equal(autoTierOf('gpt-5.4-mini'), undefined);
    assert.equal(tierOfScore(71.6, DEFAULT_TIERS), 'basic', 'LiveBench coding: standard from 72, premium from 80');
    assert.equal(tierOfScore(81.8, DEFAULT_TIERS), 'premium');
    const info = concreteModelInfo(cand({ model: 'gpt-5.4-mini' }), DEFAULT_TIERS, 4096);
    assert.equal(info.detail, '$0.75 in · $4.50 out /1M');
    assert.match(info.tooltip, /basic tier · score 71.6 \(LiveBench\) · 400K context/);
    assert.equal(info.maxOutputTokens, 4096);
    assert.equal(info.toolCalling, true);
    const local = cand({ model: 'deepseek-r1:1.5b', provider: 'local', local: true, price: undefined, quality: 4 });
    assert.equal(supportsTools(local), false);
    assert.equal(supportsTools(cand({ model: 'deepseek-reasoner', provider: 'deepseek' })), false);
    const auto = autoModelInfo('standard', [cand({ model: 'gpt-5.4-mini', quality: 79 }), local], DEFAULT_TIERS, 4096);
    assert.equal(auto.name, 'Costwise Auto · standard');
    assert.equal(auto.toolCalling, true);
    assert.match(auto.tooltip, /1 model qualify now: gpt-5.4-mini/);
  });

  it('a model with no key, no price, no score or retired is not offered', () => {
    assert.equal(offerable(cand({ model: 'a' })), true);
    assert.equal(offerable(cand({ model: 'a', keyPresent: false })), false);
    assert.equal(offerable(cand({ model: 'a', price: undefined })), false);
    assert.equal(offerable(cand({ model: 'a', quality: undefined })), false, 'unscored: never offered as if it had a tier');
    assert.equal(offerable(cand({ model: 'a', retiredOn: '2026-11-30' })), false);
  });
});

describe('Chat: spend by surface, /cost and /budget text', () => {
  it('folds tasks into panel / chat / agent and shows the conversation, the month and each limit', () => {
    // An explanation asked in chat (@costwise /explain) is chat; the same task from the panel is the panel.
    assert.deepEqual([surfaceOf({ task: 'explain' }), surfaceOf({ task: 'explain', conversation: 'ab' }), surfaceOf({ task: 'agent', conversation: 'ab' }), surfaceOf({ task: 'chat' }), surfaceOf({ task: 'import' })], ['panel', 'chat', 'agent', 'chat', 'other']);
    const fold = new MonthFold('2026-11');
    const price = { model: 'gpt-5.4-mini', effective: '2026-03-05', source: 'test' };
    const usage = { inputTokens: 1, cachedReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 1, reasoningTokens: 0, source: 'reported' as const };
    const settle = (id: string, task: string, cost: number, conversation?: string): LedgerRecord => ({ v: 1, kind: 'settle', id, at: '2026-11-30T10:00:00.000Z', reservedAt: '2026-11-30T10:00:00.000Z', model: 'gpt-5.4-mini', provider: 'openai', task, usage, cost, price, durationMs: 1, outcome: 'ok', ...(conversation ? { conversation } : {}) });
    for (const r of [settle('a', 'explain', 200_000), settle('b', 'explain', 100_000, 'c1'), settle('c', 'agent', 900_000, 'c1'), settle('d', 'chat', 100_000, 'c2')]) fold.apply(r);
    const bySurface = fold.summary().bySurface;
    assert.deepEqual(bySurface.map((b) => [b.key, b.cost, b.requests]), [['agent', 900_000, 1], ['chat', 200_000, 2], ['panel', 200_000, 1]]);
    const md = costMarkdown({ month: { label: 'This month (2026-11)', total: 1_300_000, requests: 4, byModel: [{ key: 'gpt-5.4-mini', cost: 1_300_000, requests: 4 }], bySurface }, conversation: { name: 'conversation 0123abcd', spent: 900_000, requests: 2, byModel: new Map([['gpt-5.4-mini', 900_000]]) } });
    assert.match(md, /\*\*This conversation\*\* .*"conversation 0123abcd" in the report.*: \$0\.90 in 2 requests/);
    assert.match(md, /\| agent \| 1 \| \$0\.90 \|/);
    assert.match(md, /\| chat \| 2 \| \$0\.20 \|/);
    assert.match(md, /\| gpt-5\.4-mini \| \$0\.90 \|/);
    const b = budgetMarkdown({ rules: [{ period: 'month', limit: 10_000_000, setting: 'costwise.budget.monthlyUsd' }, { period: 'day', limit: 1_000_000, provider: 'openai', setting: 'costwise.budget.perProvider' }], warnRatio: 0.8, onLimit: 'ask' }, 500_000, (scope) => (scope.day ? 250_000 : 4_000_000), '2026-11-30');
    assert.match(b, /\| monthly \$10\.00 \| \$4\.00 \| \$6\.00 \| `costwise\.budget\.monthlyUsd` \|/);
    assert.match(b, /\| daily · openai \$1\.00 \| \$0\.25 \| \$0\.75 \|/);
    assert.match(b, /at most \$0\.50/);
  });
});
