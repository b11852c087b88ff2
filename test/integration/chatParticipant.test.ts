import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ParticipantMetadata } from '../../src/vscode/chat/costwiseParticipant';
import { FixtureServer } from '../harness/openAIServer';
import { costwise, openDocument, setUserSetting } from './helpers';

/** Sends a query through VS Code's chat (as if typed in the Chat view) and returns the participant's result. */
async function chat(query: string): Promise<{ metadata?: ParticipantMetadata; errorDetails?: { message: string } }> {
  const result = vscode.commands.executeCommand('workbench.action.chat.open', { query, mode: 'ask', blockOnResponse: true, isPartialQuery: false });
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no chat answer to "${query}" within 30 s`)), 30_000));
  return (await Promise.race([result, timeout])) as { metadata?: ParticipantMetadata; errorDetails?: { message: string } };
}

describe('@costwise in VS Code chat', function () {
  this.timeout(90_000);
  let openai: FixtureServer;

  before(async () => {
    openai = await new FixtureServer({ apiKey: 'sk-part', anyModel: 'o4-mini' }).start();
    await setUserSetting('providers.openai', { enabled: true, baseUrl: openai.url });
    await setUserSetting('budget.monthlyUsd', 10);
    await vscode.commands.executeCommand('costwise.setApiKey', { key: 'sk-part', endpoint: 'openai' });
    await vscode.workspace.getConfiguration('chat').update('disableAIFeatures', false, vscode.ConfigurationTarget.Global);
    await costwise();
  });

  after(async () => {
    await vscode.workspace.getConfiguration('chat').update('disableAIFeatures', undefined, vscode.ConfigurationTarget.Global);
    for (const k of ['providers.openai', 'budget.monthlyUsd']) await setUserSetting(k, undefined);
    await openai.stop();
  });

  it('/explain explains the selection through the router, streams it into the chat with a cost footer, and records it', async () => {
    const api = await costwise();
    const editor = await openDocument('function add(a, b) {\n  return a + b;\n}\n');
    editor.selection = new vscode.Selection(0, 0, 3, 0);
    const before = openai.chats.length;
    const r = await chat('@costwise /explain');
    assert.equal(r.errorDetails, undefined, r.errorDetails?.message);
    assert.equal(openai.chats.length, before + 1);
    const sent = openai.chats.at(-1)!.body.messages as Array<{ content: string }>;
    assert.match(sent[1]!.content, /return a \+ b;/);
    assert.match(r.metadata!.markdown, /^This function adds two numbers\.\n\n---\n\*.+ · standard · \d+ in \/ \d+ out tokens · \$[\d.]+\*$/);
    const fold = await api.ledger.fold();
    const record = fold.settled.find((x) => x.id === r.metadata!.recordId);
    assert.equal(record?.task, 'explain');
    assert.equal(record?.cost, r.metadata!.cost);
  });

  it('/cost shows this conversation and the month by surface and model; /budget the limits; /why the last decision', async () => {
    const cost = await chat('@costwise /cost');
    assert.equal(cost.errorDetails, undefined, cost.errorDetails?.message);
    assert.match(cost.metadata!.markdown, /This month \(\d{4}-\d{2}\)\*\*: \$[\d.]+ in \d+ requests?/);
    // The /explain above was asked in chat: it counts under chat, not the panel.
    assert.match(cost.metadata!.markdown, /\| surface \| requests \| cost \|[\s\S]*\| chat \| \d+ \|/);
    assert.match(cost.metadata!.markdown, /no model was called, \$0\.00/);
    const budget = await chat('@costwise /budget');
    assert.match(budget.metadata!.markdown, /\| monthly \$10\.00 \| \$[\d.]+ \| \$[\d.]+ \| `costwise\.budget\.monthlyUsd`/);
    assert.match(budget.metadata!.markdown, /at most \$0\.50 \(`costwise\.budget\.perRunUsd`\)/);
    const why = await chat('@costwise /why');
    assert.match(why.metadata!.markdown, /\*\*Why this model\? \(the last chat request\)\*\*[\s\S]*Tier standard \(premium ≥ 80 · standard ≥ 72 · basic ≥ 0\)[\s\S]*→ `[^`]+`/);
  });

  it('a refusal at the limit shows as the answer’s error and sends nothing', async () => {
    await openDocument('const x = 1;\n');
    await setUserSetting('budget.monthlyUsd', 0);
    const before = openai.chats.length;
    const r = await chat('@costwise /explain');
    assert.match(r.errorDetails?.message ?? '', /Costwise did not send the request/);
    assert.equal(openai.chats.length, before);
    await setUserSetting('budget.monthlyUsd', 10);
  });
});
