/**
 * One ledger client for the team-ledger bench: waits for a line on stdin (so all clients start
 * together), then reserves and settles `n` times against a budget it never reaches, and prints the
 * reserve latencies (ms) as JSON.
 *   node ledgerClientWorker.js pg <url> <outboxDir> <n> | jsonl <dir> - <n>
 */
import { randomUUID } from 'node:crypto';
import { evaluateBudget } from '../src/core/budget/budget';
import { SpendLedger } from '../src/core/ledger/spendLedger';
import { emptyUsage } from '../src/core/pricing/usage';
import { JsonlLedgerStore } from '../src/node/jsonlLedgerStore';
import { PostgresLedgerStore } from '../src/node/postgresLedgerStore';
import { processOwner } from '../src/node/processOwner';
import { systemClock } from '../src/node/systemClock';

const [kind, target, outbox, count] = process.argv.slice(2) as [string, string, string, string];
const owner = processOwner();
const store = kind === 'pg' ? new PostgresLedgerStore({ url: target, outboxDir: outbox, owner, person: `bench-${process.pid}` }) : new JsonlLedgerStore(target);
const ledger = new SpendLedger(store, systemClock, randomUUID, owner);
const price = { model: 'o4-mini', effective: '2025-04-16', source: 'bench' };
const policy = { rules: [{ period: 'month' as const, limit: 1e13, setting: 'bench' }], warnRatio: 0.8, onLimit: 'ask' as const };

async function main(): Promise<void> {
  if (store instanceof PostgresLedgerStore) await store.connect();
  await ledger.fold(); // the first fold is not a reservation's cost
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  const lat: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < Number(count); i++) {
    const t = performance.now();
    const r = await ledger.reserve({ model: 'o4-mini', provider: 'openai', task: 'bench', amount: 40_000, estimate: emptyUsage('estimated'), price }, (spentIn, today) =>
      evaluateBudget(policy, { provider: 'openai', model: 'o4-mini', local: false }, 40_000, spentIn, today),
    );
    lat.push(performance.now() - t);
    await ledger.settle(r, { usage: emptyUsage(), cost: 1234, price, durationMs: 1, outcome: 'ok' });
  }
  const ms = performance.now() - t0;
  if (store instanceof PostgresLedgerStore) await store.close();
  process.stdout.write(JSON.stringify({ lat, ms }) + '\n');
}

void main();
