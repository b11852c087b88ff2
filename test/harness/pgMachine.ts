/**
 * One "machine" of a team for the PostgreSQL tests: a separate process with its own local folder (its
 * outbox) and its own host name in its owner id, spending against the team ledger.
 *   node pgMachine.js burst <url> <dir> <host> <n> <worstCase> <limit>   n parallel reserve+settle; prints a JSON summary
 *   node pgMachine.js loop <url> <dir> <host> <n> <worstCase>            n sequential requests (odd ones local), through
 *                                                                        database outages; prints an event per line, then a summary
 *   node pgMachine.js hold <url> <dir> <host>                            reserves once, prints "reserved <id>" and waits to be killed
 *   node pgMachine.js sweep <url> <dir> <host> <id>                      settles orphans until <id> is closed; prints what it settled
 */
import { randomUUID } from 'node:crypto';
import { evaluateBudget } from '../../src/core/budget/budget';
import { SpendLedger } from '../../src/core/ledger/spendLedger';
import { emptyUsage } from '../../src/core/pricing/usage';
import { PostgresLedgerStore } from '../../src/node/postgresLedgerStore';
import { systemClock } from '../../src/node/systemClock';
import { eventually } from './condition';

const price = { model: 'deepseek-reasoner', effective: '2025-09-29', source: 'test' };
const [mode, url, dir, host, ...rest] = process.argv.slice(2) as [string, string, string, string, ...string[]];
const owner = `${host}:${process.pid}:${Date.now()}`;
const leaseMs = Number(process.env.COSTWISE_TEST_LEASE_MS ?? 1500);
const say = (s: string) => process.stdout.write(s + '\n');

async function open(): Promise<{ store: PostgresLedgerStore; ledger: SpendLedger }> {
  const store = await PostgresLedgerStore.open({ url, outboxDir: dir, owner, person: `${host}-user`, leaseMs, connectTimeoutMs: 2_000 });
  return { store, ledger: new SpendLedger(store, systemClock, randomUUID, owner) };
}

function paid(ledger: SpendLedger, worstCase: number, limit: number, local = false) {
  const policy = { rules: [{ period: 'month' as const, limit, setting: 'team' }], warnRatio: 0.8, onLimit: 'ask' as const };
  const provider = local ? ('local' as const) : ('deepseek' as const);
  return ledger.reserve({ model: local ? 'r1-distill' : 'deepseek-reasoner', provider, task: 'explain', amount: worstCase, estimate: { ...emptyUsage('estimated'), outputTokens: 1 }, price }, (spentIn, today) =>
    evaluateBudget(policy, { provider, model: 'deepseek-reasoner', local }, worstCase, spentIn, today),
  );
}

async function burst(n: number, worstCase: number, limit: number): Promise<void> {
  const { store, ledger } = await open();
  const one = async () => {
    const r = await paid(ledger, worstCase, limit);
    await ledger.settle(r, { usage: { ...emptyUsage(), outputTokens: 10 }, cost: worstCase, price, durationMs: 1, outcome: 'ok' });
    return r.id;
  };
  const results = await Promise.allSettled(Array.from({ length: n }, one));
  const admitted = results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<string>).value);
  const refusedForBudget = results.filter((r) => r.status === 'rejected' && (r.reason as Error).name === 'BudgetRefusal').length;
  const other = results.flatMap((r) => (r.status === 'rejected' && (r.reason as Error).name !== 'BudgetRefusal' ? [(r.reason as Error).message] : []));
  await store.close();
  say(JSON.stringify({ admitted, refusedForBudget, other }));
}

async function loop(n: number, worstCase: number): Promise<void> {
  const { store, ledger } = await open();
  const reserved: string[] = [];
  const settled: string[] = [];
  let refused = 0;
  for (let i = 0; i < n; i++) {
    let r;
    try {
      r = await paid(ledger, worstCase, 1e12, i % 2 === 1);
    } catch (e) {
      refused++;
      say(`refused ${(e as Error).name}: ${(e as Error).message}`);
      await new Promise((res) => setTimeout(res, 20));
      continue;
    }
    reserved.push(r.id);
    say(`reserved ${r.id} ${r.provider}`);
    await ledger.settle(r, { usage: { ...emptyUsage(), outputTokens: 10 }, cost: worstCase - 1, price, durationMs: 1, outcome: 'ok' });
    settled.push(r.id);
    say(`settled ${r.id}`);
  }
  // Whatever waited for the database is uploaded before this machine goes.
  await eventually('the held-back records to upload', () => store.flush(), { timeoutMs: 120_000, everyMs: 100 });
  await store.close();
  say(JSON.stringify({ reserved, settled, refused }));
}

async function hold(): Promise<void> {
  const { ledger } = await open();
  const r = await paid(ledger, 777, 1e12);
  say(`reserved ${r.id}`);
  setInterval(() => undefined, 1 << 30); // the request "streams" until this process is killed
}

async function sweep(id: string): Promise<void> {
  const { store, ledger } = await open();
  const settledHere: string[] = [];
  await eventually(
    `${id} to be settled`,
    async () => {
      // Only orphans found through leases: the 6-hour age limit must not be what finds them here.
      settledHere.push(...(await ledger.settleOrphans(store.isAlive, 6 * 3600_000)).map((r) => r.id));
      const f = await ledger.fold();
      return !f.open.has(id) && f.settled.some((s) => s.id === id);
    },
    { timeoutMs: 120_000, everyMs: 50 },
  );
  await store.close();
  say(JSON.stringify({ owner, settled: settledHere }));
}

const main =
  mode === 'burst' ? () => burst(Number(rest[0]), Number(rest[1]), Number(rest[2]))
  : mode === 'loop' ? () => loop(Number(rest[0]), Number(rest[1]))
  : mode === 'hold' ? hold
  : mode === 'sweep' ? () => sweep(rest[0]!)
  : undefined;
if (!main) {
  process.stderr.write('usage: pgMachine.js burst|loop|hold|sweep <url> <dir> <host> ...\n');
  process.exitCode = 2;
} else {
  main().catch((e: Error) => {
    process.stderr.write(`pgMachine ${mode}: ${e.stack ?? e.message}\n`);
    process.exitCode = 1;
  });
}
