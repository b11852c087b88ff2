import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DecisionViewData } from '../../src/shared/decisionProtocol';
import { DECISION_VIEW_TYPE, DecisionPanels, type DecisionPanel } from '../../src/vscode/decisionPanel';
import { FixtureServer } from '../harness/openAIServer';
import { costwise, EXTENSION_ID, openDocument, setUserSetting, waitFor } from './helpers';

const SAMPLE = 'function add(a, b) {\n  return a + b;\n}\n';
const WINDOW = /^(peak|off-peak) until (\w{3} \d{4}-\d{2}-\d{2} )?\d{2}:\d{2} UTC \((off-peak|peak) prices from then\)$/;

describe('"Why This Model?" panel', function () {
  this.timeout(60_000);
  let server: FixtureServer;

  before(async () => {
    // deepseek-flash bills by time of day (Beijing peak hours), so its window shows whatever the hour.
    server = await new FixtureServer({ apiKey: 'sk-why', fixtures: { 'deepseek-flash': 'deepseek-reasoner' } }).start();
    await setUserSetting('endpoint.baseUrl', server.url);
    await setUserSetting('endpoint.model', 'deepseek-flash');
    await setUserSetting('budget.monthlyUsd', 10);
    await vscode.commands.executeCommand('costwise.setApiKey', { key: 'sk-why', endpoint: 'endpoint' });
  });

  after(async () => {
    for (const k of ['endpoint.baseUrl', 'endpoint.model', 'budget.monthlyUsd']) await setUserSetting(k, undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await server.stop();
  });

  it('opens as a webview panel with the decision: time of day, price age, tier thresholds; the footer names the price window', async () => {
    const editor = await openDocument(SAMPLE);
    editor.selection = new vscode.Selection(0, 0, 3, 0);
    const r = (await vscode.commands.executeCommand('costwise.explainSelection', { tier: 'basic' })) as { record?: { model: string } } | undefined;
    assert.equal(r?.record?.model, 'deepseek-flash');
    const panel = (await vscode.commands.executeCommand('costwise.whyThisModel')) as DecisionPanel;
    assert.equal(panel.panel.viewType, DECISION_VIEW_TYPE);
    const shown = panel.shown!;
    const chosen = shown.rows.find((x) => x.kind === 'chosen')!;
    assert.equal(chosen.model, 'deepseek-flash');
    assert.equal(chosen.endpoint, 'endpoint');
    assert.match(chosen.timeOfDay ?? '', WINDOW);
    assert.ok(shown.timeNotes.includes(`deepseek-flash: ${chosen.timeOfDay}`), shown.timeNotes.join('\n'));
    assert.match(shown.priceData?.text ?? '', /^Prices from .+ price data \d+ days? old( \(stale\))?\.$/);
    assert.match(shown.thresholds, /premium ≥ \d+ · standard ≥ \d+ · basic ≥ \d+/);
    assert.ok(shown.rows.length >= 1, 'the candidates are listed');

    // The answer's footer says which window the settled price was in, and until when.
    const api = await costwise();
    assert.match(api.explain.answerView?.footer?.priceWindow ?? '', /^(peak|off-peak) price until (\w{3} \d{4}-\d{2}-\d{2} )?\d{2}:\d{2} UTC$/);
    assert.equal(api.decisions.panel, panel, 'one panel per window');
  });

  it('a newer decision replaces what an open panel shows', async () => {
    const api = await costwise();
    const panel = api.decisions.open();
    const editor = await openDocument(SAMPLE);
    editor.selection = new vscode.Selection(0, 0, 3, 0);
    await setUserSetting('routing.deny', ['deepseek-flash']);
    try {
      await vscode.commands.executeCommand('costwise.explainSelection', { tier: 'basic' });
      const row = await waitFor('the new decision in the panel', () => panel.shown?.rows.find((x) => x.model === 'deepseek-flash' && x.kind === 'rejected'));
      assert.match(row.reason, /deny list/);
    } finally {
      await setUserSetting('routing.deny', undefined);
    }
  });

  it('is restored by its serializer from the state the webview saved, and ignores a forged one', async () => {
    const extensionUri = vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri;
    const panels = new DecisionPanels(extensionUri);
    const saved: DecisionViewData = {
      summary: 'deepseek-flash (endpoint) because it is the cheapest model that meets the basic tier.',
      task: 'explain',
      tier: 'basic',
      thresholds: 'premium ≥ 80 · standard ≥ 72 · basic ≥ 0',
      decidedAt: '2026-11-30 00:00 UTC',
      timeNotes: ['deepseek-flash: off-peak until 01:00 UTC (peak prices from then)'],
      rows: [{ kind: 'chosen', model: 'deepseek-flash', endpoint: 'endpoint', quality: '69.2', expected: '$0.0006', worstCase: '$0.003', reason: 'chosen: cheapest in the basic tier' }],
    };
    const make = () => vscode.window.createWebviewPanel(DECISION_VIEW_TYPE, 'Costwise: Why This Model?', vscode.ViewColumn.Active, { enableScripts: true });
    const restored = panels.revive(make(), saved);
    try {
      assert.deepEqual(restored.shown, saved);
      await waitFor('the restored panel to render', () => (restored.renderedRows === 1 ? true : undefined), 20_000);
    } finally {
      restored.dispose();
    }
    const forged = panels.revive(make(), { ...saved, rows: [{ kind: 'chosen', model: '<img src=x onerror=alert(1)>' }] });
    try {
      assert.equal(forged.shown, undefined);
      await waitFor('the forged panel to render empty', () => (forged.renderedRows === 0 ? true : undefined), 20_000);
    } finally {
      forged.dispose();
      panels.dispose();
    }
  });
});
