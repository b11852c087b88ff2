import * as assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateBudget, type BudgetPolicy } from '../../src/core/budget/budget';
import { fixedClock, type Clock } from '../../src/core/clock';
import { describeOrphans } from '../../src/core/ledger/orphans';
import { BudgetRefusal, SpendLedger, type ReserveRequest } from '../../src/core/ledger/spendLedger';
import { emptyUsage } from '../../src/core/pricing/usage';
import { JsonlLedgerStore } from '../../src/node/jsonlLedgerStore';

const price = { model: 'deepseek-chat', effective: '2025-09-29', source: 'test' };
const req = (amount: number, extra: Partial<ReserveRequest> = {}): ReserveRequest => ({
  model: 'deepseek-chat',
  provider: 'deepseek',
  task: 'explain',
  amount,
  estimate: { ...emptyUsage('estimated'), inputTokens: 10, outputTokens: 100 },
  price,
  ...extra,
});
const monthly = (limit: number, more: Partial<BudgetPolicy> = {}): BudgetPolicy => ({ rules: [{ period: 'month', limit, setting: 'costwise.budget.monthlyUsd' }], warnRatio: 0.8, onLimit: 'ask', ...more });
const admitUnder = (policy: BudgetPolicy, amount: number, model = 'deepseek-chat', provider = 'deepseek') => (spentIn: (s: object) => number, today: string) =>
  evaluateBudget(policy, { provider, model, local: false }, amount, spentIn, today);
const settleWith = (cost: number) => ({ usage: { ...emptyUsage(), inputTokens: 10, outputTokens: 5 }, cost, price, durationMs: 5, outcome: 'ok' as const });

