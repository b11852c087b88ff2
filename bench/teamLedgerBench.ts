import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresServer } from '../test/harness/postgresServer';
import { percentile, table } from './table';

const WORKER = join(__dirname, 'ledgerClientWorker.js');

/** Runs `clients` processes at once, each `n` reserve+settle cycles; returns all reserve latencies and the wall time. */
async function runClients(clients: number, n: number, args: (i: number) => string[]): Promise<{ lat: number[]; wallMs: number }> {
  const procs = Array.from({ length: clients }, (_, i) => spawn(process.execPath, [WORKER, ...args(i), String(n)], { stdio: ['pipe', 'pipe', 'inherit'] }));
  const outputs = procs.map(
    (p) =>
      new Promise<string>((resolve, reject) => {
        let out = '';
        p.stdout!.on('data', (b: Buffer) => (out += b.toString()));
        p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`bench client exited ${code}`))));
      }),
  );
  await Promise.all(procs.map((p) => new Promise<void>((resolve) => {
    let seen = '';
    const on = (b: Buffer) => {
      seen += b.toString();
      if (seen.includes('ready\n')) {
        p.stdout!.off('data', on);
        resolve();
      }
    };
    p.stdout!.on('data', on);
  })));
  const t = performance.now();
  for (const p of procs) p.stdin!.end('go\n');
  const results = (await Promise.all(outputs)).map((o) => JSON.parse(o.trim().split('\n').pop()!) as { lat: number[]; ms: number });
  return { lat: results.flatMap((r) => r.lat), wallMs: performance.now() - t };
}

/** Reservations per second and reserve latency: the team ledger (PostgreSQL) against the local JSON Lines store. */
export async function benchTeamLedger(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'costwise-teambench-'));
  let pg: PostgresServer | undefined;
  try {
    pg = await new PostgresServer().start();
    const rows: Array<Record<string, string | number>> = [];
    let db = 0;
    for (const clients of [1, 8]) {
      const n = clients === 1 ? 300 : 60;
      const url = pg.createDatabase(`bench${++db}`);
      const local = join(dir, `jsonl-${clients}`);
      for (const [store, args] of [
        ['PostgreSQL (unix socket)', (i: number) => ['pg', url, join(dir, `outbox-${clients}-${i}`)]],
        ['local JSON Lines + file lock', () => ['jsonl', local, '-']],
      ] as const) {
        const { lat, wallMs } = await runClients(clients, n, args);
        rows.push({ store, clients, reservations: lat.length, 'reservations/s': (lat.length / wallMs) * 1000, 'p50 ms': percentile(lat, 50), 'p99 ms': percentile(lat, 99), 'max ms': Math.max(...lat) });
      }
    }
    table('Team ledger: reserve + settle cycles, separate client processes (this machine)', rows);
  } catch (e) {
    process.stdout.write(`\n## Team ledger bench skipped: ${(e as Error).message}\n`);
  } finally {
    await pg?.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
