import * as assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LedgerRecord } from '../../src/core/ledger/records';
import { formatUsd } from '../../src/shared/usd';
import type { BrowserSession } from '../harness/browser';
import { toolchainFromEnv, type CodeServer } from '../harness/codeServer';
import { FixtureServer } from '../harness/openAIServer';
import { PostgresServer } from '../harness/postgresServer';
import { openFile, openVsixWorkbench, poll, runCommand, selectAll, setApiKey, SHOTS, statusBarItem } from './workbench';

const ROOT = resolve(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'out', 'src', 'cli', 'main.js');
const SPEND = 'costwise.costwise.spend';
const DB = 'teamwin';

/** Settled cost in these records. */
const totalOf = (records: LedgerRecord[]) => records.reduce((s, r) => s + (r.kind === 'settle' ? r.cost : 0), 0);

/**
 * Two "machines" (two code-servers, each with its own user data, ledger folder and identity, so two
 * extension hosts) and CLI runs of a third person spend against one team budget in a real PostgreSQL.
 */
describe('e2e: two VS Code windows on two machines and the CLI spend against one team budget (a real PostgreSQL)', function () {
  this.timeout(420_000);
  let pg: PostgresServer;
  let url: string;
  let server: FixtureServer;
  const machines: Array<{ cs: CodeServer; browser: BrowserSession; person: string; workspace: string }> = [];
  let cliConfig: string;
  let cliLedger: string;
  let sample: string;

  /** The team ledger's records in the order the ledger lock admitted them. */
  const ledger = (): LedgerRecord[] =>
    pg
      .psql('SELECT body FROM costwise_records ORDER BY seq', DB)
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as LedgerRecord);
  const cliEnv = () => ({ ...process.env, COSTWISE_PG_URL: url, COSTWISE_IDENTITY: 'carol@team', COSTWISE_OPENAI_API_KEY: 'sk-team2' });
  const budgetSet = (...args: string[]) =>
    new Promise<void>((res, rej) => execFile(process.execPath, [CLI, 'budget', 'set', ...args], { env: { ...process.env, COSTWISE_PG_URL: url, COSTWISE_IDENTITY: 'lead@team', COSTWISE_CONFIG: join(pg.dir, 'none.json'), COSTWISE_LEDGER: join(pg.dir, 'lead') } }, (e, _o, err) => (e ? rej(new Error(err)) : res())));

  before(async () => {
    pg = await new PostgresServer().start();
    url = pg.createDatabase(DB);
    // Answers that must overlap are held open by the server (hold/release), never timed. A flat-priced
    // model, so every worst case here is the same whatever the hour.
    server = await new FixtureServer({ apiKey: 'sk-team2', fixtures: { 'gpt-6-luna': 'deepseek-reasoner' } }).start();
    const runDir = join(ROOT, '.run', 'e2e-team-windows');
    rmSync(runDir, { recursive: true, force: true });
    for (const [name, person] of [['machine-a', 'alice@team'], ['machine-b', 'bob@team']] as const) {
      const workspace = join(runDir, name, `project-${name.slice(-1)}`);
      mkdirSync(workspace, { recursive: true });
      writeFileSync(join(workspace, 'sample.js'), 'function add(a, b) {\n  return a + b;\n}\n');
      const { cs, browser } = await openVsixWorkbench({
        runDir: join(runDir, name),
        workspace,
        userSettings: {
          'costwise.endpoint.baseUrl': server.url,
          'costwise.endpoint.model': 'gpt-6-luna',
          'costwise.budget.monthlyUsd': 5,
          'costwise.budget.onLimit': 'downgrade',
          'costwise.local.discovery': false,
          'costwise.ledger.backend': 'postgres',
          'costwise.ledger.postgresUrl': url,
          'costwise.identity': person,
        },
      });
      machines.push({ cs, browser, person, workspace });
    }
    sample = join(machines[0]!.workspace, 'sample.js');
    cliConfig = join(runDir, 'cli-config.json');
    cliLedger = join(runDir, 'cli-ledger');
    writeFileSync(cliConfig, JSON.stringify({ budget: { monthlyUsd: 5 }, providers: { openai: { baseUrl: server.origin } } }), { mode: 0o600 });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') for (const m of machines) await m.browser.page.screenshot({ path: join(SHOTS, `failed-team-windows-${m.person}.png`) }).catch(() => undefined);
  });

  after(async () => {
    for (const m of machines) {
      await m.browser.close();
      await m.cs.stop();
    }
    await server?.stop();
    await pg?.dispose();
  });

  const explain = async (m: (typeof machines)[number]) => {
    await m.browser.page.bringToFront();
    await selectAll(m.browser.page);
    await m.browser.page.keyboard.press('Control+Alt+E');
  };
  let lastCliError = '';
  const cli = () =>
    new Promise<number>((res) => {
      const child = spawn(toolchainFromEnv().node, [CLI, 'explain', '--file', sample, '--config', cliConfig, '--ledger', cliLedger, '--json'], { stdio: ['ignore', 'pipe', 'pipe'], env: cliEnv() });
      let out = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      child.stderr.on('data', (b: Buffer) => (out += b.toString()));
      child.on('close', (code) => {
        if (code) lastCliError = out;
        res(code ?? -1);
      });
    });
  const streamsDone = () =>
    poll('every stream to end and be settled', async () => {
      const rs = ledger();
      return server.chats.every((c) => c.closedAt) && rs.filter((r) => r.kind === 'reserve').length === rs.filter((r) => r.kind !== 'reserve').length;
    }, 60_000);

  it('never holds more than the team limit, and settles every reservation exactly once', async () => {
    const [a, b] = machines as [(typeof machines)[number], (typeof machines)[number]];
    for (const m of [a, b]) {
      await m.browser.page.bringToFront();
      await setApiKey(m.browser.page, 'sk-team2');
      await openFile(m.browser.page, 'sample.js');
    }

    // 1. One answer on machine A: what a request reserves (its worst case) and what it costs.
    await explain(a);
    await poll('the first request', async () => server.chats.length === 1, 30_000);
    await streamsDone();
    const first = ledger();
    const worst = first.find((r) => r.kind === 'reserve');
    assert.ok(worst && worst.kind === 'reserve' && worst.person === 'alice@team' && worst.model === 'gpt-6-luna');
    const reserved = worst.amount;
    const spent = totalOf(first);

    // 2. The team's month: what is spent plus room for two and a half worst cases, set by the lead with
    //    the CLI. Each machine hears of it from the database (its own connection, LISTEN).
    const limit = spent + Math.floor(2.5 * reserved);
    await budgetSet('--team', String(limit / 1e6));
    for (const m of [a, b]) await poll(`${m.person}'s status bar to show the team limit`, async () => (await statusBarItem(m.browser.page, SPEND).innerText()).includes(`team ${formatUsd(spent)} / ${formatUsd(limit)}`), 30_000);

    // 3. A and B each start an answer, held open mid-stream by the server until released: two worst
    //    cases are held, on two machines...
    server.hold();
    await explain(a);
    await server.whenHeld(1);
    await explain(b);
    await server.whenHeld(2);
    assert.equal(server.chats.length, 3);
    // ...so three CLI runs (a third person) find no room (half a worst case is left).
    const refused = await Promise.all([cli(), cli(), cli()]);
    assert.deepEqual(refused, [3, 3, 3], `every CLI run is refused for the team budget (exit code 3): ${lastCliError}`);
    assert.match(lastCliError, /team budget \(costwise budget set --team\)/);
    assert.equal(server.chats.length, 3, 'nothing was sent for them');
    server.release();
    await streamsDone();

    // 4. Both machines and three CLI runs at the same moment, every admitted answer held open until all
    //    five have been decided. Which ones win is a race; that the held total never passes the team
    //    limit, and that nothing was refused that would have fit, is not.
    for (const m of [a, b]) {
      await m.browser.page.bringToFront();
      await runCommand(m.browser.page, 'Notifications: Clear All Notifications');
    }
    const burstFrom = ledger().length;
    server.hold();
    const cliExits: number[] = [];
    const cliRuns = [cli(), cli(), cli()].map((p) => p.then((c) => (cliExits.push(c), c)));
    await explain(a);
    await explain(b);
    const burstReserves = () => ledger().slice(burstFrom).filter((r) => r.kind === 'reserve');
    const refusedIn = async (m: (typeof machines)[number]) => /No model can take this request|did not send the request/.test(await m.browser.page.locator('.notifications-toasts').innerText().catch(() => ''));
    await poll('all five to be decided, every admitted one held open', async () => {
      const admitted = burstReserves();
      const byPerson = (p: string) => admitted.filter((r) => r.kind === 'reserve' && r.person === p).length;
      const windowsDecided = (byPerson('alice@team') === 1 || (await refusedIn(a))) && (byPerson('bob@team') === 1 || (await refusedIn(b)));
      return windowsDecided && cliExits.length + byPerson('carol@team') === 3 && server.held.length === admitted.length;
    }, 60_000);
    assert.ok(cliExits.every((c) => c === 3), `a CLI run that ended while the admitted ones are held was refused (exit code 3): ${cliExits.join(', ')}`);
    const admitted = burstReserves();
    const heldNow = totalOf(ledger()) + admitted.reduce((t, r) => t + (r.kind === 'reserve' ? r.amount : 0), 0);
    assert.ok(admitted.length >= 1 && heldNow <= limit, `${admitted.length} of five admitted, holding ${heldNow} of ${limit} micro-USD`);
    const windowRefused = 2 - admitted.filter((r) => r.kind === 'reserve' && r.person !== 'carol@team').length;
    if (windowRefused) assert.ok(limit - heldNow < reserved, `a window was refused only for want of room: ${limit - heldNow} left, it needs ${reserved}`);
    server.release();
    const codes = await Promise.all(cliRuns);
    const cliAdmitted = admitted.filter((r) => r.kind === 'reserve' && r.person === 'carol@team').length;
    assert.equal(codes.filter((c) => c === 0).length, cliAdmitted, `every admitted CLI run answered (exit code 0), the rest were refused (3): ${codes.join(', ')}`);
    assert.ok(codes.every((c) => c === 0 || c === 3), `CLI exit codes ${codes.join(', ')}`);
    await streamsDone();

    // 5. With the room back, a CLI run alone is admitted; what it reserves shows that every CLI run
    //    refused in the burst was refused only for want of room.
    const fromStep5 = ledger().length;
    assert.equal(await cli(), 0, `the CLI is admitted when there is room (${lastCliError})`);
    const cliWorst = ledger().slice(fromStep5).find((r) => r.kind === 'reserve');
    assert.ok(cliWorst && cliWorst.kind === 'reserve');
    if (cliAdmitted < 3) assert.ok(limit - heldNow < cliWorst.amount, `a CLI run was refused only for want of room: ${limit - heldNow} left, it needs ${cliWorst.amount}`);
    await streamsDone();
    const records = ledger();

    // The ledger in lock order: at every reservation, settled plus held never passes the team limit,
    // and every reservation is settled (or released) exactly once.
    const open = new Map<string, number>();
    const closed = new Set<string>();
    let settledTotal = 0;
    let most = 0;
    for (const [i, r] of records.entries()) {
      if (r.kind === 'reserve') {
        assert.ok(!open.has(r.id) && !closed.has(r.id), `${r.id} is reserved once`);
        open.set(r.id, r.amount);
        if (i >= first.length) {
          const held = settledTotal + [...open.values()].reduce((x, y) => x + y, 0);
          most = Math.max(most, held);
          assert.ok(held <= limit, `after reservation ${r.id}: ${held} of ${limit} micro-USD`);
        }
      } else {
        assert.ok(open.has(r.id), `${r.kind} ${r.id} follows its reservation, and is its only settlement`);
        closed.add(r.id);
        open.delete(r.id);
        if (r.kind === 'settle') settledTotal += r.cost;
      }
    }
    assert.equal(open.size, 0, 'every reservation settled');
    const reserves = records.filter((r) => r.kind === 'reserve');
    assert.equal(server.chats.length, reserves.length, 'every reservation sent once, nothing sent without one');
    assert.equal(pg.psql("SELECT count(*) FROM (SELECT id FROM costwise_records WHERE kind <> 'reserve' GROUP BY id HAVING count(*) > 1) d", DB), '0');
    // Two machines: each window's reservations carry its own extension host and person.
    const hosts = (p: string) => new Set(reserves.flatMap((r) => (r.kind === 'reserve' && r.person === p ? [r.owner] : [])));
    assert.equal(hosts('alice@team').size, 1);
    assert.equal(hosts('bob@team').size, 1);
    assert.notDeepEqual([...hosts('alice@team')], [...hosts('bob@team')], 'the two windows run in different extension hosts');
    // Both status bars agree with the team ledger.
    const mine = (p: string) => records.reduce((s, r) => s + (r.kind === 'settle' && r.person === p ? r.cost : 0), 0);
    for (const m of [a, b]) await poll(`${m.person}'s status bar to show the ledger`, async () => (await statusBarItem(m.browser.page, SPEND).innerText()).includes(`${formatUsd(mine(m.person))} / $5.00 · team ${formatUsd(settledTotal)} / ${formatUsd(limit)}`), 30_000);

    // The report's key figures on machine A: Alice's month against her limit, beside the team's (read in Chromium).
    const page = a.browser.page;
    await page.bringToFront();
    await runCommand(page, 'Costwise: Show Spend Report');
    const figures = await poll('the report\'s key figures', async () => {
      const frames = page.locator('iframe.webview.ready');
      for (let i = 0; i < (await frames.count()); i++) {
        const kpis = page.frameLocator(`iframe.webview.ready >> nth=${i}`).frameLocator('#active-frame').locator('section.kpis');
        const you = await kpis.locator('[aria-label^="Your spend"]').innerText({ timeout: 500 }).catch(() => '');
        const team = await kpis.locator('[aria-label^="Team spend"]').innerText({ timeout: 500 }).catch(() => '');
        if (you && team) return { you, team, kpis };
      }
      return undefined;
    }, 30_000);
    const pct = (x: number, of: number) => `${Math.round((x / of) * 100)} % of`;
    assert.match(figures.you, new RegExp(`^Your spend\\s+\\${formatUsd(mine('alice@team'))}\\s+${pct(mine('alice@team'), 5_000_000)} your \\$5\\.00 · alice@team$`));
    assert.match(figures.team, new RegExp(`^Team spend\\s+\\${formatUsd(settledTotal)}\\s+${pct(settledTotal, limit)} the team's \\${formatUsd(limit)}$`));
    // A narrow window: the figures wrap onto more rows, and none of them is cut off.
    await page.setViewportSize({ width: 480, height: 900 });
    await poll('the figures in a narrow column, none cut off', async () => {
      const boxes = await figures.kpis.locator('.kpi').evaluateAll((els) => els.map((e) => [e.scrollWidth, e.clientWidth, e.getBoundingClientRect().left]));
      return boxes.length >= 7 && boxes.every(([scroll, client]) => scroll! <= client!) && new Set(boxes.map((b) => b[2])).size < boxes.length;
    });
    await page.screenshot({ path: join(SHOTS, 'e2e-team-windows-report.png') });
    await b.browser.page.screenshot({ path: join(SHOTS, 'e2e-team-windows-b.png') });
    const people = (p: string) => reserves.filter((r) => r.kind === 'reserve' && r.person === p).length;
    process.stdout.write(`      ${reserves.length} reservations (alice ${people('alice@team')}, bob ${people('bob@team')}, carol's CLI ${people('carol@team')} of 7 runs); most held at once ${most} of ${limit} micro-USD; settled ${settledTotal}\n`);
  });
});