describe('spend ledger (JSON Lines)', () => {
  let dir: string;
  let ids = 0;
  const newId = () => `id-${++ids}`;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'costwise-ledger-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const clock = fixedClock(new Date(2026, 10, 23, 12, 0, 0));
  const make = (c: Clock = clock, owner = 'test:1:1') => new SpendLedger(new JsonlLedgerStore(dir), c, newId, owner);

  it('counts a reservation until it is settled, then the real cost', async () => {
    const ledger = make();
    const r = await ledger.reserve(req(300_000), admitUnder(monthly(1_000_000), 300_000));
    assert.deepEqual(await ledger.totals(), { today: 300_000, month: 300_000, reserved: 300_000, requests: 0 });
    const s = await ledger.settle(r, settleWith(1234));
    assert.deepEqual(await ledger.totals(), { today: 1234, month: 1234, reserved: 0, requests: 1, last: s });
  });

  it('refuses a reservation that would pass the budget, naming the setting, and records nothing', async () => {
    const store = new JsonlLedgerStore(dir);
    const ledger = new SpendLedger(store, clock, newId, 'o');
    await ledger.reserve(req(700_000), admitUnder(monthly(1_000_000), 700_000));
    await assert.rejects(ledger.reserve(req(400_000), admitUnder(monthly(1_000_000), 400_000)), (e: unknown) => e instanceof BudgetRefusal && /\$0\.70 of the \$1\.00 monthly budget.*costwise\.budget\.monthlyUsd/.test(e.message));
    assert.equal((await store.readMonth('2026-11')).records.length, 1);
  });

  it('a budget of 0 admits no paid request, but local models are not money-gated', async () => {
    const ledger = make();
    await assert.rejects(ledger.reserve(req(1), admitUnder(monthly(0), 1)), /budget is \$0/);
    const local = (spentIn: (s: object) => number, today: string) => evaluateBudget(monthly(0), { provider: 'local', model: 'r1-1.5b', local: true }, 1, spentIn, today);
    await ledger.reserve(req(1, { provider: 'local', model: 'r1-1.5b' }), local);
  });

  it('applies per-provider and per-model limits only to their scope', async () => {
    const ledger = make();
    const policy = monthly(10_000_000, {
      rules: [
        { period: 'month', limit: 10_000_000, setting: 'costwise.budget.monthlyUsd' },
        { period: 'month', limit: 100_000, provider: 'openai', setting: 'costwise.budget.perProvider.openai' },
        { period: 'day', limit: 50_000, model: 'o3', setting: 'costwise.budget.perModel.o3' },
      ],
    });
    await ledger.reserve(req(90_000, { provider: 'openai', model: 'o4-mini' }), admitUnder(policy, 90_000, 'o4-mini', 'openai'));
    await assert.rejects(ledger.reserve(req(20_000, { provider: 'openai', model: 'o4-mini' }), admitUnder(policy, 20_000, 'o4-mini', 'openai')), /budget for openai.*perProvider\.openai/);
    await assert.rejects(ledger.reserve(req(60_000, { provider: 'openai', model: 'o3' }), admitUnder(policy, 60_000, 'o3', 'openai')), /daily budget for o3/);
    await ledger.reserve(req(500_000), admitUnder(policy, 500_000)); // deepseek: only the overall limit applies
  });

  it('warns below the limit at the warning level', () => {
    const v = evaluateBudget(monthly(1_000_000), { provider: 'deepseek', model: 'm', local: false }, 100_000, () => 750_000, '2026-11-23');
    assert.equal(v.admitted, true);
    assert.equal(v.warnings.length, 1);
    assert.equal(v.warnings[0]!.after, 850_000);
  });

  it('admits exactly as many concurrent reservations as fit (one process)', async () => {
    const ledger = make();
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => ledger.reserve(req(30_000), admitUnder(monthly(1_000_000), 30_000))));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 33);
    assert.equal((await ledger.totals()).month, 990_000);
  });

  it('settling twice counts once', async () => {
    const ledger = make();
    const r = await ledger.reserve(req(10), () => ({ admitted: true, reason: '' }));
    await ledger.settle(r, settleWith(7));
    await ledger.settle(r, settleWith(7));
    assert.equal((await ledger.totals()).month, 7);
    assert.equal((await ledger.fold()).duplicates, 1);
  });

  it('another instance (another window) sees the appends, reading only what is new', async () => {
    const a = make();
    const b = make(clock, 'other:2:2');
    await a.reserve(req(100), () => ({ admitted: true, reason: '' }));
    assert.equal((await b.totals()).month, 100);
    const offset = (await b.fold()).offset;
    const r = await a.reserve(req(200), () => ({ admitted: true, reason: '' }));
    await a.settle(r, settleWith(150));
    const f = await b.fold();
    assert.ok(f.offset > offset);
    assert.equal((await b.totals()).month, 250);
  });

  it('keeps every whole record around a torn line, reports the torn part, never rewrites the file', async () => {
    const store = new JsonlLedgerStore(dir);
    const ledger = new SpendLedger(store, clock, newId, 'o');
    const r = await ledger.reserve(req(10), () => ({ admitted: true, reason: '' }));
    await ledger.settle(r, settleWith(5));
    const file = store.fileFor('2026-11');
    appendFileSync(file, '{"v":1,"kind":"settle","garbage\n');
    appendFileSync(file, '{"v":1,"kind":"reserve","id":"torn","at":"2026-11-23T11:00:00.000Z","model":"m","amou'); // crash mid-append
    const before = readFileSync(file, 'utf8');
    const fresh = new SpendLedger(store, clock, newId, 'o');
    assert.equal((await fresh.totals()).month, 5);
    assert.deepEqual((await fresh.fold()).corrupt.map((c) => [c.lineNumber, c.error]), [[3, 'not valid JSON']]);
    assert.equal(readFileSync(file, 'utf8'), before, 'reading never rewrites');
    // The next append starts on a fresh line, so the acknowledged record is whole.
    const r2 = await ledger.reserve(req(20), () => ({ admitted: true, reason: '' }));
    await ledger.settle(r2, settleWith(11));
    assert.equal((await fresh.totals()).month, 16);
    assert.deepEqual((await fresh.fold()).corrupt.map((c) => c.lineNumber), [3, 4]);
    assert.ok(readFileSync(file, 'utf8').startsWith(before), 'appends only');
  });

  it('recovers a record written right after a torn one on the same line', async () => {
    const store = new JsonlLedgerStore(dir);
    const ledger = new SpendLedger(store, clock, newId, 'o');
    const r = await ledger.reserve(req(10), () => ({ admitted: true, reason: '' }));
    const file = store.fileFor('2026-11');
    const settle = { v: 1, kind: 'settle', id: r.id, at: r.at, reservedAt: r.at, model: 'm', provider: 'deepseek', task: 't', usage: emptyUsage(), cost: 9, price, durationMs: 0, outcome: 'ok' };
    appendFileSync(file, `{"v":1,"kind":"res${JSON.stringify(settle)}\n`);
    const f = await new SpendLedger(store, clock, newId, 'o').fold();
    assert.equal(f.total, 9);
    assert.match(f.corrupt[0]!.error, /record was kept/);
  });

  it('quarantines lines from a future ledger version instead of guessing', async () => {
    const store = new JsonlLedgerStore(dir);
    writeFileSync(store.fileFor('2026-11'), '{"v":2,"kind":"settle","id":"x","at":"2026-11-23T11:00:00.000Z","cost":5}\n');
    const f = await make().fold();
    assert.equal(f.total, 0);
    assert.match(f.corrupt[0]!.error, /unknown record version 2/);
  });

  it('a release frees the reservation entirely', async () => {
    const ledger = make();
    const r = await ledger.reserve(req(500), () => ({ admitted: true, reason: '' }));
    await ledger.release(r, 'HTTP 401');
    assert.equal((await ledger.totals()).month, 0);
  });

  it('finds orphaned reservations of dead processes and settles them at the reserved amount', async () => {
    const crashed = make(clock, 'host:999999:1');
    const r = await crashed.reserve(req(4_200), () => ({ admitted: true, reason: '' }));
    const alive = make(clock, 'host:1:1');
    await alive.reserve(req(1_000), () => ({ admitted: true, reason: '' }));
    const isAlive = (owner: string) => owner !== 'host:999999:1';
    const orphans = await alive.orphans(isAlive, 6 * 3600_000);
    assert.deepEqual(orphans.map((o) => o.id), [r.id]);
    // Two sweepers at once (two windows starting): the orphan is settled once, by one of them.
    const other = make(clock, 'host:2:2');
    const [a, b] = await Promise.all([alive.settleOrphans(isAlive, 6 * 3600_000), other.settleOrphans(isAlive, 6 * 3600_000)]);
    assert.deepEqual([...a, ...b].map((o) => o.id), [r.id]);
    const f = await alive.fold();
    const s = f.settled.find((x) => x.id === r.id)!;
    assert.deepEqual([s.cost, s.outcome, s.usage.source], [4_200, 'orphaned', 'estimated']);
    assert.equal(f.duplicates, 0, 'settled once');
    assert.deepEqual(await alive.orphans(isAlive, 6 * 3600_000), []);
    assert.match(describeOrphans(orphans), /^1 request was interrupted .* recorded at the reserved worst case, \$0\.0042 in all/);
    assert.equal((await alive.totals()).month, 5_200);
  });

  it('counts a request that settles after midnight on the day (and month) it was reserved', async () => {
    let now = new Date(2026, 9, 31, 23, 59, 59);
    const moving: Clock = { now: () => new Date(now.getTime()) };
    const ledger = make(moving);
    const r = await ledger.reserve(req(100), () => ({ admitted: true, reason: '' }));
    now = new Date(2026, 10, 1, 0, 0, 5);
    await ledger.settle(r, settleWith(80));
    assert.equal((await ledger.totals()).month, 0, 'November starts empty');
    assert.equal((await ledger.fold('2026-10')).total, 80, 'October carries the request');
  });

  it('notifies listeners of changes', async () => {
    const ledger = make();
    let n = 0;
    ledger.onDidChange(() => n++);
    const r = await ledger.reserve(req(1), () => ({ admitted: true, reason: '' }));
    await ledger.release(r, 'test');
    assert.equal(n, 2);
  });
});

describe('ledger changes reach other windows', () => {
  it('a watcher on the ledger folder hears another process append', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'costwise-watch-'));
    const watcherStore = new JsonlLedgerStore(dir);
    let heard!: () => void;
    const heardIt = new Promise<void>((r) => (heard = r));
    const sub = watcherStore.watch(() => heard());
    try {
      await sub.ready; // watching from here on
      const writer = new SpendLedger(new JsonlLedgerStore(dir), fixedClock(new Date()), () => 'w1', 'writer:1:1');
      await writer.reserve(req(5), () => ({ admitted: true, reason: '' }));
      await heardIt; // or the test times out
    } finally {
      sub.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

});
