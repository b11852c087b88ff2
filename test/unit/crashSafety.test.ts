import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_RESERVATION_AGE_MS } from '../../src/core/ledger/orphans';
import { localMonthKey } from '../../src/core/ledger/periods';
import type { ReserveRecord } from '../../src/core/ledger/records';
import { SpendLedger } from '../../src/core/ledger/spendLedger';
import { curatedCatalog } from '../../src/node/priceBook';
import { costOf } from '../../src/core/pricing/cost';
import { JsonlLedgerStore } from '../../src/node/jsonlLedgerStore';
import { isOwnerAlive } from '../../src/node/processOwner';
import { systemClock } from '../../src/node/systemClock';
import { Condition } from '../harness/condition';
import { FixtureServer } from '../harness/openAIServer';

const WORKER = join(__dirname, '..', 'harness', 'ledgerWorker.js');
const CLI = join(__dirname, '..', '..', 'src', 'cli', 'main.js');
/** CI: 20 kills per test; `npm run test:soak`: 1,000 (or COSTWISE_KILLS). */
const KILLS = Number(process.env.COSTWISE_KILLS ?? (process.env.COSTWISE_SOAK === '1' ? 1000 : 20));

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('crash safety: processes SIGKILLed at random points', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'costwise-kills-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a writer SIGKILLed mid-append, again and again, loses no acknowledged record', async function () {
    const kills = KILLS;
    this.timeout(kills * 2_000);
    const acked = new Map<string, 'reserved' | 'settled'>();
    for (let i = 0; i < kills; i++) {
      const child = spawn(process.execPath, [WORKER, 'append', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
      const ack = new Condition();
      let buf = '';
      child.stdout.on('data', (b: Buffer) => {
        buf += b.toString();
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const [what, id] = buf.slice(0, nl).split(' ');
          buf = buf.slice(nl + 1);
          if (what === 'reserved' && !acked.has(id!)) acked.set(id!, 'reserved');
          if (what === 'settled') acked.set(id!, 'settled');
        }
        ack.changed();
      });
      // Kill it at a random point once it is writing (start-up time varies with the machine's load).
      const before = acked.size;
      await ack.until(() => acked.size > before);
      await sleep(Math.random() * 60);
      child.kill('SIGKILL');
      await new Promise((r) => child.on('exit', r));
    }
    const ledger = new SpendLedger(new JsonlLedgerStore(dir), systemClock, () => 'x', 'reader');
    const f = await ledger.fold();
    const settledIds = new Set(f.settled.map((s) => s.id));
    const knownIds = new Set([...settledIds, ...f.open.keys()]);
    for (const [id, state] of acked) {
      assert.ok(knownIds.has(id), `acknowledged ${state} record ${id} is in the ledger`);
      if (state === 'settled') assert.ok(settledIds.has(id), `acknowledged settlement ${id} is in the ledger`);
    }
    assert.ok(acked.size > kills, `the writers made progress (${acked.size} records)`);
    assert.equal(f.total, 5 * f.settled.length, 'totals are exact');
    for (const c of f.corrupt) assert.match(c.error, /not valid JSON|torn/);
    // Reservations whose settlement was cut off are orphans: found and settled at their reserved amount.
    const openBefore = new Map(f.open);
    const settledBefore = f.settled.length; // (the fold is live: it grows as orphans are settled)
    const orphans = await ledger.settleOrphans(isOwnerAlive, MAX_RESERVATION_AGE_MS);
    assert.deepEqual(new Set(orphans.map((o) => o.id)), new Set(openBefore.keys()), 'every open reservation of a dead writer is an orphan');
    const after = await ledger.fold();
    assert.equal(after.open.size, 0, 'no reservation is left open');
    assert.equal(after.total, 5 * settledBefore + 7 * orphans.length, 'orphans count at their reserved amount, exactly');
    process.stdout.write(`      ${kills} kills: ${acked.size} acknowledged records kept, ${orphans.length} orphans settled, ${f.corrupt.length} torn lines reported\n`);
  });

  it('`costwise explain` killed before, during and after its stream: answered requests kept, orphans settled once and reported, totals exact', async function () {
    this.timeout(60_000 + KILLS * 5_000);
    const server = await new FixtureServer({ apiKey: 'sk-kill', delayMs: 8, fixtures: { 'deepseek-flash': 'deepseek-reasoner' } }).start();
    try {
      const sample = join(dir, 'add.js');
      writeFileSync(sample, 'function add(a, b) {\n  return a + b;\n}\n');
      const config = join(dir, 'config.json');
      writeFileSync(config, JSON.stringify({ budget: { monthlyUsd: 1000 }, providers: { deepseek: { baseUrl: server.origin } } }), { mode: 0o600 });
      const ledgerDir = join(dir, 'ledger');
      const run = (killWhen?: (chats: number) => Promise<void>) =>
        new Promise<{ code: number | null; out: string; err: string; killed: boolean; pid: number }>((resolve) => {
          const chatsBefore = server.chats.length;
          const child = spawn(process.execPath, [CLI, 'explain', '--file', sample, '--tier', 'basic', '--config', config, '--ledger', ledgerDir, '--json'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, COSTWISE_DEEPSEEK_API_KEY: 'sk-kill' } });
          let out = '';
          let err = '';
          let exited = false;
          let killed = false;
          child.stdout.on('data', (b: Buffer) => (out += b.toString()));
          child.stderr.on('data', (b: Buffer) => (err += b.toString()));
          child.on('exit', () => (exited = true));
          child.on('close', (code) => resolve({ code, out, err, killed, pid: child.pid! }));
          void killWhen?.(chatsBefore).then(() => {
            if (!exited) {
              killed = true;
              child.kill('SIGKILL');
            }
          });
        });
      // One whole run: how long it takes, and what one answer costs.
      const t0 = Date.now();
      const whole = await run();
      const runMs = Date.now() - t0;
      assert.equal(whole.code, 0, whole.err);
      const answer = (JSON.parse(whole.out) as { record: { id: string; cost: number; usage: never } }).record;
      const price = curatedCatalog().lookup('deepseek-flash', new Date())!;
      assert.equal(answer.cost, costOf(answer.usage, price, Date.parse((answer as unknown as { reservedAt: string }).reservedAt)), 'an answer costs what its usage costs');

      const acked = new Map<string, number>([[answer.id, answer.cost]]);
      let reportedOrphans = 0;
      const runs = new Map<number, { killed: boolean; reported: number }>();
      const phases = { beforeRequest: 0, midStream: 0, afterStream: 0, finished: 0 };
      const waitFor = async (cond: () => boolean, capMs: number) => {
        const end = Date.now() + capMs;
        while (!cond() && Date.now() < end) await sleep(2);
      };
      // Until KILLS runs were killed (a run that finished before its kill counts as an answer).
      for (let i = 0; phases.beforeRequest + phases.midStream + phases.afterStream < KILLS; i++) {
        const phase = (['beforeRequest', 'midStream', 'afterStream'] as const)[i % 3]!;
        const r = await run(async (chatsBefore) => {
          if (phase === 'beforeRequest') return sleep(Math.random() * runMs * 0.8);
          await waitFor(() => server.chats.length > chatsBefore, 10_000);
          const chat = server.chats[chatsBefore];
          if (phase === 'midStream') return sleep(Math.random() * 60); // the stream takes ~80 ms
          await waitFor(() => !!chat?.closedAt, 10_000);
          await sleep(Math.random() * 40); // settling, or done
        });
        const m = /(\d+) requests? (?:was|were) interrupted/.exec(r.err);
        runs.set(r.pid, { killed: r.killed, reported: m ? Number(m[1]) : 0 });
        if (m) reportedOrphans += Number(m[1]);
        if (r.killed) phases[phase]++;
        else {
          phases.finished++;
          assert.equal(r.code, 0, r.err);
          const rec = (JSON.parse(r.out) as { record: { id: string; cost: number } }).record;
          acked.set(rec.id, rec.cost);
        }
      }
      // "Restart": the next process sweeps what the last kills left open.
      const reader = new SpendLedger(new JsonlLedgerStore(ledgerDir), systemClock, () => 'x', 'reader:1:1');
      const finalSweep = (await reader.settleOrphans(isOwnerAlive, MAX_RESERVATION_AGE_MS)).length;
      reportedOrphans += finalSweep;
      const f = await reader.fold();
      const settled = new Map(f.settled.map((s) => [s.id, s]));
      for (const [id, cost] of acked) {
        assert.equal(settled.get(id)?.outcome, 'ok', `acknowledged answer ${id} is in the ledger`);
        assert.equal(settled.get(id)!.cost, cost, 'at the cost the CLI printed');
      }
      assert.equal(f.open.size, 0, 'no reservation is left open');
      assert.equal(f.duplicates, 0, 'no request settled twice');
      for (const c of f.corrupt) assert.match(c.error, /not valid JSON|torn/);
      const reserves = new Map(
        readFileSync(new JsonlLedgerStore(ledgerDir).fileFor(localMonthKey(new Date())), 'utf8')
          .split('\n')
          .flatMap((l) => {
            try {
              const r = JSON.parse(l) as ReserveRecord;
              return r.kind === 'reserve' ? [[r.id, r] as const] : [];
            } catch {
              return [];
            }
          }),
      );
      const orphaned = f.settled.filter((s) => s.outcome === 'orphaned');
      // Each orphan was settled once, by the run that found it; a run reports what it settled, unless it
      // was itself killed between settling and saying so.
      const bySettler = new Map<string, number>();
      for (const o of orphaned) bySettler.set(o.settledBy!.split(':')[1]!, (bySettler.get(o.settledBy!.split(':')[1]!) ?? 0) + 1);
      let unreported = 0;
      for (const [pid, n] of bySettler) {
        if (pid === '1') {
          assert.equal(n, finalSweep, 'the last sweep settled what the last runs left');
          continue;
        }
        const run = runs.get(Number(pid));
        assert.ok(run, `orphans settled by a run of this test (pid ${pid})`);
        if (run.killed) {
          assert.ok(run.reported <= n);
          unreported += n - run.reported;
        } else assert.equal(run.reported, n, `run ${pid} reported the ${n} orphans it settled`);
      }
      assert.equal(reportedOrphans + unreported, orphaned.length, 'every orphan settled is accounted for');
      for (const o of orphaned) assert.equal(o.cost, reserves.get(o.id)!.amount, 'an orphan counts at its reserved worst case');
      const ok = f.settled.filter((s) => s.outcome === 'ok');
      assert.ok(ok.every((s) => s.cost === answer.cost), 'every answer cost the same, exactly');
      assert.equal(f.total, ok.length * answer.cost + orphaned.reduce((a, o) => a + o.cost, 0), 'totals are exact');
      assert.ok(server.chats.length <= reserves.size, `no request without a reservation (${server.chats.length} requests, ${reserves.size} reservations)`);
      const cutStreams = server.chats.filter((c) => !c.completed).length;
      assert.ok(phases.midStream === 0 || cutStreams > 0, 'kills during the stream cut streams');
      process.stdout.write(
        `      ${KILLS} CLI runs killed (${phases.beforeRequest} before the request, ${phases.midStream} mid-stream, ${phases.afterStream} after it) and ${phases.finished} finished first: ` +
          `${acked.size} answers kept, ${orphaned.length} orphans settled once (${unreported} by a run killed before it could say so), ${cutStreams} streams cut, ${f.corrupt.length} torn lines\n`,
      );
    } finally {
      await server.stop();
    }
  });
});
