import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresServer } from '../harness/postgresServer';

const MACHINE = join(__dirname, '..', 'harness', 'pgMachine.js');

/** A machine process; `lines` fills as it prints, `done` resolves with all it printed when it exits 0. */
function machine(args: string[]): { child: ChildProcess; lines: string[]; done: Promise<string[]>; waitFor: (re: RegExp, from?: number) => Promise<string> } {
  const child = spawn(process.execPath, [MACHINE, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: Array<{ re: RegExp; resolve: (l: string) => void }> = [];
  // Lines are matched as they arrive; `from` skips what was printed before (an index into `lines`).
  let partial = '';
  let err = '';
  child.stdout!.on('data', (b: Buffer) => {
    const parts = (partial + b.toString()).split('\n');
    partial = parts.pop()!;
    for (const l of parts) {
      lines.push(l);
      for (const w of waiters.splice(0)) (w.re.test(l) ? w.resolve(l) : waiters.push(w));
    }
  });
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const done = new Promise<string[]>((resolve, reject) => child.on('close', (code, signal) => (code === 0 ? resolve(lines) : reject(new Error(`machine ${args[0]} exited ${code ?? signal}: ${err}`)))));
  const waitFor = (re: RegExp, from = 0) => {
    const seen = lines.slice(from).find((l) => re.test(l));
    return seen !== undefined ? Promise.resolve(seen) : Promise.race([new Promise<string>((resolve) => waiters.push({ re, resolve })), done.then(() => Promise.reject(new Error(`machine ended before printing ${re}`)))]);
  };
  return { child, lines, done, waitFor };
}

const summary = (lines: string[]) => JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;

describe('team ledger: several machines against one PostgreSQL', function () {
  this.timeout(120_000);
  let pg: PostgresServer;
  let dir: string;
  let n = 0;
  before(async () => {
    pg = await new PostgresServer().start();
  });
  after(async () => {
    await pg?.dispose();
  });
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'costwise-team-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const rows = (db: string, sql: string) => pg.psql(sql, db);

  it('3 machines, 60 parallel requests against a $1.00 team budget at $0.03 worst case: exactly 33 admitted, each settled once', async () => {
    const db = `burst${++n}`;
    const url = pg.createDatabase(db);
    const outs = await Promise.all(['a', 'b', 'c'].map((h) => machine(['burst', url, join(dir, h), `machine-${h}`, '20', '30000', '1000000']).done));
    const results = outs.map((o) => summary(o) as { admitted: string[]; refusedForBudget: number; other: string[] });
    assert.deepEqual(results.flatMap((r) => r.other), [], 'no failures other than budget refusals');
    const admitted = results.flatMap((r) => r.admitted);
    assert.equal(admitted.length, 33);
    assert.equal(results.reduce((a, r) => a + r.refusedForBudget, 0), 27);
    assert.ok(results.filter((r) => r.admitted.length > 0).length >= 2, 'more than one machine got a share');
    assert.equal(rows(db, "SELECT count(*) || ' ' || sum(CASE WHEN kind = 'settle' THEN (body::json->>'cost')::bigint ELSE 0 END) FROM costwise_records WHERE kind = 'settle'"), '33 990000');
    assert.equal(rows(db, "SELECT count(*) FROM costwise_records WHERE kind = 'reserve'"), '33');
    assert.equal(rows(db, "SELECT count(*) FROM costwise_records r WHERE kind = 'reserve' AND NOT EXISTS (SELECT 1 FROM costwise_records c WHERE c.id = r.id AND c.kind = 'settle')"), '0', 'every reservation settled');
    assert.deepEqual(new Set(rows(db, "SELECT id FROM costwise_records WHERE kind = 'reserve'").split('\n')), new Set(admitted));
  });

  it('PostgreSQL stopped and restarted during a burst: nothing lost, nothing doubled, local requests answered meanwhile', async () => {
    const db = `restart${++n}`;
    const url = pg.createDatabase(db);
    const ms = ['a', 'b', 'c'].map((h) => machine(['loop', url, join(dir, h), `machine-${h}`, '150', '1000']));
    await Promise.all(ms.map((m) => m.waitFor(/^settled /)));
    const stoppedAt = ms.map((m) => m.lines.length);
    await pg.stop();
    let offlineLocal: string[];
    try {
      // Each machine meets the outage: a paid request refused with a clear reason, a local one answered offline.
      await Promise.all(ms.map((m, i) => m.waitFor(/^refused BudgetRefusal: .*team ledger \(PostgreSQL .*\) cannot be reached/, stoppedAt[i])));
      offlineLocal = await Promise.all(ms.map((m, i) => m.waitFor(/^reserved \S+ local$/, stoppedAt[i]).then((l) => l.split(' ')[1]!)));
    } finally {
      await pg.start();
    }
    const results = (await Promise.all(ms.map((m) => m.done))).map((o) => summary(o) as { reserved: string[]; settled: string[]; refused: number });
    const reserved = results.flatMap((r) => r.reserved).sort();
    assert.deepEqual(results.flatMap((r) => r.settled).sort(), reserved, 'each machine settled what it reserved');
    for (const id of offlineLocal) assert.ok(reserved.includes(id));
    // In the database: each reservation once, each settled once; a reservation whose commit was cut off
    // by the shutdown (the machine could not know whether it happened) is released, never charged.
    const ids = (sql: string) => rows(db, sql).split('\n').filter(Boolean).sort();
    assert.deepEqual(ids("SELECT id FROM costwise_records WHERE kind = 'settle'"), reserved);
    const released = ids("SELECT id FROM costwise_records WHERE kind = 'release'");
    for (const id of released) assert.ok(!reserved.includes(id), `released ${id} was also settled`);
    const reserveRows = ids("SELECT id FROM costwise_records WHERE kind = 'reserve'");
    assert.deepEqual(reserveRows.filter((id) => !released.includes(id)), reserved, 'every reservation in the database was settled or released');
    for (const id of offlineLocal) assert.ok(reserveRows.includes(id), `offline reservation ${id} uploaded`);
    assert.equal(rows(db, "SELECT count(*) FROM (SELECT id FROM costwise_records WHERE kind <> 'reserve' GROUP BY id HAVING count(*) > 1) d"), '0');
    assert.equal(rows(db, "SELECT coalesce(sum((body::json->>'cost')::bigint), 0) FROM costwise_records WHERE kind = 'settle'"), String(reserved.length * 999));
    process.stdout.write(`      ${reserved.length} requests recorded (${offlineLocal.length}+ local ones while the database was down), ${results.reduce((a, r) => a + r.refused, 0)} refused, ${released.length} released after a cut-off commit\n`);
  });

  it('a machine SIGKILLed mid-request: its orphan is settled exactly once by another machine, once its lease ran out', async () => {
    const db = `kill${++n}`;
    const url = pg.createDatabase(db);
    const holder = machine(['hold', url, join(dir, 'a'), 'machine-a']);
    const id = (await holder.waitFor(/^reserved /)).split(' ')[1]!;
    holder.child.kill('SIGKILL');
    await holder.done.catch(() => undefined);
    const sweepers = await Promise.all(['b', 'c'].map((h) => machine(['sweep', url, join(dir, h), `machine-${h}`, id]).done));
    const settledBy = sweepers.map((o) => summary(o) as { owner: string; settled: string[] });
    assert.equal(settledBy.flatMap((s) => s.settled).filter((x) => x === id).length, 1, 'one machine settled it, the other found it settled');
    assert.equal(rows(db, `SELECT count(*) FROM costwise_records WHERE id = '${id}' AND kind = 'settle'`), '1');
    const row = JSON.parse(rows(db, `SELECT body FROM costwise_records WHERE id = '${id}' AND kind = 'settle'`)) as { outcome: string; cost: number; settledBy: string; usage: { source: string } };
    assert.equal(row.outcome, 'orphaned');
    assert.equal(row.cost, 777, 'recorded at the reserved worst case');
    assert.equal(row.usage.source, 'estimated');
    assert.ok(settledBy.some((s) => s.owner === row.settledBy), `settled by ${row.settledBy}, one of the sweeping machines`);
    assert.match(row.settledBy, /^machine-[bc]:/);
  });
});
