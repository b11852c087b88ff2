import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { formatUsd } from '../../src/shared/usd';
import { FixtureServer } from '../harness/openAIServer';
import { costwise, openDocument, setUserSetting, waitFor } from './helpers';
import { watchLag } from '../harness/eventLoopLag';

const CANARY = 'sk-CANARY-4f9e1c07d2b34a8e';
const WORKSPACE = process.env.COSTWISE_WORKSPACE!;
const RUN_DIR = dirname(WORKSPACE);

/** Every file under `dir` (skipping what cannot be read), for sweeps. */
function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return files(p);
    return e.isFile() ? [p] : [];
  });
}

function treeHash(dir: string): string {
  const h = createHash('sha256');
  for (const f of files(dir).sort()) h.update(f).update(readFileSync(f));
  return h.digest('hex');
}

async function explainSample(): Promise<{ text?: string; error?: { message: string } } | undefined> {
  const editor = await openDocument('function add(a, b) {\n  return a + b;\n}\n');
  editor.selection = new vscode.Selection(0, 0, 3, 0);
  return vscode.commands.executeCommand('costwise.explainSelection', { tier: 'premium' });
}

describe('hardening inside VS Code', function () {
  this.timeout(90_000);

  it('canary keys end up nowhere but secret storage: not in settings, storage, logs, the ledger or error texts', async () => {
    // Servers that reject the canary (error paths) and one that accepts it (the happy path).
    const rejecting = await new FixtureServer({ apiKey: 'sk-something-else', fixtures: { 'deepseek-chat': 'deepseek-reasoner', 'deepseek-reasoner': 'deepseek-reasoner' } }).start();
    const accepting = await new FixtureServer({ apiKey: CANARY, fixtures: { 'o4-mini': 'o4-mini', 'gpt-5': 'o4-mini', 'o3': 'o4-mini' } }).start();
    const failing = await new FixtureServer({ status: 500, fixtures: {} }).start();
    try {
      await setUserSetting('providers.deepseek', { enabled: true, baseUrl: rejecting.origin });
      await setUserSetting('providers.openai', { enabled: true, baseUrl: accepting.url });
      await setUserSetting('providers.anthropic', { enabled: true, baseUrl: failing.origin });
      for (const endpoint of ['deepseek', 'openai', 'anthropic']) await vscode.commands.executeCommand('costwise.setApiKey', { key: CANARY, endpoint });
      const texts: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await explainSample();
        texts.push(JSON.stringify(r ?? {}));
      }
      await vscode.commands.executeCommand('costwise.whyThisModel');
      await vscode.commands.executeCommand('costwise.showReport');
      await vscode.commands.executeCommand('costwise.showLocalModels');
      assert.ok(accepting.chats.length + rejecting.chats.length + failing.requests.length > 0, 'requests were made');
      assert.ok(accepting.chats.every((c) => c.authorization === `Bearer ${CANARY}`), 'the key went where it was entered for');
      for (const t of texts) assert.ok(!t.includes(CANARY), `a result carries the key: ${t.slice(0, 200)}`);
      const api = await costwise();
      assert.ok(!JSON.stringify(api.decisions.panel?.shown ?? null).includes(CANARY));
      // Sweep everything VS Code and Costwise wrote to disk: settings, globalState (state.vscdb),
      // globalStorage, logs, the ledger, the workspace. (code-server keeps SecretStorage in the browser.)
      const leaks = [...files(join(RUN_DIR, 'user-data')), ...files(join(RUN_DIR, 'home')), ...files(WORKSPACE), ...files(api.ledgerDir)].filter((f) => statSync(f).size < 50e6 && readFileSync(f).includes(CANARY));
      assert.deepEqual(leaks, [], 'the canary was written to disk');
    } finally {
      for (const p of ['deepseek', 'openai', 'anthropic']) await setUserSetting(`providers.${p}`, undefined);
      await Promise.all([rejecting.stop(), accepting.stop(), failing.stop()]);
    }
  });

  it('a repository’s .vscode/settings.json cannot redirect code or lift limits, and no command writes into .vscode', async () => {
    const capture = await new FixtureServer({}).start();
    const api = await costwise();
    const before = api.settings.current().settings;
    const dir = join(WORKSPACE, '.vscode');
    mkdirSync(dir, { recursive: true });
    const hostile = {
      'costwise.endpoint.baseUrl': capture.url,
      'costwise.endpoint.model': 'deepseek-reasoner',
      'costwise.providers.openai': { enabled: true, baseUrl: capture.url },
      'costwise.providers.deepseek': { enabled: true, baseUrl: capture.origin },
      'costwise.providers.anthropic': { enabled: true, baseUrl: capture.origin },
      'costwise.providers.gemini': { enabled: true, baseUrl: capture.origin },
      'costwise.local.serverUrls': [capture.url],
      'costwise.budget.monthlyUsd': 1e9,
      'costwise.budget.dailyUsd': 1e9,
      'costwise.budget.onLimit': 'warn',
      'costwise.privacy.localOnly': false,
      'costwise.prices': { 'deepseek-reasoner': { inputPerMTok: 0, outputPerMTok: 0 } },
    };
    writeFileSync(join(dir, 'settings.json'), JSON.stringify(hostile, null, 2));
    try {
      // Give VS Code time to read the file (it does, and shows the values as "not applied").
      await waitFor('VS Code to read the workspace settings', () => (vscode.workspace.getConfiguration('costwise').inspect('budget.monthlyUsd')?.workspaceValue === 1e9 ? true : undefined), 10_000).catch(() => undefined);
      const hash = treeHash(dir);
      await explainSample();
      const after = api.settings.current().settings;
      assert.equal(capture.requests.length, 0, 'nothing reached the address the repository named');
      assert.equal(after.budget.monthly, before.budget.monthly);
      assert.equal(after.budget.daily, before.budget.daily);
      assert.equal(after.budget.policy.onLimit, before.budget.policy.onLimit);
      assert.deepEqual(after.priceOverrides, before.priceOverrides);
      assert.deepEqual(after.routing.providers, before.routing.providers);
      assert.deepEqual(after.local.serverUrls, before.local.serverUrls);
      // Every command that can run without a person at the keyboard: .vscode stays byte for byte the same.
      await vscode.commands.executeCommand('costwise.whyThisModel');
      await vscode.commands.executeCommand('costwise.showReport');
      await vscode.commands.executeCommand('costwise.showLocalModels');
      // The tier picker: dismissed (as Escape would) until the command has returned, however long it
      // takes to appear.
      let picked = false;
      const picking = Promise.resolve(vscode.commands.executeCommand('costwise.chooseTier')).finally(() => (picked = true));
      await waitFor('the tier picker to be dismissed', async () => {
        if (!picked) await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
        return picked || undefined;
      });
      assert.equal(await picking, undefined, 'dismissed: no tier chosen');
      assert.equal(treeHash(dir), hash, '.vscode is unchanged');
      assert.deepEqual(readdirSync(WORKSPACE).filter((f) => f !== '.vscode' && f !== 'sample.js'), [], 'nothing new in the workspace');
    } finally {
      rmSync(join(dir, 'settings.json'), { force: true });
      await capture.stop();
    }
  });

  it('bad selections get a clear refusal and cost nothing: 5 MB, NUL bytes, undecodable bytes, larger than every context window', async () => {
    const server = await new FixtureServer({ apiKey: 'sk-sel', fixtures: { 'deepseek-reasoner': 'deepseek-reasoner', 'deepseek-chat': 'deepseek-reasoner' } }).start();
    const api = await costwise();
    const ledgerBefore = (await api.ledger.fold()).settled.length;
    try {
      await setUserSetting('providers.deepseek', { enabled: true, baseUrl: server.origin });
      await vscode.commands.executeCommand('costwise.setApiKey', { key: 'sk-sel', endpoint: 'deepseek' });
      const explainAll = async (doc: vscode.TextDocument) => {
        const editor = await vscode.window.showTextDocument(doc);
        editor.selection = new vscode.Selection(0, 0, doc.lineCount, 0);
        return vscode.commands.executeCommand('costwise.explainSelection');
      };
      const huge = 'const x = 1; // padding to five megabytes of code\n'.repeat(100_000);
      assert.equal(await explainAll(await vscode.workspace.openTextDocument({ content: huge, language: 'javascript' })), undefined);
      assert.equal(await explainAll(await vscode.workspace.openTextDocument({ content: 'a\u0000b\u0000c', language: 'plaintext' })), undefined);
      const latin = join(RUN_DIR, 'latin1.bin');
      writeFileSync(latin, Buffer.from(Array.from({ length: 4000 }, (_, i) => (i % 7 === 0 ? 0xff : 0xe9))));
      assert.equal(await explainAll(await vscode.workspace.openTextDocument(vscode.Uri.file(latin))), undefined);
      // 190,000 characters (~48k tokens) with only a 4k-token local model allowed: no model can take it.
      await setUserSetting('privacy.localOnly', true);
      await setUserSetting('endpoint.baseUrl', server.url);
      await setUserSetting('endpoint.model', 'r1-distill-test-4k');
      const big = 'function f(a) { return a * 2 + 1; } // xxxxxxxx\n'.repeat(3800);
      assert.equal(await explainAll(await vscode.workspace.openTextDocument({ content: big, language: 'javascript' })), undefined);
      assert.match(api.explain.lastDecision?.summary ?? '', /context|no model|local-only/i);
      assert.equal(server.chats.length, 0, 'no request was sent');
      assert.equal((await api.ledger.fold()).settled.length, ledgerBefore, 'nothing was recorded');
    } finally {
      for (const k of ['providers.deepseek', 'privacy.localOnly', 'endpoint.baseUrl', 'endpoint.model']) await setUserSetting(k, undefined);
      await server.stop();
    }
  });

  it('200 requests at once — 170 from the UI, 30 from CLI processes — lose nothing (the extension host event-loop lag is measured and reported)', async () => {
    // gpt-6-luna (standard tier, flat price) answers every request, from the UI and the CLI alike.
    const server = await new FixtureServer({ apiKey: 'sk-load', delayMs: 3, fixtures: { 'gpt-6-luna': 'deepseek-reasoner' } }).start();
    const api = await costwise();
    const sample = join(RUN_DIR, 'load.js');
    writeFileSync(sample, 'function add(a, b) {\n  return a + b;\n}\n');
    const config = join(RUN_DIR, 'cli-config.json');
    writeFileSync(config, JSON.stringify({ budget: { monthlyUsd: 100 }, providers: { openai: { baseUrl: server.origin } } }), { mode: 0o600 });
    try {
      await setUserSetting('providers.openai', { enabled: true, baseUrl: server.origin });
      await setUserSetting('budget.monthlyUsd', 100);
      await vscode.commands.executeCommand('costwise.setApiKey', { key: 'sk-load', endpoint: 'openai' });
      const editor = await openDocument('function add(a, b) {\n  return a + b;\n}\n');
      editor.selection = new vscode.Selection(0, 0, 3, 0);
      const settledBefore = (await api.ledger.fold()).settled.length;
      const lag = watchLag(10);
      const cli = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
      const { spawn } = await import('node:child_process');
      // One launcher process starts the 30 CLI processes (forking from the extension host 30 times
      // would itself stall its event loop, and that is not what is measured here).
      const launcher = `const { spawn } = require('node:child_process');
const runs = Array.from({ length: 30 }, () => new Promise((r) => spawn(process.execPath, ${JSON.stringify([cli, 'explain', '--file', sample, '--config', config, '--ledger', api.ledgerDir, '--json'])}, { stdio: 'ignore' }).on('close', r)));
Promise.all(runs).then((codes) => process.stdout.write(JSON.stringify(codes)));`;
      const cliRun = new Promise<number[]>((resolve) => {
        const child = spawn(process.execPath, ['-e', launcher], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', COSTWISE_OPENAI_API_KEY: 'sk-load' } });
        let out = '';
        child.stdout.on('data', (b: Buffer) => (out += b.toString()));
        child.on('close', () => resolve(JSON.parse(out || '[]') as number[]));
      });
      // Each new Explain Selection supersedes the one before (the panel shows the newest): the
      // superseded ones are cancelled, and cancelled requests are still recorded.
      const uiRuns = Array.from({ length: 170 }, () => vscode.commands.executeCommand('costwise.explainSelection', { tier: 'standard' }));
      const codes = await cliRun;
      const uiResults = (await Promise.all(uiRuns)) as Array<{ text?: string; error?: { kind: string } } | undefined>;
      const worstLag = Math.round(lag.stop());
      const uiOutcomes: Record<string, number> = {};
      for (const r of uiResults) {
        const k = !r ? 'none' : r.error ? r.error.kind : 'answered';
        uiOutcomes[k] = (uiOutcomes[k] ?? 0) + 1;
      }
      assert.ok((uiOutcomes.answered ?? 0) >= 1, `the newest UI request is answered: ${JSON.stringify(uiOutcomes)}; last decision: ${api.explain.lastDecision?.summary}; editor: ${!!vscode.window.activeTextEditor}`);
      assert.equal(codes.length, 30);
      assert.ok(codes.every((c) => c === 0), `CLI exit codes: ${codes.join(',')}`);
      const fold = await api.ledger.fold();
      assert.equal(fold.open.size, 0, 'no reservation left open');
      const recorded = fold.settled.length - settledBefore;
      assert.ok(recorded >= 30, `${recorded} requests recorded`);
      assert.ok(server.chats.length <= recorded, 'every request that reached the server is on the record');
      await waitFor('the status bar to show the ledger total', () => (api.statusBar.text.includes(formatUsd(fold.total)) ? true : undefined), 10_000);
      process.stdout.write(`      200 requests: ${server.chats.length} reached the server, ${recorded} recorded, UI outcomes ${JSON.stringify(uiOutcomes)}, extension-host event loop lag max ${worstLag} ms\n`);
      // The lag is a measurement (printed above; the ledger benchmark tracks it), not a timed assertion.
    } finally {
      await setUserSetting('providers.openai', undefined);
      await setUserSetting('budget.monthlyUsd', 10);
      await server.stop();
    }
  });
});
