import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BrowserSession } from '../harness/browser';
import type { CodeServer } from '../harness/codeServer';
import { OpenAIServer } from '../harness/openAIServer';
import { testModel } from '../harness/testModels';
import { openFile, openVsixWorkbench, poll, runCommand, selectAll, setApiKey, SHOTS, webviewFrame } from './workbench';

const ROOT = resolve(__dirname, '..', '..', '..');

function ledgerRecords(dir: string): Array<{ kind: string }> {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean))
    .map((l) => JSON.parse(l) as { kind: string });
}

describe('e2e: Restricted Mode (an untrusted folder) in real VS Code', function () {
  this.timeout(240_000);
  let server: OpenAIServer;
  let cs: CodeServer;
  let browser: BrowserSession;

  before(async () => {
    server = await new OpenAIServer({ apiKey: 'sk-restricted', fixtures: { 'gpt-6-luna': 'deepseek-reasoner' } }).start();
    const runDir = join(ROOT, '.run', 'e2e-restricted');
    rmSync(runDir, { recursive: true, force: true });
    const workspace = join(runDir, 'workspace');
    mkdirSync(workspace, { recursive: true });
    writeFileSync(join(workspace, 'secret.js'), 'const token = compute();\nfunction compute() {\n  return 42;\n}\n');
    ({ cs, browser } = await openVsixWorkbench({
      runDir,
      workspace,
      workspaceTrust: true,
      userSettings: { 'costwise.endpoint.baseUrl': server.url, 'costwise.endpoint.model': 'gpt-6-luna', 'costwise.budget.monthlyUsd': 5, 'costwise.local.threads': 1, 'costwise.local.discovery': false, 'costwise.local.modelPath': await testModel('scripted'), 'security.workspace.trust.startupPrompt': 'always' },
    }));
    // The trust prompt: choose not to trust the authors (Restricted Mode).
    const dialog = browser.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    await dialog.locator('.monaco-button', { hasText: /No, I don.t trust/ }).click();
    await poll('Restricted Mode', async () => (await browser.page.locator('#workbench\\.parts\\.statusbar').innerText()).includes('Restricted Mode') || (await browser.page.locator('.monaco-workbench').innerText()).includes('Restricted Mode'));
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && browser) await browser.page.screenshot({ path: join(SHOTS, `failed-restricted-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 50)}.png`) }).catch(() => undefined);
  });

  after(async () => {
    await browser?.close();
    await cs?.stop();
    await server?.stop();
  });

  it('asks before any code goes to a remote model: declining sends nothing, Send Once sends once', async () => {
    const page = browser.page;
    await setApiKey(page, 'sk-restricted');

    await openFile(page, 'secret.js');
    await selectAll(page);
    await runCommand(page, 'Costwise: Explain Selection');
    const ask = page.locator('.monaco-dialog-box');
    await ask.waitFor({ state: 'visible', timeout: 20_000 });
    // gpt-6-luna at max effort (LiveBench 79) is the standard-tier model the endpoint serves.
    assert.match(await ask.innerText(), /not trusted.*secret\.js.*gpt-6-luna/s);
    await page.screenshot({ path: join(SHOTS, 'e2e-restricted-ask.png') });
    await ask.locator('.monaco-button', { hasText: 'Cancel' }).click();
    await ask.waitFor({ state: 'hidden' });
    assert.equal(server.chats.length, 0, 'declined: nothing was sent');

    await selectAll(page);
    await runCommand(page, 'Costwise: Explain Selection');
    await ask.waitFor({ state: 'visible', timeout: 20_000 });
    await ask.locator('.monaco-button', { hasText: 'Send Once' }).click();
    await poll('the one approved request', async () => server.chats.length === 1, 30_000);
    // Once it is settled in the ledger both commands have ended: the declined one (decided first) sent
    // and reserved nothing, the approved one was sent exactly once.
    const records = await poll('the approved request to be settled', async () => {
      const r = ledgerRecords(cs.ledgerDir('costwise.costwise'));
      return r.some((x) => x.kind === 'settle') ? r : undefined;
    }, 30_000);
    assert.equal(records.filter((r) => r.kind === 'reserve').length, 1, 'one reservation: the declined request reserved nothing');
    assert.equal(server.chats.length, 1, 'sent once');
  });

  it('a local model answers in Restricted Mode without asking (code stays on the machine)', async () => {
    const page = browser.page;
    await runCommand(page, 'Costwise: Toggle Local-Only Mode');
    await poll('local-only mode in the status bar', async () => (await page.locator('#workbench\\.parts\\.statusbar').innerText()).includes('local only'));
    const before = server.chats.length;
    await openFile(page, 'secret.js');
    await selectAll(page);
    await runCommand(page, 'Costwise: Explain Selection');
    const frame = webviewFrame(page);
    await poll('the local answer', async () => ((await frame.locator('article.answer').innerText({ timeout: 1000 })).includes('scripted test model') ? true : undefined), 90_000);
    assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no confirmation was needed');
    assert.equal(server.chats.length, before, 'nothing went to the remote endpoint');
  });
});
