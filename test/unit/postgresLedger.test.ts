import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateBudget } from '../../src/core/budget/budget';
import { SpendLedger } from '../../src/core/ledger/spendLedger';
import { emptyUsage } from '../../src/core/pricing/usage';
import { JsonlLedgerStore } from '../../src/node/jsonlLedgerStore';
import { MIGRATIONS } from '../../src/node/pgMigrations';
import { PostgresLedgerStore } from '../../src/node/postgresLedgerStore';
import type { Clock } from '../../src/core/clock';
import { PostgresServer } from '../harness/postgresServer';

const price = { model: 'o4-mini', effective: '2025-04-16', source: 'test' };
const policy = (limit: number) => ({ rules: [{ period: 'month' as const, limit, setting: 'team' }], warnRatio: 0.8, onLimit: 'ask' as const });
const reserveReq = (amount: number, provider: 'openai' | 'local' = 'openai') => ({ model: provider === 'local' ? 'r1-distill' : 'o4-mini', provider, task: 'explain', amount, estimate: emptyUsage('estimated'), price });
const admitUnder = (limit: number, amount: number, local = false) => (spentIn: (s: object) => number, today: string) => evaluateBudget(policy(limit), { provider: local ? 'local' : 'openai', model: 'o4-mini', local }, amount, spentIn, today);

describe('PostgresLedgerStore (a real PostgreSQL)', function () {
  this.timeout(60_000);
  let pg: PostgresServer;
  let dir: string;
  let n = 0;
  const opened: PostgresLedgerStore[] = [];
  const open = async (url: string, owner: string, extra: object = {}) => {
    const s = await PostgresLedgerStore.open({ url, outboxDir: join(dir, owner.replace(/:/g, '_')), owner, leaseMs: 1500, connectTimeoutMs: 2000, ...extra });
    opened.push(s);
    return s;
  };

  before(async () => {
    pg = await new PostgresServer().start();
  });
  after(async () => {
    await pg?.dispose();
  });
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'costwise-pgstore-'))));
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('eight clients starting at once migrate the schema once, to the newest version', async () => {
    const url = pg.createDatabase(`mig${++n}`);
    const stores = await Promise.all(Array.from({ length: 8 }, (_, i) => open(url, `m:${i}:1`)));
    await Promise.all(stores.map((s) => s.connect()));
    const versions = pg.psql('SELECT string_agg(version::text, \',\' ORDER BY version) FROM costwise_schema', `mig${n}`);
    assert.equal(versions, MIGRATIONS.map((m) => m.version).join(','));
    assert.equal(pg.psql("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'costwise_%'", `mig${n}`), '4');
  });

  it('refuses a database migrated by a newer Costwise', async () => {
    const url = pg.createDatabase(`mig${++n}`);
    await (await open(url, 'm:1:1')).connect();
    pg.psql("INSERT INTO costwise_schema (version, name) VALUES (99, 'future')", `mig${n}`);
    const late = await open(url, 'm:2:1');
    await assert.rejects(late.connect(), /schema is version 99, newer than this Costwise knows/);
  });

  it('the same protocol gives the same folds as the local JSON Lines store', async () => {
    const url = pg.createDatabase(`same${++n}`);
    const at = new Date();
    const clock: Clock = { now: () => at };
    let id = 0;
    const ids = () => `r${++id}`;
    const run = async (ledger: SpendLedger) => {
      id = 0;
      const a = await ledger.reserve(reserveReq(40_000), admitUnder(100_000, 40_000));
      const b = await ledger.reserve(reserveReq(40_000), admitUnder(100_000, 40_000));
      await assert.rejects(ledger.reserve(reserveReq(40_000), admitUnder(100_000, 40_000)), { name: 'BudgetRefusal' });
      const l = await ledger.reserve(reserveReq(300, 'local'), admitUnder(100_000, 300, true));
      const s = { usage: { ...emptyUsage(), inputTokens: 100, outputTokens: 50, reasoningTokens: 20 }, cost: 12_345, price, durationMs: 9, outcome: 'ok' as const, counterfactual: { model: 'o3', cost: 50_000 } };
      await ledger.settle(a, s);
      await ledger.settle(a, s); // idempotent: counted once
      await ledger.release(b, 'cancelled before sending');
      await ledger.settle(l, { ...s, cost: 250 });
      return (await ledger.fold()).summary();
    };
    const local = await run(new SpendLedger(new JsonlLedgerStore(join(dir, 'jsonl')), clock, ids, 'me:1:1'));
    const store = await open(url, 'me:1:1');
    const remote = await run(new SpendLedger(store, clock, ids, 'me:1:1'));
    assert.deepEqual(remote, local);
    assert.equal(remote.total, 12_345 + 250);
    // A fresh reader folds the same from the database alone; the repeated settle is one row.
    const reader = new SpendLedger(await open(url, 'reader:1:1'), clock, ids, 'reader:1:1');
    assert.deepEqual((await reader.fold()).summary(), local);
    assert.equal(pg.psql("SELECT count(*) FROM costwise_records WHERE kind <> 'reserve'", `same${n}`), '3');
  });
});

