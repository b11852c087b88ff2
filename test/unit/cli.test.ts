import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { defaultLedgerDir } from '../../src/cli/ledgerLocation';
import { SpendLedger } from '../../src/core/ledger/spendLedger';
import { emptyUsage } from '../../src/core/pricing/usage';
import { JsonlLedgerStore } from '../../src/node/jsonlLedgerStore';
import { systemClock } from '../../src/node/systemClock';

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await main(args, (s) => (out += s + '\n'));
  return { code, out };
}

describe('costwise CLI', () => {
  it('lists the catalog with exact ids and list prices', async () => {
    const { code, out } = await cli(['prices', '--json']);
    assert.equal(code, 0);
    const rows = JSON.parse(out) as Array<{ model: string; prices: { output: number } }>;
    assert.equal(rows.find((r) => r.model === 'deepseek-flash')?.prices.output, 600_000, 'off-peak base; peak in timed');
    assert.equal((rows.find((r) => r.model === 'o3-mini') as unknown as { prices: { cachedRead: number } }).prices.cachedRead, 550_000, 'the curated correction of the o3-mini cached rate');
    assert.ok(!rows.some((r) => r.model === 'deepseek-reasoner'), 'a retired alias is not a current model');
    assert.match((await cli(['prices'])).out, /gpt-4\.1\s+openai\s+2\s+0\.5\s+8/);
  });

  it('sums the ledger', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'costwise-cli-'));
    try {
      const ledger = new SpendLedger(new JsonlLedgerStore(dir), systemClock, () => 'a', 'test');
      const price = { model: 'm', effective: 'x', source: 'y' };
      const r = await ledger.reserve({ model: 'm', provider: 'custom', task: 'explain', amount: 10, estimate: emptyUsage('estimated'), price }, () => ({ admitted: true, reason: '' }));
      await ledger.settle(r, { usage: emptyUsage(), cost: 4321, price, durationMs: 1, outcome: 'ok' });
      const { code, out } = await cli(['spend', '--ledger', dir, '--json']);
      assert.equal(code, 0);
      assert.deepEqual({ ...JSON.parse(out), ledger: undefined }, { ledger: undefined, todayMicroUsd: 4321, monthMicroUsd: 4321, reservedMicroUsd: 0, requests: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prices one request to the micro-dollar, with the price in force on a date', async () => {
    const { code, out } = await cli(['cost', '--model', 'o4-mini', '--input', '976', '--cached-read', '1024', '--output', '260', '--reasoning', '640', '--json']);
    assert.equal(code, 0);
    const r = JSON.parse(out) as { costMicroUsd: number; costUsd: string };
    assert.deepEqual([r.costMicroUsd, r.costUsd], [5315, '0.005315']);
    const old = JSON.parse((await cli(['cost', '--model', 'deepseek-reasoner', '--input', '1000000', '--output', '0', '--date', '2025-03-01', '--json'])).out) as { costMicroUsd: number };
    assert.equal(old.costMicroUsd, 550_000, 'the R1-era price');
    assert.match((await cli(['cost', '--model', 'gpt-4.1', '--input', '1000', '--output', '1000'])).out, /^\$0\.010000  gpt-4\.1/);
  });

  it('refuses to price an unknown model or a malformed count', async () => {
    await assert.rejects(cli(['cost', '--model', 'gpt-6.3-sol', '--input', '1', '--output', '1']), /no price for "gpt-6.3-sol".*refuses to guess/);
    await assert.rejects(cli(['cost', '--model', 'claude-sonnet-5-9', '--input', '1', '--output', '1']), /no price for "claude-sonnet-5-9"/, 'never claude-sonnet-5 by prefix');
    await assert.rejects(cli(['cost', '--model', 'o3', '--input', '5.5', '--output', '1']), /--input must be a whole number/);
    await assert.rejects(cli(['cost', '--model', 'o3', '--output', '1']), /needs --input/);
  });

  it('routes a file without calling any model, and shows the trace', async () => {
    const file = join(__dirname, '..', '..', '..', 'src', 'core', 'money.ts');
    const { code, out } = await cli(['route', '--file', file, '--lines', '1-20', '--tier', 'basic', '--local', 'deepseek-r1:1.5b']);
    assert.equal(code, 0);
    assert.match(out, /^deepseek-r1:1\.5b \(local\) because it is the cheapest model that meets the basic tier/);
    assert.match(out, /→\s+deepseek-r1:1\.5b/);
    const premium = JSON.parse((await cli(['route', '--file', file, '--tier', 'premium', '--providers', 'openai,anthropic', '--json'])).out) as { chosen: { candidate: { model: string } }; rejected: Array<{ reason: string }> };
    assert.equal(premium.chosen.candidate.model, 'gpt-6-sol');
    assert.equal((premium.chosen.candidate as { effort?: string }).effort, 'max', 'the effort its score was measured at');
    assert.ok(premium.rejected.some((r) => /below the premium tier/.test(r.reason)));
    await assert.rejects(cli(['route', '--file', file, '--tier', 'gold']), /--tier must be one of/);
  });

  it('reports a month grouped by model or day, as a table, JSON or formula-safe CSV', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'costwise-report-'));
    try {
      const ledger = new SpendLedger(new JsonlLedgerStore(dir), systemClock, () => `id${Math.random()}`, 'test');
      const price = { model: 'm', effective: 'x', source: 'y' };
      const chats = [undefined, { task: 'chat', conversation: 'abcdef0123456789' }, { task: 'agent', conversation: 'abcdef0123456789' }] as const;
      for (const [i, [model, cost, workspace]] of ([['o4-mini', 5315, '=HYPERLINK("x")'], ['deepseek-reasoner', 36, 'app'], ['o4-mini', 1000, 'app']] as const).entries()) {
        const r = await ledger.reserve({ model, provider: 'openai', task: 'explain', amount: 10_000, estimate: emptyUsage('estimated'), price, workspace, ...chats[i] }, () => ({ admitted: true, reason: '' }));
        await ledger.settle(r, { usage: { ...emptyUsage(), inputTokens: 100, outputTokens: 50, reasoningTokens: 20 }, cost, price, durationMs: 1, outcome: 'ok' });
      }
      const json = JSON.parse((await cli(['report', '--ledger', dir, '--json'])).out) as { totalMicroUsd: number; groups: Array<{ key: string; requests: number; costMicroUsd: number }> };
      assert.equal(json.totalMicroUsd, 6351);
      assert.deepEqual(json.groups, [{ key: 'o4-mini', requests: 2, costMicroUsd: 6315 }, { key: 'deepseek-reasoner', requests: 1, costMicroUsd: 36 }]);
      const table = (await cli(['report', '--ledger', dir])).out;
      assert.match(table, /total\s+3\s+\$0\.006351/);
      assert.match(table, /tokens: 300 in, 0 cached, 150 out \(60 reasoning\)/);
      const csv = (await cli(['report', '--ledger', dir, '--by', 'workspace', '--csv'])).out.trim().split('\n');
      assert.equal(csv[0], 'workspace,requests,cost_usd');
      assert.ok(csv.includes(`"'=HYPERLINK(""x"")",1,0.005315`), csv.join(' | '));
      const byDay = JSON.parse((await cli(['report', '--ledger', dir, '--by', 'day', '--json'])).out) as { groups: Array<{ requests: number }> };
      assert.equal(byDay.groups.reduce((a, g) => a + g.requests, 0), 3);
      const surface = JSON.parse((await cli(['report', '--ledger', dir, '--by', 'surface', '--json'])).out) as { groups: Array<{ key: string; costMicroUsd: number }> };
      assert.deepEqual(surface.groups.map((g) => [g.key, g.costMicroUsd]), [['panel', 5315], ['agent', 1000], ['chat', 36]]);
      assert.match((await cli(['report', '--ledger', dir, '--by', 'conversation'])).out, /conversation abcdef01\s+2\s+\$0\.001036/);
      await assert.rejects(cli(['report', '--ledger', dir, '--month', '2026-13']), /--month must be YYYY-MM/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('explains usage and rejects unknown commands', async () => {
    assert.equal((await cli(['--help'])).code, 0);
    const bad = await cli(['frobnicate']);
    assert.equal(bad.code, 2);
    assert.match(bad.out, /unknown command "frobnicate"/);
  });

  it('finds the desktop ledger per platform', () => {
    assert.match(defaultLedgerDir({}, 'linux'), /\.config\/Code\/User\/globalStorage\/costwise\.costwise\/ledger$/);
    assert.equal(defaultLedgerDir({ COSTWISE_LEDGER: '/x' }, 'linux'), '/x');
  });
});
