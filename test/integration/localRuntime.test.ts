import * as assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import { startLlamaServer, type LlamaServer } from '../../src/runtime/llamaServer';
import { testModel, tinyModels } from '../harness/testModels';
import { costwise, openDocument, setUserSetting, waitFor } from './helpers';

const SAMPLE = 'function id(x) {\n  return x;\n}\n';
type Result = { text: string; reasoning: string; record?: { model: string; provider: string; cost: number; usage: { outputTokens: number } } } | undefined;

async function explain(tier?: 'basic' | 'standard'): Promise<Result> {
  const editor = await openDocument(SAMPLE);
  editor.selection = new vscode.Selection(0, 0, 3, 0);
  return vscode.commands.executeCommand('costwise.explainSelection', tier ? { tier } : undefined) as Promise<Result>;
}

describe('local models inside VS Code: real llama.cpp inference', function () {
  this.timeout(120_000);
  const settings = ['local.modelPath', 'local.threads', 'local.discovery', 'local.embedded', 'local.contextSize'];
  after(async () => {
    for (const k of settings) await setUserSetting(k, undefined);
  });

  it('with no API keys and no servers, Explain Selection answers from the embedded model, priced by energy on the status bar', async () => {
    const { SCRIPTED } = await tinyModels();
    // Nothing configured: no custom endpoint, no provider enabled (earlier suites may have left some).
    for (const k of ['endpoint.baseUrl', 'endpoint.model', 'providers.openai', 'providers.deepseek', 'providers.anthropic', 'providers.gemini']) await setUserSetting(k, undefined);
    await setUserSetting('local.discovery', false);
    await setUserSetting('local.threads', 1);
    await setUserSetting('local.contextSize', 2048);
    await setUserSetting('local.modelPath', await testModel('scripted'));
    const api = await costwise();
    const r = await explain();
    assert.equal(r?.text.trim(), SCRIPTED.answer, `error: ${(r as { error?: Error } | undefined)?.error?.message} events: ${api.local.recentEvents.join(' | ')}`);
    assert.equal(r?.reasoning.trim(), SCRIPTED.reasoning.trim());
    assert.equal(r?.record?.provider, 'local');
    assert.equal(r?.record?.model, 'costwise-scripted-r1-distill-qwen-1.5b-v1');
    assert.equal(r?.record?.usage.outputTokens, 35, 'exact usage from the runtime');
    assert.ok(r!.record!.cost >= 1, 'energy is never $0');
    await waitFor('the status bar to show the local energy cost', () => (api.statusBar.tooltip.includes('Local models (energy)') && api.statusBar.tooltip.includes('(energy)')) || undefined);
    assert.ok(api.local.runtime(api.settings.current().settings)?.isRunning, 'the runtime stays up for the next request');
  });

  it('Download Local Model… fetches with consent, verifies, and the next answer comes from the download', async () => {
    const { SCRIPTED } = await tinyModels();
    const model = readFileSync(await testModel('scripted'));
    const served: string[] = [];
    const server = createServer((req, res) => {
      served.push(req.url ?? '');
      res.writeHead(200, { 'content-length': model.length, 'content-type': 'application/octet-stream' });
      res.end(model);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      await setUserSetting('local.modelPath', undefined);
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/DeepSeek-R1-Distill-Qwen-1.5B-Q4_K_M.gguf`;
      const file = (await vscode.commands.executeCommand('costwise.downloadLocalModel', { key: 'r1-distill-qwen-1.5b', url, confirmed: true })) as string | undefined;
      assert.ok(file, 'the command returns the downloaded file');
      assert.deepEqual(served, ['/DeepSeek-R1-Distill-Qwen-1.5B-Q4_K_M.gguf']);
      assert.ok(readFileSync(file).equals(model), 'byte for byte');
      assert.match(file, /globalStorage|costwise/);
      try {
        const r = await explain('basic');
        assert.equal(r?.text.trim(), SCRIPTED.answer);
        assert.equal(r?.record?.model, 'DeepSeek-R1-Distill-Qwen-1.5B-Q4_K_M');
      } finally {
        rmSync(file, { force: true }); // later suites must not find an embedded model
        const api = await costwise();
        api.local.runtime(api.settings.current().settings);
      }
    } finally {
      server.close();
    }
  });

  describe('discovery', () => {
    let lmStudio: LlamaServer;
    before(async () => {
      // The embedded runtime's own server, started by the test on LM Studio's port, open like LM Studio.
      try {
        lmStudio = await startLlamaServer({ modelPath: await testModel('scripted'), token: undefined, openAccess: true, threads: 1, contextSize: 2048, port: 1234 });
      } catch (e) {
        throw new Error(`could not serve on LM Studio's port 1234 (is something else there?): ${(e as Error).message}`);
      }
      await setUserSetting('local.embedded', false);
      await setUserSetting('local.discovery', true);
    });
    after(async () => {
      await setUserSetting('local.discovery', false);
      await lmStudio?.close();
    });

    it('finds the server on LM Studio’s port and lists its model', async () => {
      const text = (await vscode.commands.executeCommand('costwise.showLocalModels')) as string;
      assert.ok(text.includes('lm-studio'), JSON.stringify((await costwise()).local.discoveryMisses()));
      assert.match(text, /### lm-studio at http:\/\/127\.0\.0\.1:1234\/v1/);
      assert.match(text, /\| `costwise-scripted-r1-distill-qwen-1\.5b-v1` \| r1-distill-qwen-1\.5b \|/);
    });

    it('routes a basic-tier request to it', async () => {
      const { SCRIPTED } = await tinyModels();
      const r = await explain('basic');
      assert.equal(r?.text.trim(), SCRIPTED.answer);
      assert.equal(r?.record?.provider, 'local');
    });
  });
});
