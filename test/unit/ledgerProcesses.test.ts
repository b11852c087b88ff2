import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpendLedger } from '../../src/core/ledger/spendLedger';
import { localMonthKey } from '../../src/core/ledger/periods';
import { JsonlLedgerStore } from '../../src/node/jsonlLedgerStore';
import { systemClock } from '../../src/node/systemClock';
import { FixtureServer } from '../harness/openAIServer';

const WORKER = join(__dirname, '..', 'harness', 'ledgerWorker.js');
const CLI = join(__dirname, '..', '..', 'src', 'cli', 'main.js');

function runWorker(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    // 'close', not 'exit': only then has all of stdout arrived.
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`worker exited with ${code}`))));
  });
}

describe('ledger shared by several processes', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'costwise-procs-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('50 parallel requests from 2 processes against $1.00 at $0.03 worst case: exactly 33 admitted', async () => {
    const outs = await Promise.all([runWorker(['reserve', dir, '25', '30000', '1000000']), runWorker(['reserve', dir, '25', '30000', '1000000'])]);
    const results = outs.map((o) => JSON.parse(o) as { admitted: string[]; refusedForBudget: number; other: number });
    const admitted = results.flatMap((r) => r.admitted);
    assert.equal(admitted.length, 33);
    assert.equal(results.reduce((a, r) => a + r.refusedForBudget, 0), 17);
    assert.equal(results.reduce((a, r) => a + r.other, 0), 0, 'no failures other than budget refusals');
    const ledger = new SpendLedger(new JsonlLedgerStore(dir), systemClock, () => 'x', 'reader');
    const f = await ledger.fold();
    assert.equal(f.total, 990_000);
    assert.ok(f.total <= 1_000_000);
    assert.equal(f.open.size, 0, 'every reservation settled');
    assert.equal(f.duplicates, 0);
    assert.deepEqual(f.corrupt, []);
    // A writer that sees another's append in flight starts on a fresh line, which can leave an empty
    // line between records; readers skip it.
    const lines = readFileSync(new JsonlLedgerStore(dir).fileFor(localMonthKey(new Date())), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { id: string; kind: string });
    assert.equal(lines.length, 66, '33 reservations + 33 settlements, nothing lost or duplicated');
    assert.deepEqual(new Set(lines.map((l) => l.id)), new Set(admitted));
  });

  it('2 spending processes and 6 CLI `costwise explain` processes against one $0.02 budget: never over, each reservation settled once', async () => {
    const server = await new FixtureServer({ apiKey: 'sk-procs', delayMs: 2, fixtures: { 'deepseek-flash': 'deepseek-reasoner' } }).start();
    try {
      const sample = join(dir, 'add.js');
      writeFileSync(sample, 'function add(a, b) {\n  return a + b;\n}\n');
      const config = join(dir, 'config.json');
      writeFileSync(config, JSON.stringify({ budget: { monthlyUsd: 0.02 }, providers: { deepseek: { baseUrl: server.origin } } }), { mode: 0o600 });
      const cli = () =>
        new Promise<number>((resolve) => {
          const child = spawn(process.execPath, [CLI, 'explain', '--file', sample, '--tier', 'basic', '--config', config, '--ledger', dir, '--json'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, COSTWISE_DEEPSEEK_API_KEY: 'sk-procs' } });
          child.stdout.resume();
          child.stderr.resume();
          child.on('close', (code) => resolve(code ?? -1));
        });
      const [w1, w2, ...codes] = await Promise.all([runWorker(['reserve', dir, '25', '300', '20000']), runWorker(['reserve', dir, '25', '300', '20000']), ...Array.from({ length: 6 }, cli)]);
      const workers = [w1, w2].map((o) => JSON.parse(o as string) as { admitted: string[]; other: number });
      assert.ok(codes.every((c) => c === 0 || c === 3), `CLI exit codes ${codes.join(',')} (0 answered, 3 refused for budget)`);
      assert.equal(workers.reduce((a, w) => a + w.other, 0), 0);
      const f = await new SpendLedger(new JsonlLedgerStore(dir), systemClock, () => 'x', 'reader').fold();
      assert.ok(f.total + f.reserved() <= 20_000, `spent ${f.total} of 20000`);
      assert.equal(f.open.size, 0, 'every reservation settled');
      assert.equal(f.duplicates, 0, 'none settled twice');
      const cliSettled = f.settled.filter((r) => r.workspace === 'cli').length;
      assert.equal(cliSettled, codes.filter((c) => c === 0).length);
      assert.equal(server.chats.length, cliSettled, 'no request went out without a reservation');
      process.stdout.write(`      admitted: ${workers[0]!.admitted.length} + ${workers[1]!.admitted.length} (workers), ${cliSettled} of 6 (CLI); spent ${f.total} of 20000 micro-USD\n`);
    } finally {
      await server.stop();
    }
  });
});
