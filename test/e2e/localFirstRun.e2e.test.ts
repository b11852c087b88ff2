import * as assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserSession } from '../harness/browser';
import type { CodeServer } from '../harness/codeServer';
import { testModel, tinyModels } from '../harness/testModels';
import { freshWorkspace, openFile, openVsixWorkbench, poll, runCommand, selectAll, SHOTS, webviewFrame } from './workbench';


describe('e2e: first run of the packaged VSIX with nothing configured (the embedded runtime)', function () {
  this.timeout(180_000);
  let cs: CodeServer;
  let browser: BrowserSession;

  before(async () => {
    const { runDir, workspace } = freshWorkspace('e2e-local', 'function id(x) {\n  return x;\n}\n');
    // What `npm start` sets up: a model path and nothing else (no keys, no endpoint, no provider).
    ({ cs, browser } = await openVsixWorkbench({ runDir, workspace, userSettings: { 'costwise.local.modelPath': await testModel('scripted'), 'costwise.local.threads': 1, 'costwise.local.discovery': false } }));
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && browser) await browser.page.screenshot({ path: join(SHOTS, 'failed-local-first-run.png') }).catch(() => undefined);
  });

  after(async () => {
    await browser?.close();
    await cs?.stop();
  });

  it('Explain Selection answers from the VSIX’s own llama.cpp runtime, reasoning apart, priced by energy', async () => {
    const { SCRIPTED } = await tinyModels();
    const page = browser.page;
    await openFile(page, 'sample.js');
    await selectAll(page);
    await runCommand(page, 'Costwise: Explain Selection');
    // The notice is a toast shown when the request starts; it may hide before the model has loaded and
    // answered, so it is watched for from now on rather than read at the end.
    const notice = poll('the notice that the local model answers', async () => {
      const t = await page.locator('.notifications-toasts').innerText().catch(() => '');
      return /no API key is set, so the local model .* answers \(basic tier\)/.test(t) ? t : undefined;
    }, 120_000);
    notice.catch(() => undefined); // awaited below; a failure before then must not go unhandled
    const frame = webviewFrame(page);
    const answer = await poll('the embedded model’s answer in the panel', async () => {
      const t = await frame.locator('article.answer').innerText({ timeout: 1000 });
      return t.includes('scripted test model') ? t : undefined;
    }, 90_000);
    assert.equal(answer.trim(), SCRIPTED.answer);
    assert.match(await frame.locator('details.reasoning').innerText(), /Reasoning/);
    const footer = await poll('the footer', async () => (await frame.locator('footer').innerText({ timeout: 1000 })) || undefined);
    assert.match(footer, /\$0\.0000\d+ · costwise-scripted-r1-distill-qwen-1\.5b-v1 · basic · \d+ in · 35 out \(19 reasoning\)/);
    assert.match(await notice, /no API key is set, so the local model .* answers \(basic tier\)/);
    // The VSIX carries the runtime as one archive; the first answer unpacked it into global storage.
    const runtimeDir = join(cs.ledgerDir('costwise.costwise'), '..', 'runtime');
    const unpacked = readdirSync(runtimeDir);
    assert.equal(unpacked.length, 1, unpacked.join(', '));
    assert.match(unpacked[0]!, /^node-llama-cpp-\d+\.\d+\.\d+-[0-9a-f]{12}$/);
    assert.ok(existsSync(join(runtimeDir, unpacked[0]!, '.complete')));
    assert.ok(existsSync(join(cs.extensionDir('costwise.costwise'), 'dist', 'runtime.tgz')) && !existsSync(join(cs.extensionDir('costwise.costwise'), 'dist', 'node_modules')), 'the VSIX holds the archive, not loose files');
    await page.screenshot({ path: join(SHOTS, 'e2e-local-first-run.png') });
  });
});
