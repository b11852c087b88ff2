import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EMPTY_EXPLAIN_VIEW } from '../../src/shared/explainProtocol';
import { EXPLAIN_VIEW_TYPE, ExplainPanel } from '../../src/vscode/explainPanel';
import { EXTENSION_ID } from './helpers';

describe('the explanation panel restored after a reload', () => {
  const extensionUri = () => vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri;
  const revive = (state: unknown) => ExplainPanel.revive(vscode.window.createWebviewPanel(EXPLAIN_VIEW_TYPE, 'Costwise: Explanation', vscode.ViewColumn.Two, { enableScripts: true }), extensionUri(), state, () => undefined);

  it('an answer that was still streaming says it was interrupted, keeping what had arrived', () => {
    const p = revive({ ...EMPTY_EXPLAIN_VIEW, title: 'add.js (selection)', model: 'deepseek-reasoner', reasoning: 'The user wants', text: 'add(a, b) returns', running: true });
    try {
      assert.equal(p.view.running, false);
      assert.equal(p.view.text, 'add(a, b) returns');
      assert.equal(p.view.reasoning, 'The user wants');
      assert.match(p.view.error ?? '', /interrupted: the window was reloaded or closed before it finished.*Explain the selection again/);
    } finally {
      p.dispose();
    }
  });

  it('a finished answer comes back as it was, and a failed one keeps its own error', () => {
    const footer = { cost: '$0.000036', model: 'deepseek-reasoner', tier: 'standard', inputTokens: 120, outputTokens: 45, reasoningTokens: 12, estimated: false };
    const done = revive({ ...EMPTY_EXPLAIN_VIEW, title: 't', model: 'm', text: 'whole answer', footer, running: false });
    const failed = revive({ ...EMPTY_EXPLAIN_VIEW, title: 't', model: 'm', text: '', error: 'HTTP 500', running: false });
    try {
      assert.equal(done.view.error, undefined);
      assert.deepEqual(done.view.footer, footer);
      assert.equal(failed.view.error, 'HTTP 500');
    } finally {
      done.dispose();
      failed.dispose();
    }
  });
});
