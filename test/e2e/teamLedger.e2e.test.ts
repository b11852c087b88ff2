import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { SpendLedger } from '../../src/core/ledger/spendLedger';
import { emptyUsage } from '../../src/core/pricing/usage';
import { PostgresLedgerStore } from '../../src/node/postgresLedgerStore';
import { systemClock } from '../../src/node/systemClock';
import type { BrowserSession } from '../harness/browser';
import type { CodeServer } from '../harness/codeServer';
import { OpenAIServer } from '../harness/openAIServer';
import { PostgresServer } from '../harness/postgresServer';
import { freshWorkspace, openFile, openVsixWorkbench, poll, runCommand, selectAll, setApiKey, SHOTS, statusBarItem, webviewFrame } from './workbench';

const ROOT = resolve(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'out', 'src', 'cli', 'main.js');
const SPEND = 'costwise.costwise.spend';

describe('e2e: a VS Code window on the team ledger (a real PostgreSQL)', function () {
  this.timeout(300_000);
  let pg: PostgresServer;
  let url: string;
  let server: OpenAIServer;
  let cs: CodeServer;
  let browser: BrowserSession;
  let bob: PostgresLedgerStore;

  const budget = (...args: string[]) =>
    new Promise<void>((res, rej) => execFile(process.execPath, [CLI, 'budget', 'set', ...args], { env: { ...process.env, COSTWISE_PG_URL: url, COSTWISE_IDENTITY: 'lead@team', COSTWISE_CONFIG: join(pg.dir, 'none.json'), COSTWISE_LEDGER: join(pg.dir, 'lead') } }, (e, _o, err) => (e ? rej(new Error(err)) : res())));
  const rows = (sql: string) => pg.psql(sql, 'team');

  before(async () => {
    pg = await new PostgresServer().start();
    url = pg.createDatabase('team');
    await budget('--team', '1', '--per-person', '0.5');
    // Bob, on another machine, has spent $0.20 of the team's month.
    bob = new PostgresLedgerStore({ url, outboxDir: join(pg.dir, 'bob'), owner: 'bob-laptop:1:1', person: 'bob@team' });
    const ledger = new SpendLedger(bob, systemClock, () => 'bob-1', 'bob-laptop:1:1', 'bob@team');
    const price = { model: 'o4-mini', effective: '2025-04-16', source: 'test' };
    const r = await ledger.reserve({ model: 'o4-mini', provider: 'openai', task: 'explain', amount: 250_000, estimate: emptyUsage('estimated'), price }, () => ({ admitted: true, reason: '' }));
    await ledger.settle(r, { usage: emptyUsage(), cost: 200_000, price, durationMs: 1, outcome: 'ok' });
    server = await new OpenAIServer({ apiKey: 'sk-team', delayMs: 10, fixtures: { 'gpt-6-luna': 'deepseek-reasoner' } }).start();
    const { runDir, workspace } = freshWorkspace('e2e-team');
    ({ cs, browser } = await openVsixWorkbench({
      runDir,
      workspace,
      userSettings: {
        'costwise.endpoint.baseUrl': server.url,
        'costwise.endpoint.model': 'gpt-6-luna',
        'costwise.budget.monthlyUsd': 5,
        'costwise.local.discovery': false,
        'costwise.ledger.backend': 'postgres',
        'costwise.ledger.postgresUrl': url,
        'costwise.identity': 'alice@team',
      },
    }));
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && browser) await browser.page.screenshot({ path: join(SHOTS, 'failed-team-ledger.png') }).catch(() => undefined);
  });

  after(async () => {
    await browser?.close();
    await cs?.stop();
    await server?.stop();
    await bob?.close();
    await pg?.dispose();
  });

  it('shows the personal limit beside the team\'s, records requests under the person, shows the team view, and follows a team budget set from the CLI', async () => {
    const page = browser.page;
    const item = statusBarItem(page, SPEND);
    // Alice's month against the tighter of her own $5 and the team's $0.50 each; the team's against $1.
    await poll('the team status', async () => /\$0\.00 \/ \$0\.50 · team \$0\.20 \/ \$1\.00/.test(await item.innerText()), 60_000);

    await setApiKey(page, 'sk-team');
    await openFile(page, 'sample.js');
    await selectAll(page);
    await runCommand(page, 'Costwise: Explain Selection');
    await poll('the answer', async () => (await webviewFrame(page).locator('article.answer').innerText({ timeout: 1000 })).includes('sum'), 60_000);
    await poll('the settlement in PostgreSQL', async () => rows("SELECT count(*) FROM costwise_records WHERE kind = 'settle' AND person = 'alice@team'") === '1');
    assert.equal(rows("SELECT body::json->>'cost' FROM costwise_records WHERE kind = 'settle' AND person = 'alice@team'"), '29', 'gpt-6-luna: 56 x $0.10 + 64 cached x $0.01 + 45 x $0.50 per 1M = 28.74 -> 29 micro-dollars');
    assert.equal(rows("SELECT count(*) FROM costwise_owners WHERE person = 'alice@team'"), '1', 'the window holds a lease');

    // The report's team view: the month by person, Bob's spend from his machine beside Alice's.
    await runCommand(page, 'Costwise: Show Spend Report');
    const byPerson = await poll('the team view in the report', async () => {
      const frames = page.frameLocator('iframe.webview.ready');
      for (let i = 0; i < (await page.locator('iframe.webview.ready').count()); i++) {
        const t = await frames.nth(i).frameLocator('#active-frame').locator('table[aria-label="Spend by person"]').innerText({ timeout: 500 }).catch(() => '');
        if (t.includes('bob@team') && t.includes('alice@team')) return t;
      }
      return undefined;
    }, 30_000);
    assert.match(byPerson, /bob@team\s+1\s+\$0\.20/);

    // The lead lowers the team's budget to what is spent: the window hears of it (a notification from the database).
    await budget('--team', '0.20');
    await poll('the new team limit in the status bar', async () => /team \$0\.20 \/ \$0\.20/.test(await item.innerText()), 30_000);
    assert.equal(server.chats.length, 1);
  });
});
