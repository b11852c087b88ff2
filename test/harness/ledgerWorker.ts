/**
 * A separate process that spends against a shared ledger, for the cross-process tests:
 *   node ledgerWorker.js reserve <dir> <n> <worstCaseMicro> <limitMicro>   n parallel reserve+settle, prints a JSON summary
 *   node ledgerWorker.js append <dir>                                     appends settle records forever, printing each acknowledged id
 */
import { randomUUID } from 'node:crypto';
import { evaluateBudget } from '../../src/core/budget/budget';
import { SpendLedger } from '../../src/core/ledger/spendLedger';
import { emptyUsage } from '../../src/core/pricing/usage';
import { JsonlLedgerStore } from '../../src/node/jsonlLedgerStore';
import { processOwner } from '../../src/node/processOwner';
import { systemClock } from '../../src/node/systemClock';

const price = { model: 'deepseek-reasoner', effective: '2025-09-29', source: 'test' };

async function reserveMany(dir: string, n: number, worstCase: number, limit: number): Promise<void> {
  const ledger = new SpendLedger(new JsonlLedgerStore(dir), systemClock, randomUUID, processOwner());
  const policy = { rules: [{ period: 'month' as const, limit, setting: 'test' }], warnRatio: 0.8, onLimit: 'ask' as const };
  const one = async () => {
    const r = await ledger.reserve(
      { model: 'deepseek-reasoner', provider: 'deepseek', task: 'explain', amount: worstCase, estimate: { ...emptyUsage('estimated'), outputTokens: 1 }, price },
      (spentIn, today) => evaluateBudget(policy, { provider: 'deepseek', model: 'deepseek-reasoner', local: false }, worstCase, spentIn, today),
    );
    await ledger.settle(r, { usage: { ...emptyUsage(), outputTokens: 10 }, cost: worstCase, price, durationMs: 1, outcome: 'ok' });
    return r.id;
  };
  const results = await Promise.allSettled(Array.from({ length: n }, one));
  const admitted = results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<string>).value);
  const refusedForBudget = results.filter((r) => r.status === 'rejected' && (r.reason as Error).name === 'BudgetRefusal').length;
  process.stdout.write(JSON.stringify({ admitted, refusedForBudget, other: n - admitted.length - refusedForBudget }) + '\n');
}

async function appendForever(dir: string): Promise<void> {
  const ledger = new SpendLedger(new JsonlLedgerStore(dir), systemClock, randomUUID, processOwner());
  for (let i = 0; ; i++) {
    const r = await ledger.reserve({ model: 'm', provider: 'custom', task: 'kill', amount: 7, estimate: emptyUsage('estimated'), price }, () => ({ admitted: true, reason: '' }));
    process.stdout.write(`reserved ${r.id}\n`);
    await ledger.settle(r, { usage: emptyUsage(), cost: 5, price, durationMs: 0, outcome: 'ok' });
    process.stdout.write(`settled ${r.id}\n`);
  }
}

const [mode, dir, ...rest] = process.argv.slice(2);
if (mode === 'reserve') void reserveMany(dir!, Number(rest[0]), Number(rest[1]), Number(rest[2]));
else if (mode === 'append') void appendForever(dir!);
else {
  process.stderr.write('usage: ledgerWorker.js reserve|append <dir> ...\n');
  process.exitCode = 2;
}
