/** Worker-thread entry for ledgerRollup.ts: folds the given months of a ledger and posts their summaries. */
import { parentPort, workerData } from 'node:worker_threads';
import { MonthFold } from '../core/ledger/monthFold';
import { JsonlLedgerStore } from './jsonlLedgerStore';

async function main(): Promise<void> {
  const { ledgerDir, months } = workerData as { ledgerDir: string; months: string[] };
  const store = new JsonlLedgerStore(ledgerDir);
  const summaries = [];
  for (const month of months) {
    const f = new MonthFold(month);
    const chunk = await store.readMonth(month);
    for (const r of chunk.records) f.apply(r);
    f.corrupt.push(...chunk.corrupt);
    summaries.push(f.summary());
  }
  parentPort!.postMessage({ summaries });
}

main().catch((e: Error) => parentPort!.postMessage({ error: e.message }));
