import * as assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { admit } from '../../src/core/budget/budget';
import { fixedClock } from '../../src/core/clock';
import { BudgetRefusal, SpendLedger } from '../../src/core/ledger/spendLedger';
import { emptyUsage } from '../../src/core/pricing/usage';
import { JsonlLedgerStore } from '../../src/node/jsonlLedgerStore';

describe('spend ledger (JSON Lines)', () => {
  let dir: string;
  let ids = 0;
  const newId = () => `id-${++ids}`;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'costwise-ledger-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const clock = fixedClock(new Date(2026, 10, 23, 12, 0, 0));
  const limits = { monthly: 1_000_000, daily: undefined };
  const req = (amount: number) => ({ model: 'deepseek-chat', provider: 'deepseek' as const, task: 'explain', amount });
  const price = { model: 'deepseek-chat', effective: '2025-09-29', source: 'test' };

  it('counts a reservation until it is settled, then the real cost', async () => {
    const ledger = new SpendLedger(new JsonlLedgerStore(dir), clock, newId);
    const r = await ledger.reserve(req(300_000), (t) => admit(t, 300_000, limits));
    assert.equal((await ledger.totals()).month, 300_000);
    assert.equal((await ledger.totals()).reserved, 300_000);
    await ledger.settle(r, { usage: { ...emptyUsage(), inputTokens: 10, outputTokens: 5 }, cost: 1234, price, durationMs: 5, outcome: 'ok' });
    const t = await ledger.totals();
    assert.deepEqual([t.today, t.month, t.reserved, t.requests], [1234, 1234, 0, 1]);
  });

  it('refuses a reservation that would pass the budget, and records nothing', async () => {
    const store = new JsonlLedgerStore(dir);
    const ledger = new SpendLedger(store, clock, newId);
    await ledger.reserve(req(700_000), (t) => admit(t, 700_000, limits));
    await assert.rejects(ledger.reserve(req(400_000), (t) => admit(t, 400_000, limits)), (e: unknown) => e instanceof BudgetRefusal && /\$0\.70 of the \$1\.00 monthly budget/.test(e.message));
    assert.equal((await store.readMonth('2026-11')).records.length, 1);
  });

  it('a budget of 0 admits no paid request', async () => {
    const ledger = new SpendLedger(new JsonlLedgerStore(dir), clock, newId);
    await assert.rejects(ledger.reserve(req(1), (t) => admit(t, 1, { monthly: 0, daily: undefined })), /budget is \$0/);
  });

  it('admits exactly as many concurrent reservations as fit (one process)', async () => {
    const ledger = new SpendLedger(new JsonlLedgerStore(dir), clock, newId);
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => ledger.reserve(req(30_000), (t) => admit(t, 30_000, limits))));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 33);
    assert.equal((await ledger.totals()).month, 990_000);
  });

  it('settling twice counts once', async () => {
    const ledger = new SpendLedger(new JsonlLedgerStore(dir), clock, newId);
    const r = await ledger.reserve(req(10), () => ({ admitted: true }));
    const s = { usage: emptyUsage(), cost: 7, price, durationMs: 1, outcome: 'ok' as const };
    await ledger.settle(r, s);
    await ledger.settle(r, s);
    assert.equal((await ledger.totals()).month, 7);
  });

  it('ignores a torn last line and reports (but keeps) a corrupt line', async () => {
    const store = new JsonlLedgerStore(dir);
    const ledger = new SpendLedger(store, clock, newId);
    const r = await ledger.reserve(req(10), () => ({ admitted: true }));
    await ledger.settle(r, { usage: emptyUsage(), cost: 5, price, durationMs: 1, outcome: 'ok' });
    const file = store.fileFor('2026-11');
    appendFileSync(file, '{"v":1,"kind":"settle","garbage\n');
    appendFileSync(file, '{"v":1,"kind":"reserve","id":"x","at":"2026-11-23T11:00:00.000Z","model":"m","amount":5');
    const before = readFileSync(file, 'utf8');
    const read = await store.readMonth('2026-11');
    assert.equal(read.records.length, 2);
    assert.deepEqual(read.corrupt.map((c) => [c.lineNumber, c.error]), [[3, 'not valid JSON']]);
    assert.equal((await ledger.totals()).month, 5);
    assert.equal(readFileSync(file, 'utf8'), before, 'the original file is never rewritten');
  });

  it('a release frees the reservation entirely', async () => {
    const ledger = new SpendLedger(new JsonlLedgerStore(dir), clock, newId);
    const r = await ledger.reserve(req(500), () => ({ admitted: true }));
    await ledger.release(r, 'HTTP 401');
    assert.equal((await ledger.totals()).month, 0);
  });

  it('notifies listeners of changes', async () => {
    const ledger = new SpendLedger(new JsonlLedgerStore(dir), clock, newId);
    let n = 0;
    ledger.onDidChange(() => n++);
    const r = await ledger.reserve(req(1), () => ({ admitted: true }));
    await ledger.release(r, 'test');
    assert.equal(n, 2);
  });
});
