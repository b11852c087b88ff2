import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LedgerRecord } from '../../src/core/ledger/records';
import { formatUsd } from '../../src/shared/usd';
import type { BrowserSession } from '../harness/browser';
import type { CodeServer } from '../harness/codeServer';
import { seedMonthLines } from '../harness/seedLedger';
import { testModel } from '../harness/testModels';
import { openFile, openVsixWorkbench, poll, runCommand, selectAll, SHOTS, statusBarItem, waitForWorkbench, webviewFrame } from './workbench';

const ROOT = resolve(__dirname, '..', '..', '..');
const HOSTILE_FILE = '<img src=x onerror="fetch(\'/pwned-file\')">.js';
const REQUESTS = 60_000;

describe('e2e: the spend report on a heavy user’s month (60,000 requests in the ledger)', function () {
  this.timeout(240_000);
  let cs: CodeServer;
  let browser: BrowserSession;
  let total = 0;
  let limit = 0;
  const runDir = join(ROOT, '.run', 'e2e-report');
  const workspace = join(runDir, 'workspace');

  before(async () => {
    rmSync(runDir, { recursive: true, force: true });
    mkdirSync(workspace, { recursive: true });
    writeFileSync(join(workspace, 'sample.js'), 'function id(x) {\n  return x;\n}\n');
    const now = new Date();
    const lines = seedMonthLines(now.getFullYear(), now.getMonth(), REQUESTS, { files: [HOSTILE_FILE], estimatedEvery: 101 });
    for (const l of lines.split('\n').filter(Boolean)) {
      const r = JSON.parse(l) as LedgerRecord;
      if (r.kind === 'settle') total += r.cost;
    }
    // A limit just above 80 % of the seeded spend: the next local request (>= 1 micro-dollar) crosses it.
    limit = Math.floor(1.25 * (total + 1));
    ({ cs, browser } = await openVsixWorkbench({
      runDir,
      workspace,
      userSettings: { 'costwise.budget.monthlyUsd': limit / 1e6, 'costwise.local.modelPath': await testModel('scripted'), 'costwise.local.threads': 1, 'costwise.local.discovery': false, 'workbench.colorTheme': 'Default Dark Modern' },
      beforeStart: (c) => {
        const ledger = c.ledgerDir('costwise.costwise');
        mkdirSync(ledger, { recursive: true });
        writeFileSync(join(ledger, `spend-${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}.jsonl`), lines);
        // An earlier month of the same year, for the year view (folded in a worker thread).
        if (now.getMonth() > 0) writeFileSync(join(ledger, `spend-${now.getFullYear()}-${String(now.getMonth()).padStart(2, '0')}.jsonl`), seedMonthLines(now.getFullYear(), now.getMonth() - 1, 1000));
      },
    }));
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && browser) await browser.page.screenshot({ path: join(SHOTS, `failed-report-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 50)}.png`) }).catch(() => undefined);
  });

  after(async () => {
    await browser?.close();
    await cs?.stop();
  });

  it('opens with KPIs that match the ledger to the cent, and draws the daily chart', async () => {
    const page = browser.page;
    await runCommand(page, 'Costwise: Show Spend Report');
    const frame = webviewFrame(page);
    const spend = await poll('the Spend KPI', async () => (await frame.locator('.kpi[aria-label^="Spend:"] .kpi-value').innerText({ timeout: 1000 })) || undefined, 90_000);
    assert.equal(spend, formatUsd(total));
    assert.equal(await frame.locator('.kpi[aria-label^="Requests:"] .kpi-value').innerText(), REQUESTS.toLocaleString('en-US'));
    const painted = await poll('the chart to draw', async () => {
      const n = await frame.locator('#daily-chart').evaluate((c) => {
        const canvas = c as unknown as { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null };
        const ctx = canvas.getContext('2d');
        if (!ctx || !canvas.width) return 0;
        const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        let count = 0;
        for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) count++;
        return count;
      });
      return n > 1000 ? n : undefined;
    });
    assert.ok(painted > 1000, `${painted} painted pixels`);
    const year = await frame.locator('.year tbody tr').allInnerTexts();
    assert.equal(year.length, new Date().getMonth() > 0 ? 3 : 2, year.join(' | '));
    assert.match(year.at(-1)!, /so far\s+61,000/);
    await page.screenshot({ path: join(SHOTS, 'e2e-report-dark.png') });
  });

  it('filters the request table, and file names with markup stay inert text', async () => {
    const frame = webviewFrame(browser.page);
    await frame.locator('#filter').fill('o4-mini premium');
    await poll('the filtered count', async () => ((await frame.locator('#request-count').innerText()).startsWith(`12,000 of ${REQUESTS.toLocaleString('en-US')} requests`) ? true : undefined));
    await frame.locator('#filter').fill('onerror');
    const count = await poll('the hostile rows', async () => {
      const t = await frame.locator('#request-count').innerText();
      return /^[1-9][\d,]* of/.test(t) ? t : undefined;
    });
    assert.match(count, /of 60,000/);
    const cell = await frame.locator('.request-table tbody tr td:nth-child(2)').first().innerText();
    assert.equal(cell, HOSTILE_FILE, 'the markup is shown as text');
    assert.equal(await frame.locator('img, iframe').count(), 0, 'no element was created from ledger data');
    const scripts = await frame.locator('script').evaluateAll((ss) => ss.map((x) => x.textContent ?? ''));
    assert.ok(scripts.every((t) => !t.includes('pwned')), 'no script carries ledger data');
    await frame.locator('#filter').fill('');
  });

  it('exports a CSV (the user picks the file) whose total matches the ledger', async () => {
    const page = browser.page;
    const frame = webviewFrame(page);
    await frame.locator('#export-csv').click();
    // code-server's save dialog is VS Code's simple file dialog: a path in a quick input, filled with
    // the suggested name; the user accepts it with Enter.
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 20_000 });
    await poll('the suggested file name', async () => (await input.inputValue()).endsWith('.csv'));
    await page.keyboard.press('Enter');
    const status = await poll('the export', async () => {
      const t = await frame.locator('#status').innerText();
      return t.startsWith('Exported to ') ? t : undefined;
    }, 60_000);
    const target = /^Exported to (.+\.csv) \(/.exec(status)![1]!;
    assert.ok(target.startsWith(workspace), `saved in the workspace: ${target}`);
    const rows = readFileSync(target, 'utf8').trim().split('\n');
    assert.equal(rows.length, REQUESTS + 2);
    assert.equal(Number(rows.at(-1)!.split(',')[9]), total);
  });

  it('reads well in a light theme', async () => {
    const page = browser.page;
    await runCommand(page, 'Preferences: Toggle between Light/Dark Themes');
    await poll('the light theme', async () => page.locator('.monaco-workbench.vs').isVisible());
    const frame = webviewFrame(page);
    await frame.locator('.kpi').first().waitFor({ state: 'visible' });
    const bodyColours = () =>
      frame.locator('body').evaluate((b) => {
        const style = (globalThis as unknown as { getComputedStyle(e: unknown): { color: string; backgroundColor: string } }).getComputedStyle(b);
        return [style.color, style.backgroundColor];
      });
    // The webview gets the new theme's variables after the workbench does: wait for a light background.
    const light = (rgb: string) => (rgb.match(/\d+/g) ?? []).slice(0, 3).reduce((t, c) => t + Number(c), 0) > 3 * 128;
    const colours = await poll('the report in light colours', async () => {
      const c = await bodyColours();
      return light(c[1]!) ? c : undefined;
    });
    await page.screenshot({ path: join(SHOTS, 'e2e-report-light.png') });
    assert.notEqual(colours[0], colours[1]);
    assert.ok(!light(colours[0]!), `dark text on the light background: ${colours.join(' on ')}`);
  });

  it('comes back after a window reload, on the month it showed', async () => {
    const page = browser.page;
    await runCommand(page, 'Developer: Reload Window');
    await waitForWorkbench(page);
    const frame = webviewFrame(page);
    const spend = await poll('the restored report', async () => (await frame.locator('.kpi[aria-label^="Spend:"] .kpi-value').innerText({ timeout: 1000 })) || undefined, 90_000);
    assert.equal(spend, formatUsd(total));
  });

  it('the status bar text and colour change when a request crosses the warning level', async () => {
    const page = browser.page;
    const item = statusBarItem(page, 'costwise.costwise.spend');
    const before = await item.innerText();
    const colourOf = () => item.evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor);
    const colourBefore = await colourOf();
    await openFile(page, 'sample.js');
    await selectAll(page);
    await runCommand(page, 'Costwise: Explain Selection');
    const after = await poll('the status bar to change', async () => {
      const t = await item.innerText();
      return t !== before ? t : undefined;
    }, 90_000);
    assert.notEqual(after, before);
    await poll('the warning colour', async () => (await colourOf()) !== colourBefore);
    await poll('the 80 % notification', async () => (await page.locator('.notifications-toasts').innerText().catch(() => '')).includes('80% of the monthly budget'));
    await page.screenshot({ path: join(SHOTS, 'e2e-status-crossing.png') });
  });
});
