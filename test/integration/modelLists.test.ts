import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { FixtureServer } from '../harness/openAIServer';
import { costwise, openDocument, setUserSetting, waitFor } from './helpers';

const SAMPLE = 'function add(a, b) {\n  return a + b;\n}\n';
const SETTINGS = ['providers.deepseek', 'budget.monthlyUsd', 'local.embedded', 'local.discovery', 'privacy.localOnly'];

async function explainBasic() {
  const editor = await openDocument(SAMPLE);
  editor.selection = new vscode.Selection(0, 0, 3, 0);
  return vscode.commands.executeCommand('costwise.explainSelection', { tier: 'basic' }) as Promise<{ record?: { model: string } } | undefined>;
}

describe('model lists inside VS Code: only what the provider lists for the key is routed', function () {
  this.timeout(60_000);
  let deepseek: FixtureServer;
  const lists = () => deepseek.requests.filter((r) => r.path === '/models');

  before(async () => {
    // The key can use deepseek-v4-pro and a new model no catalog prices; not deepseek-flash.
    deepseek = await new FixtureServer({ apiKey: 'sk-ds-list', models: ['deepseek-v4-pro', 'deepseek-v5-preview'], fixtures: { 'deepseek-flash': 'deepseek-reasoner', 'deepseek-v4-pro': 'deepseek-reasoner' } }).start();
    await setUserSetting('providers.deepseek', { enabled: true, baseUrl: deepseek.origin });
    await setUserSetting('budget.monthlyUsd', 10);
    // Nothing local competes at the basic tier: the cheapest DeepSeek model wins.
    await setUserSetting('local.embedded', false);
    await setUserSetting('local.discovery', false);
    await vscode.commands.executeCommand('costwise.setApiKey', { key: 'sk-ds-list', endpoint: 'deepseek' });
  });

  after(async () => {
    for (const k of SETTINGS) await setUserSetting(k, undefined);
    await deepseek.stop();
  });

  it('before the list is known the catalog decides; once read (in the background) only listed models are used', async () => {
    const api = await costwise();
    // The first request starts the background read (VS Code's chat model picker may already have, since the
    // provider was enabled): which model it gets depends on that race, so only its being answered is asserted.
    // Before any list, the catalog decides: the unit tests of buildCandidates show it without a race.
    const first = await explainBasic();
    assert.ok(first?.record, 'answered');
    await waitFor('the background read of the model list', () => api.modelLists.listing({ provider: 'deepseek', baseUrl: deepseek.origin, apiKey: 'sk-ds-list' }));
    const shown = (await vscode.commands.executeCommand('costwise.showModels', { refresh: false })) as string;
    assert.match(shown, /from deepseek’s model list read .* \(2 listed/);
    assert.ok(lists().length >= 1 && lists().every((r) => r.authorization === 'Bearer sk-ds-list'), 'the list was read with the key, from its origin');
    assert.match(shown, /\| `deepseek-flash` \|.*\| not available to your key \|/);
    assert.match(shown, /- `deepseek-v5-preview` is unpriced .*costwise\.prices/);

    const second = await explainBasic();
    assert.equal(second?.record?.model, 'deepseek-v4-pro');
    assert.equal(deepseek.chats.at(-1)!.body.model, 'deepseek-v4-pro');
    const d = api.explain.lastDecision!;
    assert.ok(d.ranked.length > 0 && d.ranked.every((s) => s.candidate.model === 'deepseek-v4-pro'), d.ranked.map((s) => s.candidate.model).join());
    const flash = d.rejected.find((r) => r.candidate.model === 'deepseek-flash' && r.candidate.endpoint === 'deepseek');
    assert.equal(flash?.filter, 'available');
    assert.match(flash!.reason, /^not available to your key \(deepseek's model list, \d{4}-\d{2}-\d{2}\)$/);
    const unpriced = d.rejected.find((r) => r.candidate.model === 'deepseek-v5-preview');
    assert.equal(unpriced?.filter, 'price');
    assert.match(unpriced!.reason, /costwise\.prices/);
  });

  it('local-only mode reads no list, even on demand', async () => {
    await setUserSetting('privacy.localOnly', true);
    const before = lists().length;
    const text = (await vscode.commands.executeCommand('costwise.showModels')) as string;
    assert.match(text, /Local-only mode is on/);
    assert.equal(lists().length, before);
    await setUserSetting('privacy.localOnly', undefined);
    await vscode.commands.executeCommand('costwise.showModels');
    assert.equal(lists().length, before + 1, 'on demand, outside local-only mode, the list is read again');
  });
});
