import * as assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { launchBrowser, type BrowserSession } from '../harness/browser';
import { CodeServer, toolchainFromEnv } from '../harness/codeServer';
import { OpenAIServer } from '../harness/openAIServer';
import { packagePeerExtension } from '../harness/peerExtension';
import { freshWorkspace, openFile, poll, replaceInUserSettings, runCommand, selectAll, setApiKey, statusBarItem, waitForWorkbench, webviewFrame } from './workbench';

const ROOT = resolve(__dirname, '..', '..', '..');
const SHOTS = join(ROOT, 'test-results');

describe('e2e: the packaged VSIX in code-server, driven by Chromium', function () {
  this.timeout(180_000);
  let server: OpenAIServer;
  let cs: CodeServer;
  let browser: BrowserSession;

  before(async () => {
    const vsix = process.env.COSTWISE_VSIX;
    if (!vsix) throw new Error('COSTWISE_VSIX is not set: run the e2e suite through `npm test`, which packages the extension first.');
    server = await new OpenAIServer({ apiKey: 'sk-e2e-typed', delayMs: 30, fixtures: { 'deepseek-flash': 'deepseek-reasoner' } }).start();
    const { runDir, workspace } = freshWorkspace('e2e');
    cs = new CodeServer(toolchainFromEnv(), {
      runDir,
      workspace,
      // DeepSeek's current model, at the tier its LiveBench score (69.2) meets.
      userSettings: { 'costwise.endpoint.baseUrl': server.url, 'costwise.endpoint.model': 'deepseek-flash', 'costwise.defaultTier': 'basic', 'costwise.budget.monthlyUsd': 5 },
    });
    cs.prepare();
    cs.installExtension(vsix);
    cs.installExtension(packagePeerExtension(join(runDir, 'peer')));
    await cs.start();
    browser = await launchBrowser(toolchainFromEnv().chromium);
    mkdirSync(SHOTS, { recursive: true });
    await browser.page.goto(cs.workbenchUrl());
    await waitForWorkbench(browser.page);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && browser) {
      await browser.page.screenshot({ path: join(SHOTS, `failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}.png`) }).catch(() => undefined);
    }
  });

  after(async () => {
    await browser?.close();
    await cs?.stop();
    await server?.stop();
  });

  it('shows the spend item in the status bar once VS Code has started', async () => {
    // The item shows "Costwise" at once and the spend after its first ledger read (after activation).
    const text = await poll('the Costwise status bar item with the spend', async () => {
      const t = await statusBarItem(browser.page, 'costwise.costwise.spend').innerText();
      return /\$0\.00 · \$0\.00 \/ \$5\.00/.test(t) ? t : undefined;
    }, 60_000);
    assert.match(text, /\$0\.00 · \$0\.00 \/ \$5\.00/);
  });

  it('stores a typed API key, explains the selection into the panel, and shows the new spend', async () => {
    const page = browser.page;
    await setApiKey(page, 'sk-e2e-typed');

    await openFile(page, 'sample.js');
    await selectAll(page);
    await runCommand(page, 'Costwise: Explain Selection');

    const frame = webviewFrame(page);
    const answer = await poll('the answer in the explanation panel', async () => {
      const t = await frame.locator('article.answer').innerText({ timeout: 1000 });
      return t.includes('Works for numbers and strings') ? t : undefined;
    }, 60_000);
    assert.match(answer, /add\(a, b\) returns the sum of its two arguments/);
    assert.equal(await frame.locator('article.answer strong').innerText(), 'sum', 'markdown is rendered');
    assert.match(await frame.locator('details.reasoning').innerText(), /Reasoning/);
    // deepseek-flash bills by the hour: 56 miss x 0.15 + 64 hit x 0.003 + 45 out x 0.60 = 35.6 -> 36 micro-dollars
    // off-peak, twice that (71) at peak. The footer names the window the request was priced in.
    const footer = await frame.locator('footer').innerText();
    const m = /\$0\.0000(\d\d) · deepseek-flash · basic · 120 in · 45 out \(12 reasoning\).*· (off-peak|peak) price until .*UTC/.exec(footer);
    assert.ok(m, footer);
    assert.equal(m[1], m[2] === 'peak' ? '71' : '36', `the cost matches the ${m[2]} price`);
    const cost = `$0.0000${m[1]}`;

    const status = await poll('the status bar to show the new spend', async () => {
      const t = await statusBarItem(page, 'costwise.costwise.spend').innerText();
      return t.includes(cost) ? t : undefined;
    });
    assert.ok(status.includes(`${cost} · ${cost} / $5.00`), status);
    assert.equal(server.chats.length, 1);
    assert.equal(server.chats[0]!.authorization, 'Bearer sk-e2e-typed');
    await page.screenshot({ path: join(SHOTS, 'e2e-explain.png') });
  });

  it('renders hostile model output as inert text: no script runs, no request leaves', async () => {
    const page = browser.page;
    server.setFixture('deepseek-flash', 'hostile');
    // Every request the browser makes, from any frame (the webview's included), from here on.
    const browserRequests: string[] = [];
    const onRequest = (r: { url(): string }) => void browserRequests.push(r.url());
    page.context().on('request', onRequest);
    try {
      await selectAll(page);
      await runCommand(page, 'Costwise: Explain Selection');
      const frame = webviewFrame(page);
      const answer = await poll('the hostile answer', async () => {
        const t = await frame.locator('article.answer').innerText({ timeout: 1000 });
        return t.includes('the end.') ? t : undefined;
      }, 60_000);
      assert.match(answer, /<img src=x onerror=/, 'tags are shown as text');
      assert.match(answer, /<\/script><script>/);
      assert.equal(await frame.locator('article.answer img, article.answer iframe, article.answer script').count(), 0);
      const hrefs = await frame.locator('article.answer a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
      assert.ok(hrefs.every((h) => !/^javascript:/i.test(h)), `no javascript: links (${hrefs.join(', ')})`);
      // No element that could load anything exists (checked above), so there is nothing to wait for:
      // neither the browser nor the server has seen a request the answer asked for.
      assert.deepEqual(browserRequests.filter((u) => u.includes('pwned')), []);
      assert.deepEqual(server.requests.filter((r) => r.path.includes('pwned')).map((r) => r.path), []);
      await page.screenshot({ path: join(SHOTS, 'e2e-hostile-output.png') });
    } finally {
      page.context().off('request', onRequest);
      server.setFixture('deepseek-flash', 'deepseek-reasoner');
    }
  });

  it('at the budget limit, asks first, and sends once when the user approves', async () => {
    const page = browser.page;
    const item = statusBarItem(page, 'costwise.costwise.spend');
    // Lower the budget the way a user would: in settings.json, with find and replace.
    await replaceInUserSettings(page, '"costwise.budget.monthlyUsd": 5', '"costwise.budget.monthlyUsd": 0.00004');
    await poll('the status bar to show the lowered budget', async () => (await item.innerText()).includes('/ $0.00004'));
    await page.keyboard.press('Escape');
    await openFile(page, 'sample.js');
    const colour = await item.evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor);
    assert.notEqual(colour, 'rgba(0, 0, 0, 0)', 'the item is coloured once spend passes the warning level (36 or 71 micro-dollars of 40)');
    const before = server.chats.length;
    const ledger = cs.ledgerDir('costwise.costwise');
    const records = () =>
      readdirSync(ledger)
        .filter((f) => f.endsWith('.jsonl'))
        .flatMap((f) => readFileSync(join(ledger, f), 'utf8').split('\n').filter(Boolean))
        .map((l) => JSON.parse(l) as { kind: string; override?: string });
    const settlesBefore = records().filter((r) => r.kind === 'settle').length;
    await selectAll(page);
    // The keybinding, straight from the editor that holds the selection (no palette in between).
    await page.keyboard.press('Control+Alt+E');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 20_000 });
    assert.match(await dialog.innerText(), /monthly budget/);
    assert.equal(server.chats.length, before, 'nothing is sent while the user decides');
    await page.screenshot({ path: join(SHOTS, 'e2e-budget-ask.png') });
    await dialog.locator('.monaco-button', { hasText: 'Send Once Anyway' }).click();
    await poll('the approved request to reach the server', async () => server.chats.length === before + 1);
    const lines = await poll('the approved request in the ledger', async () => {
      const parsed = records();
      return parsed.filter((r) => r.kind === 'settle').length > settlesBefore ? parsed : undefined;
    });
    assert.equal(lines.filter((r) => r.kind === 'reserve').at(-1)?.override, 'approved-once');
  });

  it('is listed among running extensions with the activation time VS Code measured, beside a one-item peer', async () => {
    const page = browser.page;
    await runCommand(page, 'Developer: Show Running Extensions');
    const list = page.locator('.runtime-extensions-editor .monaco-list').first();
    const activation = async (name: string) => {
      const row = page.locator(`.runtime-extensions-editor .monaco-list-row[aria-label="${name}"]`);
      // The list is virtual (only rows in view exist): scroll down until the row is rendered.
      await list.hover();
      const text = await poll(`${name} in Running Extensions`, async () => {
        if (await row.count()) return (await row.locator('.activation-time').innerText({ timeout: 1000 })) || undefined;
        await page.mouse.wheel(0, 200);
        return undefined;
      });
      const m = /Activation: (\d+)ms/.exec(text);
      assert.ok(m, `an activation time in "${text}"`);
      return Number(m[1]);
    };
    await page.screenshot({ path: join(SHOTS, 'e2e-running-extensions.png') });
    const costwise = await activation('costwise');
    const peer = await activation('activation-peer');
    // A measurement for the notes (target < 50 ms), not a timed assertion: the peer's figure is what the
    // extension host adds to any extension at that moment on this machine.
    writeFileSync(join(SHOTS, 'activation.json'), JSON.stringify({ activationMs: costwise, peerActivationMs: peer, peer: 'one status bar item, onStartupFinished', reportedBy: 'Developer: Show Running Extensions' }) + '\n');
    process.stdout.write(`      Activation as VS Code reports it: Costwise ${costwise} ms, a one-item peer ${peer} ms\n`);
  });
});
