import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateBudget } from '../src/core/budget/budget';
import { MonthFold } from '../src/core/ledger/monthFold';
import type { LedgerRecord, SettleRecord } from '../src/core/ledger/records';
import { emptyUsage } from '../src/core/pricing/usage';
import { SpendLedger } from '../src/core/ledger/spendLedger';
import { JsonlLedgerStore } from '../src/node/jsonlLedgerStore';
import { rollupInWorker } from '../src/node/ledgerRollup';
import { systemClock } from '../src/node/systemClock';
import { seedMonthLines } from '../test/harness/seedLedger';
import { percentile, table, timeAsync } from './table';

const price = { model: 'o4-mini', effective: '2025-04-16', source: 'bench' };

/** What a report without incremental folding does: read it all, parse it all, sum it. */
function naiveMonth(file: string): number {
  let total = 0;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const r = JSON.parse(line) as LedgerRecord;
    if (r.kind === 'settle') total += r.cost;
  }
  return total;
}

export async function benchLedger(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'costwise-bench-'));
  try {
    // Append latency: what a settlement costs the stream that just ended.
    const store = new JsonlLedgerStore(join(dir, 'append'));
    const ledger = new SpendLedger(store, systemClock, () => `id${Math.random()}`, 'bench:1:1');
    const appends: number[] = [];
    const reserves: number[] = [];
    const policy = { rules: [{ period: 'month' as const, limit: 1e12, setting: 'bench' }], warnRatio: 0.8, onLimit: 'ask' as const };
    for (let i = 0; i < 1000; i++) {
      const [r, reserveMs] = await timeAsync(() =>
        ledger.reserve({ model: 'o4-mini', provider: 'openai', task: 'explain', amount: 40_000, estimate: emptyUsage('estimated'), price }, (spentIn, today) =>
          evaluateBudget(policy, { provider: 'openai', model: 'o4-mini', local: false }, 40_000, spentIn, today),
        ),
      );
      reserves.push(reserveMs);
      const settle: SettleRecord = { v: 1, kind: 'settle', id: r.id, at: new Date().toISOString(), reservedAt: r.at, model: 'o4-mini', provider: 'openai', task: 'explain', usage: emptyUsage(), cost: 1234, price, durationMs: 1, outcome: 'ok' };
      appends.push((await timeAsync(() => store.append(settle)))[1]);
    }
    table('Ledger writes (1,000 each, this machine)', [
      { operation: 'append one record (settle)', 'p50 ms': percentile(appends, 50), 'p99 ms': percentile(appends, 99), 'max ms': Math.max(...appends) },
      { operation: 'reserve: lock + budget check + append', 'p50 ms': percentile(reserves, 50), 'p99 ms': percentile(reserves, 99), 'max ms': Math.max(...reserves) },
    ]);

    // A heavy month: 60,000 records (30,000 requests).
    const monthDir = join(dir, 'month');
    mkdirSync(monthDir);
    const monthStore = new JsonlLedgerStore(monthDir);
    writeFileSync(monthStore.fileFor('2026-03'), seedMonthLines(2026, 2, 30_000));
    const cold = new SpendLedger(monthStore, systemClock, () => 'x', 'bench');
    const [, coldMs] = await timeAsync(async () => (await cold.fold('2026-03')).summary());
    const [, warmMs] = await timeAsync(async () => (await cold.fold('2026-03')).summary());
    const [, naiveMs] = await timeAsync(async () => naiveMonth(monthStore.fileFor('2026-03')));
    table('Month report from 60,000 records (30,000 requests)', [
      { source: 'costwise: fold of the month file (cold)', ms: coldMs },
      { source: 'costwise: kept fold (only new bytes read)', ms: warmMs },
      { source: 'naive: read + parse every line + sum', ms: naiveMs },
    ]);

    // A heavy year: 12 months, 750,000 records, folded in a worker while the main thread keeps ticking.
    const yearDir = join(dir, 'year');
    mkdirSync(yearDir);
    const yearStore = new JsonlLedgerStore(yearDir);
    const months: string[] = [];
    for (let m = 0; m < 12; m++) {
      const key = `2025-${String(m + 1).padStart(2, '0')}`;
      months.push(key);
      writeFileSync(yearStore.fileFor(key), seedMonthLines(2025, m, 31_250));
    }
    let maxLag = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      maxLag = Math.max(maxLag, now - last - 10);
      last = now;
    }, 10);
    const workerFile = join(__dirname, '..', 'src', 'node', 'ledgerRollupWorker.js');
    const [summaries, yearMs] = await timeAsync(() => rollupInWorker(yearDir, months, workerFile));
    const lag2 = maxLag;
    maxLag = 0;
    last = performance.now();
    const [, oneWorkerMs] = await timeAsync(() => rollupInWorker(yearDir, months, workerFile, 1));
    clearInterval(ticker);
    const records = summaries.reduce((a, s) => a + s.requests, 0) * 2;
    const [, inlineMs] = await timeAsync(async () => {
      for (const m of months) {
        const f = new MonthFold(m);
        for (const r of (await yearStore.readMonth(m)).records) f.apply(r);
        f.summary();
      }
    });
    table('Year rebuild: 750,000 records in 12 month files', [
      { how: 'costwise: 2 worker threads', records, ms: yearMs, 'main-thread max event-loop lag ms': lag2 },
      { how: 'costwise: 1 worker thread', records, ms: oneWorkerMs, 'main-thread max event-loop lag ms': maxLag },
      { how: 'same fold on the main thread', records, ms: inlineMs, 'main-thread max event-loop lag ms': inlineMs },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
