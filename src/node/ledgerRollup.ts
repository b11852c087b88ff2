import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { MonthSummary } from '../core/ledger/monthFold';

function runWorker(workerFile: string, ledgerDir: string, months: string[]): Promise<MonthSummary[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerFile, { workerData: { ledgerDir, months } });
    worker.once('message', (m: { summaries?: MonthSummary[]; error?: string }) => (m.error ? reject(new Error(m.error)) : resolve(m.summaries!)));
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`the ledger worker exited with code ${code}`)));
  });
}

/**
 * Summaries of many months (a year view), folded in worker threads so the extension host's event
 * loop stays free while hundreds of thousands of records are parsed. Months are dealt round-robin to
 * at most `workers` threads (default: 2, or the cores available if fewer).
 */
export async function rollupInWorker(
  ledgerDir: string,
  months: string[],
  workerFile = join(__dirname, 'ledgerRollupWorker.js'),
  workers = Math.min(2, availableParallelism()),
): Promise<MonthSummary[]> {
  const n = Math.max(1, Math.min(workers, months.length));
  const groups = Array.from({ length: n }, (_, i) => months.filter((_, j) => j % n === i));
  const parts = await Promise.all(groups.map((g) => runWorker(workerFile, ledgerDir, g)));
  const byMonth = new Map(parts.flat().map((s) => [s.month, s]));
  return months.map((m) => byMonth.get(m)!);
}
