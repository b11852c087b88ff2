import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { formatUsd } from '../../src/shared/usd';
import { OpenAIServer } from '../harness/openAIServer';
import { costwise, EXTENSION_ID, openDocument, setUserSetting, waitFor } from './helpers';

const SAMPLE = 'function add(a, b) {\n  return a + b;\n}\n';

function ledgerLines(dir: string): string[] {
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
  } catch {
    return [];
  }
  return files.flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean));
}

describe('Costwise in a real VS Code', function () {
  this.timeout(60_000);
  let server: OpenAIServer;

  before(async () => {
    server = await new OpenAIServer({ apiKey: 'sk-integration', delayMs: 5, fixtures: { 'gpt-6-luna': 'deepseek-reasoner' } }).start();
    await setUserSetting('endpoint.baseUrl', server.url);
    // A flat-priced standard-tier model (LiveBench 79 at max effort), so the cost is the same at any hour.
    await setUserSetting('endpoint.model', 'gpt-6-luna');
    await setUserSetting('budget.monthlyUsd', 10);
    await vscode.commands.executeCommand('costwise.setApiKey', { key: 'sk-integration' });
  });

  after(async () => {
    await server.stop();
  });

  it('activates and registers every contributed command', async () => {
    await costwise();
    const all = await vscode.commands.getCommands(true);
    const contributed = (vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { commands: Array<{ command: string }> } }).contributes.commands.map((c) => c.command);
    assert.ok(contributed.length >= 8, contributed.join(', '));
    for (const c of contributed) assert.ok(all.includes(c), `${c} is registered`);
  });

  it('declares money- and endpoint-moving settings application-scoped and restricted in untrusted workspaces', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
      contributes: { configuration: { properties: Record<string, { scope?: string }> } };
      capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
    };
    const props = pkg.contributes.configuration.properties;
    const moneyOrEndpoint = Object.keys(props).filter((k) => /^costwise\.(endpoint|budget|prices|maxOutputTokens|ledger|identity)/.test(k));
    assert.ok(moneyOrEndpoint.length >= 9);
    for (const key of moneyOrEndpoint) {
      assert.equal(props[key]?.scope, 'application', key);
      assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes(key), key);
    }
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
  });

  it('explains the selection: streams into the panel, records the exact cost, updates the status bar', async () => {
    const api = await costwise();
    const before = ledgerLines(api.ledgerDir).length;
    const editor = await openDocument(SAMPLE);
    editor.selection = new vscode.Selection(0, 0, 3, 0);
    const result = (await vscode.commands.executeCommand('costwise.explainSelection')) as Awaited<ReturnType<typeof api.explain.explain>>;
    assert.ok(result, 'a result');
    assert.equal(result.error, undefined);
    assert.equal(result.reasoning, 'The user wants an explanation of a sum function.');
    assert.match(result.text, /returns the \*\*sum\*\*/);
    assert.equal(result.record?.cost, 29);
    const sent = server.requests.at(-1)!;
    assert.equal(sent.authorization, 'Bearer sk-integration');
    assert.match(JSON.stringify(sent.body.messages), /return a \+ b/);
    const lines = ledgerLines(api.ledgerDir).slice(before).map((l) => JSON.parse(l) as { kind: string; cost?: number; model: string });
    assert.deepEqual(lines.map((l) => l.kind), ['reserve', 'settle']);
    // 56 x $0.10 + 64 cached x $0.01 + 45 x $0.50 per 1M = 28.74 -> 29 micro-dollars.
    assert.equal(lines[1]!.cost, 29);
    // Today's total on the status bar: other test files may have spent before this one.
    const today = (await api.ledger.totals()).today;
    assert.ok(today >= 29);
    await waitFor(`the status bar to show today's ${formatUsd(today)}`, () => api.statusBar.text.includes(formatUsd(today)) || undefined);
    // The panel's tab appears asynchronously.
    await waitFor('the explanation panel tab', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('costwise.explanation')),
    );
    assert.equal(api.explain.lastDecision?.chosen?.candidate.model, 'gpt-6-luna');
  });

  it('with nothing selected, explains the enclosing function (or else the line)', async () => {
    const provider = vscode.languages.registerDocumentSymbolProvider({ language: 'plaintext' }, {
      provideDocumentSymbols: () => {
        const r = new vscode.Range(3, 0, 5, 1);
        return [new vscode.DocumentSymbol('second', '', vscode.SymbolKind.Function, r, r)];
      },
    });
    try {
      const editor = await openDocument('function first() {\n  return 1;\n}\nfunction second() {\n  return 2;\n}\n', 'plaintext');
      editor.selection = new vscode.Selection(4, 3, 4, 3);
      await vscode.commands.executeCommand('costwise.explainSelection');
      const sent = JSON.stringify(server.requests.at(-1)!.body.messages);
      assert.match(sent, /return 2/);
      assert.doesNotMatch(sent, /return 1/);
    } finally {
      provider.dispose();
    }
    const plain = await openDocument('alpha\nbeta line\ngamma\n', 'plaintext');
    plain.selection = new vscode.Selection(1, 2, 1, 2);
    await vscode.commands.executeCommand('costwise.explainSelection');
    const sent = JSON.stringify(server.requests.at(-1)!.body.messages);
    assert.match(sent, /beta line/);
    assert.doesNotMatch(sent, /alpha|gamma/);
  });

  it('refuses a request whose worst case does not fit the budget, sending and recording nothing', async () => {
    const api = await costwise();
    await setUserSetting('budget.monthlyUsd', 0.0001);
    await setUserSetting('budget.onLimit', 'downgrade'); // "ask" would open a modal dialog
    try {
      const before = { requests: server.requests.length, lines: ledgerLines(api.ledgerDir).length };
      const editor = await openDocument(SAMPLE);
      editor.selection = new vscode.Selection(0, 0, 3, 0);
      const result = await vscode.commands.executeCommand('costwise.explainSelection');
      assert.equal(result, undefined);
      assert.equal(server.requests.length, before.requests);
      assert.equal(ledgerLines(api.ledgerDir).length, before.lines);
    } finally {
      await setUserSetting('budget.monthlyUsd', 10);
      await setUserSetting('budget.onLimit', undefined);
    }
  });

  it('refuses binary selections before spending anything', async () => {
    const before = server.requests.length;
    const editor = await openDocument('abc\u0000def', 'plaintext');
    editor.selection = new vscode.Selection(0, 0, 0, 7);
    assert.equal(await vscode.commands.executeCommand('costwise.explainSelection'), undefined);
    assert.equal(server.requests.length, before);
  });

  it('never sends a stored key to another origin (loopback servers get a placeholder)', async () => {
    const other = await new OpenAIServer().start();
    try {
      await setUserSetting('endpoint.baseUrl', other.url);
      const editor = await openDocument(SAMPLE);
      editor.selection = new vscode.Selection(0, 0, 3, 0);
      await vscode.commands.executeCommand('costwise.explainSelection');
      // A loopback server may be used without a key, but the key stored for the first origin never goes along.
      assert.ok(other.requests.length > 0);
      for (const r of other.requests) assert.notEqual(r.authorization, 'Bearer sk-integration');
    } finally {
      await setUserSetting('endpoint.baseUrl', server.url);
      await other.stop();
    }
  });

  it('ignores endpoint and budget values from workspace settings', async () => {
    const cfg = vscode.workspace.getConfiguration('costwise');
    await cfg.update('budget.monthlyUsd', 1e9, vscode.ConfigurationTarget.Workspace).then(
      () => assert.fail('VS Code accepted a workspace value for an application-scoped setting'),
      (e: Error) => assert.match(e.message, /application|workspace/i),
    );
  });
});
