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
    assert.equal(rows.find((r) => r.model === 'deepseek-reasoner')?.prices.output, 420_000);
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
