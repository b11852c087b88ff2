import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MonthFold } from '../src/core/ledger/monthFold';
import { SpendLedger } from '../src/core/ledger/spendLedger';
import { curatedCatalog } from '../src/node/priceBook';
import { DEFAULT_ENERGY } from '../src/core/pricing/energy';
import { buildReport } from '../src/core/report/buildReport';
import { JsonlLedgerStore } from '../src/node/jsonlLedgerStore';
import { rollupInWorker } from '../src/node/ledgerRollup';
import { systemClock } from '../src/node/systemClock';
import { seedMonthLines } from '../test/harness/seedLedger';
import { table, timeAsync } from './table';
import { withLag } from '../test/harness/eventLoopLag';

const ROOT = join(__dirname, '..', '..');
const CCUSAGE_VERSION = '18.0.11';
const catalog = curatedCatalog().current();
const opts = (month: string) => ({ months: [month], now: new Date(), today: `${month}-15`, budget: 50_000_000, catalog, local: [{ label: 'R1-Distill-Qwen-1.5B', tokensPerSecond: 18 }], energy: DEFAULT_ENERGY });

/** ccusage, the peer: installed on demand into the tools cache (never into the repo). */
function ccusageBin(): string | undefined {
  const dir = join(process.env.COSTWISE_TOOLS_CACHE ?? join(process.env.HOME ?? '/tmp', '.cache', 'costwise-tools'), `ccusage-${CCUSAGE_VERSION}`);
  const bin = join(dir, 'node_modules', 'ccusage', 'dist', 'index.js');
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{"private":true}');
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_')));
    spawnSync('npm', ['install', `ccusage@${CCUSAGE_VERSION}`, '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'ignore', env });
  }
  return existsSync(bin) ? bin : undefined;
}

/** The same month as Claude Code's logs, which ccusage reads: one assistant message per request, same tokens. */
function claudeLogs(dir: string, year: number, month: number, requests: number): void {
  const project = join(dir, 'projects', 'bench');
  mkdirSync(project, { recursive: true });
  const lines: string[] = [];
  for (let i = 0; i < requests; i++) {
    const at = new Date(year, month, 1 + (i % 28), 9 + (i % 10), i % 60, i % 50).toISOString();
    lines.push(JSON.stringify({ type: 'assistant', timestamp: at, sessionId: `s${i % 50}`, requestId: `req_${i}`, version: '1.0.80', cwd: '/work', message: { id: `msg_${i}`, type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', usage: { input_tokens: 1800 + (i % 500), output_tokens: 900 + (i % 700), cache_creation_input_tokens: 0, cache_read_input_tokens: 1024 } } }));
  }
  writeFileSync(join(project, 'session.jsonl'), lines.join('\n') + '\n');
}

function timeCommand(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, runs = 3): { ms: number; stdout: string } {
  const times: number[] = [];
  let stdout = '';
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync(cmd, args, { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    times.push(performance.now() - t);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
    stdout = r.stdout;
  }
  return { ms: times.sort((a, b) => a - b)[Math.floor(runs / 2)]!, stdout };
}

export async function benchReport(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'costwise-report-bench-'));
  try {
    // One heavy month (60,000 records: 30,000 requests, each a reservation and a settlement) and a heavy
    // year (750,000 records across 12 months).
    const ledgerDir = join(dir, 'ledger');
    const store = new JsonlLedgerStore(ledgerDir);
    mkdirSync(ledgerDir, { recursive: true });
    writeFileSync(store.fileFor('2025-11'), seedMonthLines(2025, 10, 30_000));
    const ledger = new SpendLedger(store, systemClock, () => 'x', 'bench:1:1');
    const [fold, foldMs] = await timeAsync(() => ledger.fold('2025-11'));
    const [report, buildMs] = await timeAsync(async () => buildReport(fold, opts('2025-11')));
    const [json, jsonMs] = await timeAsync(async () => JSON.stringify(report));
    const [, rebuildMs] = await timeAsync(async () => buildReport(await ledger.fold('2025-11'), opts('2025-11')));

    const yearDir = join(dir, 'year');
    const yearStore = new JsonlLedgerStore(yearDir);
    mkdirSync(yearDir, { recursive: true });
    const months = Array.from({ length: 12 }, (_, m) => `2025-${String(m + 1).padStart(2, '0')}`);
    for (const [m, key] of months.entries()) writeFileSync(yearStore.fileFor(key), seedMonthLines(2025, m, 31_250));
    const yearLedger = new SpendLedger(yearStore, systemClock, () => 'x', 'bench:1:1');
    const workerFile = join(__dirname, '..', 'src', 'node', 'ledgerRollupWorker.js');
    const [[, yearMs], lag] = await withLag(() =>
      timeAsync(async () => {
        const others = await rollupInWorker(yearDir, months.slice(0, 11), workerFile);
        const current: MonthFold = await yearLedger.fold('2025-12');
        return buildReport(current, { ...opts('2025-12'), otherMonths: others });
      }),
    );
    table('Spend report build (the webview’s data; this machine)', [
      { what: 'month (30,000 requests): read + fold the file', records: 60_000, ms: Number(foldMs.toFixed(1)) },
      { what: 'month: build the report from the fold', records: 60_000, ms: Number(buildMs.toFixed(1)) },
      { what: 'month: first open (read + fold + build), target < 300 ms', records: 60_000, ms: Number((foldMs + buildMs).toFixed(1)) },
      { what: 'month: refresh after a new request (kept fold)', records: 60_000, ms: Number(rebuildMs.toFixed(1)) },
      { what: `year: 11 months in 2 workers + this month, target < 3.5 s (main-thread lag max ${lag.toFixed(0)} ms)`, records: 750_000, ms: Number(yearMs.toFixed(0)) },
      { what: `message to the webview (JSON, ${(json.length / 1e6).toFixed(1)} MB)`, records: 60_000, ms: Number(jsonMs.toFixed(1)) },
    ]);

    // `costwise report` next to `ccusage monthly --offline --json` on the same amount of usage.
    const cli = join(ROOT, 'dist', 'cli.js');
    const rows: Array<Record<string, string | number>> = [];
    if (existsSync(cli)) {
      const r = timeCommand(process.execPath, [cli, 'report', '--month', '2025-11', '--ledger', ledgerDir, '--json']);
      const total = (JSON.parse(r.stdout) as { totalMicroUsd?: number; total?: number }).totalMicroUsd;
      rows.push({ tool: 'costwise report --month 2025-11 --json', requests: 30_000, 'median ms (3 runs)': Math.round(r.ms), total: total === undefined ? '' : `$${(total / 1e6).toFixed(2)}` });
    } else rows.push({ tool: 'costwise report (run `npm run build` first)', requests: 30_000, 'median ms (3 runs)': '', total: '' });
    const cc = ccusageBin();
    if (cc) {
      const ccDir = join(dir, 'claude');
      claudeLogs(ccDir, 2025, 10, 30_000);
      const r = timeCommand(process.execPath, [cc, 'monthly', '--offline', '--json'], { ...process.env, CLAUDE_CONFIG_DIR: ccDir });
      const total = (JSON.parse(r.stdout) as { totals?: { totalCost?: number } }).totals?.totalCost;
      rows.push({ tool: `ccusage@${CCUSAGE_VERSION} monthly --offline --json`, requests: 30_000, 'median ms (3 runs)': Math.round(r.ms), total: total === undefined ? '' : `$${total.toFixed(2)}` });
    } else rows.push({ tool: `ccusage@${CCUSAGE_VERSION} (could not be installed)`, requests: 30_000, 'median ms (3 runs)': '', total: '' });
    table('Monthly report from the command line (a month of 30,000 requests; ccusage reads the same usage as Claude Code logs)', rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
