import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { localMonthKey } from '../../src/core/ledger/periods';
import type { LedgerRecord } from '../../src/core/ledger/records';
import { formatUsd } from '../../src/shared/usd';
import { launchBrowser, type BrowserSession } from '../harness/browser';
import type { CodeServer } from '../harness/codeServer';
import { toolchainFromEnv } from '../harness/codeServer';
import { FixtureServer } from '../harness/openAIServer';
import { openFile, openVsixWorkbench, poll, replaceInUserSettings, runCommand, selectAll, setApiKey, SHOTS, statusBarItem, waitForWorkbench, webviewTexts } from './workbench';

const ROOT = resolve(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'out', 'src', 'cli', 'main.js');
const SPEND = 'costwise.costwise.spend';

/** Settled cost in these records. */
const totalOf = (records: LedgerRecord[]) => records.reduce((s, r) => s + (r.kind === 'settle' ? r.cost : 0), 0);

/** The month's records in file order (the order the ledger lock admitted them). */
function ledgerRecords(dir: string): LedgerRecord[] {
  const text = readFileSync(join(dir, `spend-${localMonthKey(new Date())}.jsonl`), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as LedgerRecord);
}

describe('e2e: two VS Code windows (two extension hosts) and the CLI spend against one budget', function () {
  this.timeout(300_000);
  let server: FixtureServer;
  let cs: CodeServer;
  let a: BrowserSession;
  let b: BrowserSession;
  let ledgerDir: string;
  let cliConfig: string;
  let sample: string;

  before(async () => {
    // Answers that must overlap are held open by the server (hold/release), never timed.
    // A flat-priced model (no peak hours), so every worst case in this test is the same whatever the hour.
    server = await new FixtureServer({ apiKey: 'sk-two', fixtures: { 'gpt-6-luna': 'deepseek-reasoner' } }).start();
    const runDir = join(ROOT, '.run', 'e2e-two-windows');
    rmSync(runDir, { recursive: true, force: true });
    const workspaces = ['project-a', 'project-b'].map((n) => join(runDir, n));
    for (const w of workspaces) {
      mkdirSync(w, { recursive: true });
      writeFileSync(join(w, 'sample.js'), 'function add(a, b) {\n  return a + b;\n}\n');
    }
    sample = join(workspaces[0]!, 'sample.js');
    const userSettings = {
      'costwise.endpoint.baseUrl': server.url,
      'costwise.endpoint.model': 'gpt-6-luna',
      'costwise.budget.monthlyUsd': 5,
      'costwise.budget.onLimit': 'downgrade',
      'costwise.local.discovery': false,
    };
    ({ cs, browser: a } = await openVsixWorkbench({ runDir, workspace: workspaces[0]!, userSettings }));
    // A second browser, not a second tab: each window has its own focus and its own extension host.
    b = await launchBrowser(toolchainFromEnv().chromium);
    await b.page.goto(cs.workbenchUrl(undefined, workspaces[1]!));
    await waitForWorkbench(b.page);
    ledgerDir = cs.ledgerDir('costwise.costwise');
    cliConfig = join(runDir, 'cli-config.json');
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      for (const [n, s] of [['a', a], ['b', b]] as const) await s?.page.screenshot({ path: join(SHOTS, `failed-two-windows-${n}.png`) }).catch(() => undefined);
    }
  });

  after(async () => {
    await a?.close();
    await b?.close();
    await cs?.stop();
    await server?.stop();
  });

  const explain = async (s: BrowserSession) => {
    await s.page.bringToFront();
    await selectAll(s.page);
    await s.page.keyboard.press('Control+Alt+E');
  };
  let lastCliError = '';
  const cli = () =>
    new Promise<number>((res) => {
      const child = spawn(toolchainFromEnv().node, [CLI, 'explain', '--file', sample, '--config', cliConfig, '--ledger', ledgerDir, '--json'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, COSTWISE_OPENAI_API_KEY: 'sk-two' } });
      let err = '';
      child.stdout.on('data', (b: Buffer) => (err += b.toString()));
      child.stderr.on('data', (b: Buffer) => (err += b.toString()));
      child.on('close', (code) => {
        if (code) lastCliError = err;
        res(code ?? -1);
      });
    });
  const streamsDone = () => poll('every stream to end and be settled', async () => server.chats.every((c) => c.closedAt) && ledgerRecords(ledgerDir).filter((r) => r.kind === 'reserve').length === ledgerRecords(ledgerDir).filter((r) => r.kind !== 'reserve').length, 60_000);

  it('never spends past the limit, and settles every reservation exactly once', async () => {
    for (const s of [a, b]) {
      await s.page.bringToFront();
      await setApiKey(s.page, 'sk-two');
      await openFile(s.page, 'sample.js');
    }

    // 1. One answer in window A: what a request reserves (its worst case) and what it costs.
    await explain(a);
    await poll('the first request', async () => server.chats.length === 1, 30_000);
    await streamsDone();
    const first = ledgerRecords(ledgerDir);
    const worst = first.find((r) => r.kind === 'reserve')!;
    assert.equal(worst.kind, 'reserve');
    const reserved = worst.amount;
    const spent = totalOf(first);

    // 2. The limit: what is spent plus room for two and a half worst cases, set in window A's settings
    //    editor (code-server does not tell window B: the limit reaches B through the ledger folder) and
    //    in the CLI's config.
    const limit = spent + Math.floor(2.5 * reserved);
    await a.page.bringToFront();
    await replaceInUserSettings(a.page, '"costwise.budget.monthlyUsd": 5', `"costwise.budget.monthlyUsd": ${limit / 1e6}`);
    await a.page.keyboard.press('Escape');
    await runCommand(a.page, 'View: Close Editor');
    await openFile(a.page, 'sample.js');
    writeFileSync(cliConfig, JSON.stringify({ budget: { monthlyUsd: limit / 1e6 }, providers: { openai: { baseUrl: server.origin } } }), { mode: 0o600 });
    for (const s of [a, b]) await poll('each window to show the new limit', async () => (await statusBarItem(s.page, SPEND).innerText()).includes(`/ ${formatUsd(limit)}`));

    // 3. A and B each start an answer, held open mid-stream by the server until released: two worst
    //    cases are held...
    server.hold();
    await explain(a);
    await server.whenHeld(1);
    await explain(b);
    await server.whenHeld(2);
    assert.equal(server.chats.length, 3);
    // ...so three CLI runs now find no room for a third (half a worst case is left).
    const refused = await Promise.all([cli(), cli(), cli()]);
    assert.deepEqual(refused, [3, 3, 3], 'every CLI run is refused for the budget (exit code 3)');
    assert.equal(server.chats.length, 3, 'nothing was sent for them');
    server.release();
    await streamsDone();

    // 4. Both windows and three CLI runs at the same moment, every admitted answer held open until all
    //    five have been decided: room for about two of the five. Which ones win is a race; that the
    //    held total never passes the limit, and that nothing was refused that would have fit, is not.
    for (const s of [a, b]) {
      await s.page.bringToFront();
      await runCommand(s.page, 'Notifications: Clear All Notifications');
    }
    const burstFrom = ledgerRecords(ledgerDir).length;
    server.hold();
    const cliExits: number[] = [];
    const cliRuns = [cli(), cli(), cli()].map((p) => p.then((c) => (cliExits.push(c), c)));
    await explain(a);
    await explain(b);
    const burstReserves = () => ledgerRecords(ledgerDir).slice(burstFrom).filter((r) => r.kind === 'reserve');
    const refusedIn = async (s: BrowserSession) => /No model can take this request|did not send the request/.test(await s.page.locator('.notifications-toasts').innerText().catch(() => ''));
    await poll('all five to be decided, every admitted one held open', async () => {
      const admitted = burstReserves();
      const byWs = (ws: string) => admitted.filter((r) => r.kind === 'reserve' && r.workspace === ws).length;
      const windowsDecided = (byWs('project-a') === 1 || (await refusedIn(a))) && (byWs('project-b') === 1 || (await refusedIn(b)));
      return windowsDecided && cliExits.length + byWs('cli') === 3 && server.held.length === admitted.length;
    }, 60_000);
    assert.ok(cliExits.every((c) => c === 3), `a CLI run that ended while the admitted ones are held was refused (exit code 3): ${cliExits.join(', ')}`);
    const admitted = burstReserves();
    const heldNow = totalOf(ledgerRecords(ledgerDir)) + admitted.reduce((t, r) => t + (r.kind === 'reserve' ? r.amount : 0), 0);
    assert.ok(admitted.length >= 1 && heldNow <= limit, `${admitted.length} of five admitted, holding ${heldNow} of ${limit} micro-USD`);
    const windowRefused = 2 - admitted.filter((r) => r.kind === 'reserve' && r.workspace !== 'cli').length;
    if (windowRefused) assert.ok(limit - heldNow < reserved, `a window was refused only for want of room: ${limit - heldNow} left, it needs ${reserved}`);
    server.release();
    const codes = await Promise.all(cliRuns);
    assert.equal(codes.filter((c) => c === 0).length, admitted.filter((r) => r.kind === 'reserve' && r.workspace === 'cli').length, `every admitted CLI run answered (exit code 0), the rest were refused (3): ${codes.join(', ')}`);
    assert.ok(codes.every((c) => c === 0 || c === 3), `CLI exit codes ${codes.join(', ')}`);
    await streamsDone();

    // 5. With the room back, a CLI run alone is admitted; what it reserves shows that every CLI run
    //    refused in the burst was refused only for want of room.
    const fromStep5 = ledgerRecords(ledgerDir).length;
    assert.equal(await cli(), 0, `the CLI is admitted when there is room (${lastCliError})`);
    const cliWorst = ledgerRecords(ledgerDir).slice(fromStep5).find((r) => r.kind === 'reserve');
    assert.ok(cliWorst && cliWorst.kind === 'reserve');
    const cliRefused = 3 - admitted.filter((r) => r.kind === 'reserve' && r.workspace === 'cli').length;
    if (cliRefused) assert.ok(limit - heldNow < cliWorst.amount, `a CLI run was refused only for want of room: ${limit - heldNow} left, it needs ${cliWorst.amount}`);
    const records = ledgerRecords(ledgerDir);

    // The ledger in lock order: at every reservation, settled plus held never passes the limit.
    const open = new Map<string, number>();
    const settledIds = new Set<string>();
    let settledTotal = 0;
    let most = 0;
    for (const r of records) {
      if (r.kind === 'reserve') {
        open.set(r.id, r.amount);
        if (records.indexOf(r) >= first.length) {
          const held = settledTotal + [...open.values()].reduce((x, y) => x + y, 0);
          most = Math.max(most, held);
          assert.ok(held <= limit, `after reservation ${r.id}: ${held} of ${limit} micro-USD`);
        }
      } else {
        assert.ok(open.has(r.id), `${r.kind} ${r.id} follows its reservation`);
        assert.ok(!settledIds.has(r.id), `${r.id} is settled once`);
        settledIds.add(r.id);
        open.delete(r.id);
        if (r.kind === 'settle') settledTotal += r.cost;
      }
    }
    assert.equal(open.size, 0, 'every reservation settled');
    const reserves = records.filter((r) => r.kind === 'reserve');
    assert.equal(server.chats.length, reserves.length, 'every reservation sent once, nothing sent without one');
    // Two extension hosts: the windows' reservations carry two different processes, neither a CLI run.
    const owners = (ws: string) => new Set(reserves.filter((r) => r.kind === 'reserve' && r.workspace === ws).map((r) => r.kind === 'reserve' && r.owner.split(':')[1]));
    const [pa, pb] = [owners('project-a'), owners('project-b')];
    assert.equal(pa.size, 1);
    assert.equal(pb.size, 1);
    assert.notDeepEqual([...pa], [...pb], 'window A and window B run in different extension hosts');
    // Both status bars agree with the ledger.
    for (const s of [a, b]) await poll('each window to show the ledger total', async () => (await statusBarItem(s.page, SPEND).innerText()).includes(`${formatUsd(settledTotal)} / ${formatUsd(limit)}`), 30_000);
    await a.page.screenshot({ path: join(SHOTS, 'e2e-two-windows-a.png') });
    await b.page.screenshot({ path: join(SHOTS, 'e2e-two-windows-b.png') });
    process.stdout.write(`      ${reserves.length} reservations (${reserves.filter((r) => r.kind === 'reserve' && r.workspace === 'cli').length} of 7 CLI runs admitted, the rest from the 2 windows); most held at once ${most} of ${limit} micro-USD; settled ${settledTotal}\n`);
  });

  it("a window's extension host killed mid-stream: its next start settles the reservation at the worst case, once, and says so", async () => {
    const before = ledgerRecords(ledgerDir).length;
    const chats = server.chats.length;
    server.hold(3); // B's answer stays open mid-stream (some reasoning sent) until its host is killed
    await explain(b);
    await server.whenHeld(1);
    const held = ledgerRecords(ledgerDir)
      .slice(before)
      .find((r) => r.kind === 'reserve' && r.workspace === 'project-b');
    assert.ok(held && held.kind === 'reserve', "B's reservation is in the ledger");
    process.kill(Number(held.owner.split(':')[1]), 'SIGKILL'); // B's extension host
    await poll('the stream to be cut', async () => !!server.chats[chats]!.closedAt, 30_000);
    server.release(); // later answers are not held
    assert.notEqual(server.chats[chats]!.completed, true, 'the answer never finished');
    // Window A keeps working meanwhile, and its status bar still counts B's held worst case.
    await poll("A's status bar to count the held reservation", async () => (await statusBarItem(a.page, SPEND).innerText()).includes(formatUsd(totalOf(ledgerRecords(ledgerDir)) + held.amount)), 30_000);
    // VS Code restarts a crashed extension host: the new one settles the orphan and says so.
    const notice = await poll('the notice about the interrupted request', async () => {
      const t = await b.page.locator('.notifications-toasts').innerText().catch(() => '');
      return /1 request was interrupted/.test(t) ? t : undefined;
    }, 60_000);
    assert.match(notice, new RegExp(`recorded at the reserved worst case, \\${formatUsd(held.amount)} in all`));
    await poll('the orphan to be settled', async () => ledgerRecords(ledgerDir).some((r) => r.kind === 'settle' && r.id === held.id), 10_000);
    const settles = ledgerRecords(ledgerDir).filter((r) => r.kind !== 'reserve' && r.id === held.id);
    assert.equal(settles.length, 1, 'settled once');
    assert.deepEqual(settles[0]!.kind === 'settle' && [settles[0]!.outcome, settles[0]!.cost], ['orphaned', held.amount]);
    await b.page.screenshot({ path: join(SHOTS, 'e2e-orphan-notice.png') });
    // After a reload, a panel VS Code restores says its answer was cut off (not a silent stub). VS Code
    // restores the state it last saved for the panel: the cut-off answer, or — when it has not saved since
    // the crash — the answer before it (complete, with its footer), or no panel at all. Each is VS Code's
    // choice; what Costwise must never show is an answer still "running". The restore itself is tested
    // deterministically in the integration suite (ExplainPanel.revive). Reload Window (not a page reload)
    // lets VS Code save its state first, as a user's reload does.
    await runCommand(b.page, 'Developer: Reload Window');
    await waitForWorkbench(b.page);
    const reloadedAt = Date.now();
    const restored = await poll('the restored panel, or the workbench settled without it', async () => {
      const t = (await webviewTexts(b.page, '.error')).find((x) => /interrupted/.test(x));
      if (t) return { kind: 'interrupted', text: t };
      if (Date.now() - reloadedAt < 10_000) return undefined;
      const tabs = await b.page.locator('.tabs-container .tab').allInnerTexts();
      if (!tabs.some((x) => x.includes('Costwise: Explanation'))) return { kind: 'none', text: '' };
      const footer = (await webviewTexts(b.page, 'footer')).find((x) => x.includes('$'));
      return footer ? { kind: 'earlier', text: footer } : undefined;
    }, 30_000);
    if (restored.kind === 'interrupted') assert.match(restored.text, /Explain the selection again/);
    else process.stdout.write(`      (VS Code restored ${restored.kind === 'none' ? 'no panel' : `the answer before the crash: ${restored.text.split('\n')[0]}`} this time)\n`);
    assert.equal(ledgerRecords(ledgerDir).filter((r) => r.kind !== 'reserve' && r.id === held.id).length, 1, 'the reload settled nothing again');
  });
});