describe('PostgresLedgerStore while the database is away (a real PostgreSQL, stopped)', function () {
  this.timeout(60_000);
  let pg: PostgresServer;
  let dir: string;
  before(async () => {
    pg = await new PostgresServer().start();
  });
  after(async () => {
    await pg?.dispose();
  });
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'costwise-pgoff-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('fails closed; an offline allowance is spent locally and uploaded exactly once when it is back; local models keep answering', async () => {
    const url = pg.createDatabase('offline');
    const mk = (allowance: number) => new PostgresLedgerStore({ url, outboxDir: join(dir, 'outbox'), owner: 'me:1:1', person: 'me', leaseMs: 1500, connectTimeoutMs: 2000, offlineAllowance: allowance });
    const strict = mk(0);
    const lenient = mk(50_000);
    try {
      let id = 0;
      const strictLedger = new SpendLedger(strict, { now: () => new Date() }, () => `s${++id}`, 'me:1:1', 'me');
      const online = await strictLedger.reserve(reserveReq(10_000), admitUnder(1_000_000, 10_000));
      await pg.stop();
      try {
        await assert.rejects(strictLedger.reserve(reserveReq(10_000), admitUnder(1_000_000, 10_000)), (e: Error) => {
          assert.equal(e.name, 'BudgetRefusal');
          assert.match(e.message, /the team ledger \(PostgreSQL localhost\/offline\) cannot be reached \(.+\), and paid requests wait for it \(costwise\.ledger\.offlineAllowanceUsd allows a small amount offline\); local models still answer/);
          return true;
        });
        const local = await strictLedger.reserve(reserveReq(300, 'local'), admitUnder(1_000_000, 300, true));
        await strictLedger.settle(local, { usage: emptyUsage(), cost: 200, price, durationMs: 5, outcome: 'ok' });
        // The reservation made before the outage settles into the outbox: never lost.
        await strictLedger.settle(online, { usage: emptyUsage(), cost: 9_000, price, durationMs: 5, outcome: 'ok' });
        const lenientLedger = new SpendLedger(lenient, { now: () => new Date() }, () => `l${++id}`, 'me:1:1', 'me');
        const a = await lenientLedger.reserve(reserveReq(30_000), admitUnder(1_000_000, 30_000));
        await lenientLedger.settle(a, { usage: emptyUsage(), cost: 25_000, price, durationMs: 5, outcome: 'ok' });
        await assert.rejects(lenientLedger.reserve(reserveReq(30_000), admitUnder(1_000_000, 30_000)), /offline allowance \(costwise\.ledger\.offlineAllowanceUsd, \$0\.05\) has \$0\.02 left/);
        // This machine already counts what waits in its outbox.
        assert.equal((await lenientLedger.fold()).total, 200 + 9_000 + 25_000);
      } finally {
        await pg.start();
      }
      assert.equal(await strict.flush(), true);
      assert.equal(await lenient.flush(), true, 'a second flush of the same outbox finds nothing left');
      assert.equal(pg.psql("SELECT count(*) || ' ' || sum((body::json->>'cost')::bigint) FROM costwise_records WHERE kind = 'settle'", 'offline'), '3 34200');
      assert.equal(pg.psql("SELECT count(*) FROM costwise_records WHERE kind = 'reserve'", 'offline'), '3');
      // Uploading the same outbox again (a crash before its offset was saved) adds nothing.
      rmSync(join(dir, 'outbox', 'uploaded-offset'));
      assert.equal(await strict.flush(), true);
      assert.equal(pg.psql('SELECT count(*) FROM costwise_records', 'offline'), '6');
    } finally {
      await strict.close();
      await lenient.close();
    }
  });
});
