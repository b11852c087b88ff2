import * as assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateBudget } from '../../src/core/budget/budget';
import { teamRules } from '../../src/core/budget/teamBudgets';
import { BudgetRefusal, SpendLedger } from '../../src/core/ledger/spendLedger';
import { emptyUsage } from '../../src/core/pricing/usage';
import { JsonlLedgerStore } from '../../src/node/jsonlLedgerStore';
import { PostgresLedgerStore } from '../../src/node/postgresLedgerStore';
import { readTeamBudgets } from '../../src/node/pgTeamBudgets';
import { systemClock } from '../../src/node/systemClock';
import { eventually } from '../harness/condition';
import { PostgresServer } from '../harness/postgresServer';
import { PrometheusServer } from '../harness/prometheusServer';

const CLI = join(__dirname, '..', '..', 'src', 'cli', 'main.js');
const price = { model: 'o4-mini', effective: '2025-04-16', source: 'test' };

describe('team ledger from the CLI: budgets, import, report, metrics (real PostgreSQL and Prometheus)', function () {
  this.timeout(90_000);
  let pg: PostgresServer;
  let dir: string;
  let n = 0;
  const stores: PostgresLedgerStore[] = [];
  before(async () => {
    pg = await new PostgresServer().start();
  });
  after(async () => {
    await pg?.dispose();
  });
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'costwise-teamcli-'))));
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const cli = (url: string, person: string, ...args: string[]) =>
    new Promise<{ code: number; out: string; err: string }>((resolve) => {
      execFile(process.execPath, [CLI, ...args], { env: { ...process.env, COSTWISE_PG_URL: url, COSTWISE_IDENTITY: person, COSTWISE_CONFIG: join(dir, 'none.json'), COSTWISE_LEDGER: join(dir, `local-${person}`) } }, (e, out, err) =>
        resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out, err }),
      );
    });
  /** A person's ledger on the team database, spending `cost` per request on `model`. */
  const spender = (url: string, person: string) => {
    const owner = `${person}:1:1`;
    const store = new PostgresLedgerStore({ url, outboxDir: join(dir, `outbox-${person}`), owner, person });
    stores.push(store);
    const ledger = new SpendLedger(store, systemClock, () => `${person}-${Math.random().toString(36).slice(2)}`, owner, person);
    return async (model: string, amount: number, rules: Parameters<typeof evaluateBudget>[0]['rules'] = []) => {
      const r = await ledger.reserve({ model, provider: model.startsWith('claude') ? 'anthropic' : 'openai', task: 'explain', amount, estimate: emptyUsage('estimated'), price }, (spentIn, today) =>
        evaluateBudget({ rules, warnRatio: 0.8, onLimit: 'ask' }, { provider: 'openai', model, local: false }, amount, spentIn, today),
      );
      await ledger.settle(r, { usage: { ...emptyUsage(), inputTokens: 1000, outputTokens: 300, reasoningTokens: 100 }, cost: amount, price, durationMs: 5, outcome: 'ok' });
    };
  };

  it('budget set: a team limit and per-person limits, read by every client, hold each person and the team', async () => {
    const url = pg.createDatabase(`budget${++n}`);
    const set = await cli(url, 'lead@team', 'budget', 'set', '--team', '0.10', '--per-person', '0.04');
    assert.equal(set.code, 0, set.err);
    assert.equal((await cli(url, 'lead@team', 'budget', 'set', '--person', 'carol@team', '--usd', '0.06')).code, 0);
    const shown = JSON.parse((await cli(url, 'anyone', 'budget', 'show', '--json')).out) as { team: { monthly: number }; perPerson: { monthly: number }; people: Record<string, { monthly: number }> };
    assert.deepEqual(shown, { team: { monthly: 100_000 }, perPerson: { monthly: 40_000 }, people: { 'carol@team': { monthly: 60_000 } } });
    const reader = new PostgresLedgerStore({ url, outboxDir: join(dir, 'reader'), owner: 'reader:1:1' });
    stores.push(reader);
    const spend = async (person: string) => {
      const rules = teamRules(await readTeamBudgets(reader), person);
      const pay = spender(url, person);
      let paid = 0;
      for (;;) {
        try {
          await pay('o4-mini', 10_000, rules);
          paid++;
        } catch (e) {
          assert.ok(e instanceof BudgetRefusal, String(e));
          return { paid, reason: e.reason };
        }
      }
    };
    const alice = await spend('alice@team');
    assert.equal(alice.paid, 4, 'alice stops at her $0.04');
    assert.match(alice.reason, /monthly budget for alice@team.*costwise budget set --per-person/);
    const carol = await spend('carol@team');
    assert.equal(carol.paid, 6, 'carol has her own $0.06');
    const bob = await spend('bob@team');
    assert.equal(bob.paid, 0, 'the team\'s $0.10 is spent');
    assert.match(bob.reason, /\$0\.10 monthly budget .*team budget \(costwise budget set --team\)/);
    const bad = await cli(url, 'x', 'budget', 'set', '--team', 'lots');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--team must be a number of dollars/);
  });

  it('a limit changed from another machine just before a reservation is the one that reservation is checked against', async () => {
    const url = pg.createDatabase(`fresh${++n}`);
    assert.equal((await cli(url, 'lead@team', 'budget', 'set', '--team', '1', '--per-person', '0.5')).code, 0);
    const owner = 'alice-laptop:1:1';
    const store = new PostgresLedgerStore({ url, outboxDir: join(dir, 'outbox-alice'), owner, person: 'alice@team' });
    stores.push(store);
    let id = 0;
    const ledger = new SpendLedger(store, systemClock, () => `alice-${++id}`, owner, 'alice@team');
    // What Alice's window read once, for display, and never again: no change notification reaches this ledger.
    const shown = { rules: [{ period: 'month' as const, limit: 5_000_000, setting: 'costwise.budget.monthlyUsd', person: 'alice@team' }, ...teamRules(await readTeamBudgets(store), 'alice@team')], warnRatio: 0.8, onLimit: 'ask' as const };
    assert.deepEqual(shown.rules.map((r) => r.limit), [5_000_000, 1_000_000, 500_000]);
    const reserve = (amount: number) =>
      ledger.reserve({ model: 'o4-mini', provider: 'openai', task: 'explain', amount, estimate: emptyUsage('estimated'), price }, (spentIn, today, current) =>
        evaluateBudget(current(shown), { provider: 'openai', model: 'o4-mini', local: false }, amount, spentIn, today),
      );
    await reserve(300_000);
    // The lead lowers the team's month to $0.40 with the CLI (another process, its own connection).
    assert.equal((await cli(url, 'lead@team', 'budget', 'set', '--team', '0.40')).code, 0);
    await assert.rejects(reserve(200_000), (e: unknown) => {
      assert.ok(e instanceof BudgetRefusal, String(e));
      assert.match(e.reason, /\$0\.30 of the \$0\.40 monthly budget is already spent or reserved \(the team budget \(costwise budget set --team\)\)/);
      return true;
    });
    // A limit for Alice alone, tighter than the per-person $0.50 her window read.
    assert.equal((await cli(url, 'lead@team', 'budget', 'set', '--team', '2', '--person', 'alice@team', '--usd', '0.35')).code, 0);
    await assert.rejects(reserve(100_000), /\$0\.30 of the \$0\.35 monthly budget for alice@team/);
    // A raise counts too: the values read under the lock replace the window's (its $0.50 would refuse $0.70).
    assert.equal((await cli(url, 'lead@team', 'budget', 'set', '--person', 'alice@team', '--usd', '0.80')).code, 0);
    await reserve(400_000);
    assert.equal(pg.psql("SELECT count(*) || ' ' || sum(((body::json)->>'amount')::bigint) FROM costwise_records WHERE kind = 'reserve'", `fresh${n}`), '2 700000');
  });

  it('ledger import copies local history once (a second run adds nothing), and report --team totals it by person', async () => {
    const url = pg.createDatabase(`import${++n}`);
    const localDir = join(dir, 'local-dana@team');
    const local = new SpendLedger(new JsonlLedgerStore(localDir), systemClock, () => Math.random().toString(36).slice(2), 'dana:1:1');
    for (let i = 0; i < 5; i++) {
      const r = await local.reserve({ model: 'o4-mini', provider: 'openai', task: 'explain', amount: 5_000, estimate: emptyUsage('estimated'), price }, () => ({ admitted: true, reason: '' }));
      await local.settle(r, { usage: { ...emptyUsage(), outputTokens: 10 }, cost: 1_234, price, durationMs: 1, outcome: 'ok' });
    }
    await spender(url, 'erin@team')('claude-sonnet-5', 20_000);
    const first = await cli(url, 'dana@team', 'ledger', 'import', '--from', localDir);
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /imported 10 new of 10 records/);
    const again = await cli(url, 'dana@team', 'ledger', 'import', '--from', localDir);
    assert.match(again.out, /imported 0 new of 10 records .*\(10 were already there\)/);
    const report = JSON.parse((await cli(url, 'dana@team', 'report', '--team', '--json')).out) as { totalMicroUsd: number; requests: number; groups: Array<{ key: string; costMicroUsd: number; requests: number }>; team: { byModel: Array<{ key: string }> } };
    assert.equal(report.totalMicroUsd, 5 * 1_234 + 20_000);
    assert.equal(report.requests, 6);
    assert.deepEqual(report.groups.map((g) => [g.key, g.requests, g.costMicroUsd]), [['erin@team', 1, 20_000], ['dana@team', 5, 6_170]]);
    assert.deepEqual(report.team.byModel.map((g) => g.key), ['claude-sonnet-5', 'o4-mini']);
    const text = (await cli(url, 'dana@team', 'report', '--team')).out;
    assert.match(text, /person +requests +cost/);
  });

  it('costwise metrics: a real Prometheus scrapes it, and its query API returns the ledger\'s totals', async () => {
    const url = pg.createDatabase(`metrics${++n}`);
    assert.equal((await cli(url, 'lead@team', 'budget', 'set', '--team', '500', '--per-person', '50')).code, 0);
    const alice = spender(url, 'alice@team');
    const bob = spender(url, 'bob@team');
    for (let i = 0; i < 3; i++) await alice('o4-mini', 12_345);
    await bob('claude-sonnet-5', 1_000_001);
    const child = spawn(process.execPath, [CLI, 'metrics', '--listen', '127.0.0.1:0'], { env: { ...process.env, COSTWISE_PG_URL: url, COSTWISE_IDENTITY: 'alice@team', COSTWISE_CONFIG: join(dir, 'none.json'), COSTWISE_LEDGER: join(dir, 'm') }, stdio: ['ignore', 'pipe', 'pipe'] });
    const prom = new PrometheusServer();
    try {
      const target = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (b: Buffer) => {
          out += b.toString();
          const m = /at http:\/\/(127\.0\.0\.1:\d+)\/metrics/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on('exit', (code) => reject(new Error(`costwise metrics exited ${code}`)));
      });
      const direct = await fetch(`http://${target}/metrics`, { headers: { accept: 'application/openmetrics-text; version=1.0.0' } });
      assert.match(direct.headers.get('content-type') ?? '', /application\/openmetrics-text/);
      assert.match(await direct.text(), /\n# EOF\n$/);
      await prom.start([target]);
      // Wait for the first successful scrape (condition, not a fixed sleep).
      const total = await eventually('a first sample of costwise_month_spend_usd', async () => {
        const v = await prom.query('sum(costwise_month_spend_usd)');
        return v.length ? v : undefined;
      }, { timeoutMs: 30_000, everyMs: 200, detail: async () => `targets: ${JSON.stringify(await prom.targets())}` });
      assert.deepEqual((await prom.targets()).map((t) => t.health), ['up']);
      assert.equal(Math.round(total[0]!.value * 1e6), 3 * 12_345 + 1_000_001);
      const byPerson = await prom.query('sum by (person) (costwise_month_spend_usd)');
      assert.deepEqual(Object.fromEntries(byPerson.map((s) => [s.metric.person, Math.round(s.value * 1e6)])), { 'alice@team': 37_035, 'bob@team': 1_000_001 });
      const requests = await prom.query('sum by (model, provider) (costwise_month_requests)');
      assert.deepEqual(requests.map((s) => `${s.metric.provider}/${s.metric.model}=${s.value}`).sort(), ['anthropic/claude-sonnet-5=1', 'openai/o4-mini=3']);
      assert.equal((await prom.query('sum(costwise_month_tokens{kind="output"})'))[0]!.value, 4 * 300);
      assert.equal((await prom.query('costwise_budget_limit_usd{scope="overall"}'))[0]!.value, 500);
      const own = await prom.query('costwise_budget_used_usd{scope="person"}');
      assert.deepEqual(own.map((s) => [s.metric.person, Math.round(s.value * 1e6)]), [['alice@team', 37_035]]);
      // Every query of the Grafana dashboard in docs/ runs against these series and finds data.
      const dashboard = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'docs', 'grafana-costwise.json'), 'utf8')) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> };
      for (const p of dashboard.panels) for (const t of p.targets) assert.ok((await prom.query(t.expr)).length > 0, `dashboard panel "${p.title}": ${t.expr} found nothing`);
      const used = await prom.query(dashboard.panels.find((p) => p.title === 'Team budget used')!.targets[0]!.expr);
      assert.equal(Math.round(used[0]!.value * 1e6), Math.round(((3 * 12_345 + 1_000_001) / 500_000_000) * 1e6));
    } finally {
      child.kill('SIGTERM');
      await prom.dispose();
    }
  });

  it('costwise metrics --textfile writes the same samples in the text format node_exporter reads', async () => {
    const url = pg.createDatabase(`textfile${++n}`);
    await spender(url, 'alice@team')('o4-mini', 2_500_000);
    const file = join(dir, 'costwise.prom');
    const r = await cli(url, 'alice@team', 'metrics', '--textfile', file);
    assert.equal(r.code, 0, r.err);
    const text = readFileSync(file, 'utf8');
    assert.match(text, /^costwise_month_spend_usd\{month="\d{4}-\d{2}",model="o4-mini",provider="openai",person="alice@team"\} 2\.500000$/m);
    assert.doesNotMatch(text, /# EOF|# UNIT/);
    const bad = await cli(url, 'alice@team', 'metrics', '--listen', 'nowhere');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--listen must be HOST:PORT/);
  });
});
