import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserSession } from '../harness/browser';
import type { CodeServer } from '../harness/codeServer';
import { FixtureServer, type RecordedRequest } from '../harness/openAIServer';
import { answerAfter, answers, ask, chooseMode, closeModalEditor, editSetting, INPUT, lastUserText, ledger, pickModel, send, setKey, SPEND } from './chatView';
import { freshWorkspace, openFile, openVsixWorkbench, poll, runCommand, selectAll, SHOTS, statusBarItem } from './workbench';
import { anthropicStream, geminiStream, openAIStream } from '../harness/wireStreams';
import { testModel, tinyModels } from '../harness/testModels';

describe('e2e: Costwise in VS Code’s chat (code-server + Chromium)', function () {
  this.timeout(240_000);
  let server: FixtureServer;
  let anthropic: FixtureServer;
  let gemini: FixtureServer;
  let cs: CodeServer;
  let browser: BrowserSession;
  let workspace: string;

  before(async () => {
    server = await new FixtureServer({ apiKey: 'sk-e2e-chat', anyModel: 'o4-mini' }).start();
    anthropic = await new FixtureServer({ apiKey: 'sk-ant-e2e', anyModel: 'claude-sonnet-4-5' }).start();
    gemini = await new FixtureServer({ apiKey: 'g-e2e', anyModel: 'gemini-2.5-flash' }).start();
    const fresh = freshWorkspace('e2e-chat');
    workspace = fresh.workspace;
    ({ cs, browser } = await openVsixWorkbench({
      ...fresh,
      userSettings: {
        'chat.disableAIFeatures': false,
        'workbench.secondarySideBar.defaultVisibility': 'visible',
        'costwise.providers.openai': { enabled: true, baseUrl: server.url },
        // Their keys are set only for the Agent round trips in their wire formats.
        'costwise.providers.anthropic': { enabled: true, baseUrl: anthropic.origin },
        'costwise.providers.gemini': { enabled: true, baseUrl: gemini.origin },
        // Flat-priced models only, so costs are exact at any hour: Auto · standard picks gpt-6-luna (79.0).
        'costwise.routing.allow': ['gpt-6-luna', 'gpt-6-sol', 'claude-sonnet-5', 'gemini-3.8-flash'],
        'costwise.budget.monthlyUsd': 5,
        'costwise.budget.perRunUsd': 0.5,
        'costwise.local.discovery': false,
      },
    }));
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && browser) {
      await browser.page.screenshot({ path: join(SHOTS, `failed-chat-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}.png`) }).catch(() => undefined);
      const html = await browser.page.locator('.interactive-input-part').first().innerHTML().catch(() => '');
      writeFileSync(join(SHOTS, 'failed-chat-input.html'), html);
    }
  });

  after(async () => {
    await browser?.close();
    await cs?.stop();
    await server?.stop();
    await anthropic?.stop();
    await gemini?.stop();
  });

  it('Costwise Auto · standard, picked in the model picker, answers in Ask mode; the ledger records a chat request and the status bar moves', async () => {
    const page = browser.page;
    await setKey(page, 'openai', 'sk-e2e-chat');
    // Chat's default agent (the built-in Copilot extension) loads on demand: Manage Language Models loads it offline.
    await runCommand(page, 'Chat: Manage Language Models');
    // It lists Costwise's models: Auto per tier, and only the concrete models costwise.routing.allow lets routing use.
    const list = await poll('Costwise’s models in Language Models', async () => {
      const t = await page.locator('.monaco-modal-editor-block').first().innerText({ timeout: 1000 });
      return t.includes('gpt-6-sol') ? t : undefined;
    }, 60_000);
    for (const name of ['Costwise Auto · basic', 'Costwise Auto · standard', 'Costwise Auto · premium', 'gpt-6-luna']) assert.ok(list.includes(name), `${name} in ${list}`);
    assert.doesNotMatch(list, /gpt-5\.|gpt-6-astra/, 'models outside the allow list are not offered');
    await closeModalEditor(page);
    await page.locator(INPUT).first().waitFor({ state: 'visible', timeout: 60_000 });

    await pickModel(page, 'Costwise Auto · standard');
    await chooseMode(page, 'Ask');
    await page.screenshot({ path: join(SHOTS, 'e2e-chat-model-picked.png') });

    const spendBefore = await statusBarItem(page, SPEND).innerText();
    // The answer's first words arrive, then the server holds the stream: the chat shows them while it streams.
    server.hold(2);
    const n = await send(page, 'What does add(a, b) do?');
    await server.whenHeld(1);
    await poll('the first words while the answer streams', async () => {
      const a = (await answers(page)).find((x) => x.row > n);
      return a?.loading && a.text.includes('This function') ? true : undefined;
    });
    server.release();
    const answer = await answerAfter(page, n, 'the whole answer');
    assert.match(answer, /This function adds two numbers\./);
    const asked = server.chats.filter((r) => lastUserText(r).includes('What does add(a, b) do?'));
    assert.equal(asked.length, 1, 'one request for the question');
    assert.equal(asked[0]!.body.model, 'gpt-6-luna');
    assert.equal(asked[0]!.authorization, 'Bearer sk-e2e-chat');
    const record = await poll('the chat request in the ledger', async () => ledger(cs).find((r) => r.kind === 'settle' && r.task === 'chat'));
    assert.equal(record.model, 'gpt-6-luna');
    // o4-mini.sse reports 2,000 prompt tokens (1,024 cached) and 900 out: 976 x 0.10 + 1,024 x 0.01 + 900 x 0.50 = 557.84 micro-dollars.
    assert.equal(record.cost, 558);
    const status = await poll('the status bar to move', async () => {
      const t = await statusBarItem(page, SPEND).innerText();
      return t !== spendBefore ? t : undefined;
    });
    assert.match(status, /\$0\.000558 · \$0\.000558 \/ \$5\.00/);
    await page.screenshot({ path: join(SHOTS, 'e2e-chat-answer.png') });
  });

  it('@costwise /explain explains the selection with a cost footer; /cost shows the month by surface', async () => {
    const page = browser.page;
    await openFile(page, 'sample.js');
    await selectAll(page);
    const before = server.chats.length;
    const explained = await ask(page, '@costwise /explain');
    assert.match(explained, /This function adds two numbers\./);
    assert.match(explained, /gpt-6-luna · standard · \d+ in \/ \d+ out tokens · \$0\.000558/);
    assert.equal(server.chats.length, before + 1);
    assert.match(lastUserText(server.chats.at(-1)!), /return a \+ b;/);
    assert.ok(ledger(cs).some((r) => r.kind === 'settle' && r.task === 'explain'));

    const cost = await ask(page, '@costwise /cost');
    assert.match(cost, /This month \(\d{4}-\d{2}\): \$0\.001116 in 2 requests/);
    assert.match(cost, /chat\s+2\s/, 'the Ask question and /explain, both asked in chat');
    assert.match(cost, /no model was called, \$0\.00/);
  });

  it('Agent mode: the model asks for VS Code’s read_file tool, VS Code runs it, and the result goes back in OpenAI’s format', async () => {
    const page = browser.page;
    const file = join(workspace, 'sample.js');
    server.setResponder((r) => {
      const body = r.body as { tools?: Array<{ function: { name: string } }>; messages?: Array<{ role: string }> };
      if (!body.tools?.length) return undefined; // anything else Chat asks for (a title): the recorded fixture
      if (body.messages?.at(-1)?.role === 'tool') return openAIStream({ text: 'sample.js defines add(a, b), which returns a + b.', usage: { prompt: 3000, completion: 20 } });
      return openAIStream({ toolCall: { id: 'call_read01', name: 'read_file', input: { filePath: file, startLine: 1, endLine: 3 } }, usage: { prompt: 3000, completion: 30 } });
    });
    try {
      await chooseMode(page, 'Agent');
      const before = server.chats.length;
      const answer = await ask(page, 'What is in sample.js?');
      const agent = server.chats.slice(before).filter((r) => (r.body.tools as unknown[] | undefined)?.length);
      const names = (agent[0]?.body.tools as Array<{ function: { name: string } }> | undefined)?.map((t) => t.function.name) ?? [];
      assert.ok(names.includes('read_file'), `VS Code offered read_file (offered: ${names.join(', ')})`);
      assert.equal(agent.length, 2, 'the tool call, then the answer with its result');
      const messages = agent[1]!.body.messages as Array<{ role: string; tool_call_id?: string; content?: unknown; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }> }>;
      const call = messages.find((m) => m.role === 'assistant' && m.tool_calls?.length)?.tool_calls?.[0];
      assert.deepEqual([call?.id, call?.function.name, JSON.parse(call?.function.arguments ?? '{}')], ['call_read01', 'read_file', { filePath: file, startLine: 1, endLine: 3 }]);
      const result = messages.find((m) => m.role === 'tool');
      assert.equal(result?.tool_call_id, 'call_read01');
      assert.match(JSON.stringify(result?.content), /return a \+ b;/, 'VS Code read the file and the result reached the server');
      assert.match(answer, /sample\.js defines add\(a, b\), which returns a \+ b\./);
      // 3,000 x 0.10 + 30 x 0.50 = 315 micro-dollars for the answer to the typed message (chat), and
      // 3,000 x 0.10 + 20 x 0.50 = 310 for the step that carried the tool result (agent).
      const records = await poll('both requests of the run in the ledger', async () => {
        const all = ledger(cs).filter((r) => r.kind === 'settle');
        return all.at(-1)?.task === 'agent' ? all.slice(-2) : undefined;
      });
      assert.deepEqual(records.map((r) => [r.task, r.model, r.cost]), [['chat', 'gpt-6-luna', 315], ['agent', 'gpt-6-luna', 310]]);
      await page.screenshot({ path: join(SHOTS, 'e2e-chat-agent-tool.png') });
    } finally {
      server.setResponder(undefined);
    }
  });

  it('a per-run cap stops a looping agent and says what the run spent', async () => {
    const page = browser.page;
    const file = join(workspace, 'sample.js');
    // Each round costs 250,000 x 0.10 + 30,000 x 0.50 = 40,000 micro-dollars; the cap of $0.08 admits the
    // second round (its worst case is a few thousand) and never a third.
    await editSetting(page, '"costwise.budget.perRunUsd": 0.5', '"costwise.budget.perRunUsd": 0.08');
    let round = 0;
    server.setResponder((r) => ((r.body.tools as unknown[] | undefined)?.length ? openAIStream({ toolCall: { id: `call_loop${++round}`, name: 'read_file', input: { filePath: file, startLine: 1, endLine: 3 } }, usage: { prompt: 250_000, completion: 30_000 } }) : undefined));
    try {
      await poll('the cap to be read', async () => {
        const budget = await ask(page, '@costwise /budget');
        return budget.includes('$0.08') || undefined;
      });
      await chooseMode(page, 'Agent');
      const before = server.chats.length;
      const answer = await ask(page, 'Keep reading sample.js until it changes.');
      assert.match(answer, /Costwise stopped this agent run: it has spent \$0\.08 in 2 requests/);
      assert.match(answer, /costwise\.budget\.perRunUsd/);
      assert.equal(server.chats.slice(before).filter((r) => (r.body.tools as unknown[] | undefined)?.length).length, 2, 'the third round was never sent');
      await page.screenshot({ path: join(SHOTS, 'e2e-chat-run-cap.png') });
    } finally {
      server.setResponder(undefined);
      await editSetting(page, '"costwise.budget.perRunUsd": 0.08', '"costwise.budget.perRunUsd": 0.5');
    }
  });

  for (const wire of [
    { family: 'anthropic', key: 'sk-ant-e2e', model: 'claude-sonnet-5', server: () => anthropic },
    { family: 'gemini', key: 'g-e2e', model: 'gemini-3.8-flash', server: () => gemini },
  ] as const) {
    it(`Agent mode on ${wire.model}, picked by name: read_file's call and result travel in ${wire.family}'s wire format`, async () => {
      const page = browser.page;
      const fixture = wire.server();
      const file = join(workspace, 'sample.js');
      const call = { id: `${wire.family}_read01`, name: 'read_file', input: { filePath: file, startLine: 1, endLine: 3 } };
      const usage = { prompt: 3000, completion: 30 };
      const stream = wire.family === 'anthropic' ? anthropicStream : geminiStream;
      // Anthropic: a tool_result block in the last user turn; Gemini: a functionResponse part in the last turn.
      const resultIn = (r: RecordedRequest): unknown => {
        const b = r.body as { messages?: Array<{ content: unknown }>; contents?: Array<{ parts: Array<Record<string, unknown>> }> };
        if (wire.family === 'anthropic') return (Array.isArray(b.messages?.at(-1)?.content) ? (b.messages!.at(-1)!.content as Array<{ type: string }>) : []).find((p) => p.type === 'tool_result');
        return b.contents?.at(-1)?.parts.find((p) => 'functionResponse' in p);
      };
      const offersTools = (r: RecordedRequest) => Array.isArray(r.body.tools) && (r.body.tools as unknown[]).length > 0;
      fixture.setResponder((r) => (!offersTools(r) ? undefined : resultIn(r) ? stream({ text: 'sample.js defines add(a, b).', usage }) : stream({ toolCall: call, usage })));
      try {
        await setKey(page, wire.family, wire.key);
        await pickModel(page, wire.model);
        await chooseMode(page, 'Agent');
        const before = fixture.chats.length;
        const answer = await ask(page, `Read sample.js with ${wire.model}.`);
        assert.match(answer, /sample\.js defines add\(a, b\)\./);
        const sent = fixture.chats.slice(before).filter(offersTools);
        assert.equal(sent.length, 2, 'the tool call, then the answer with its result');
        const names = JSON.stringify(sent[0]!.body.tools);
        assert.match(names, /"read_file"/, 'VS Code’s read_file was offered in this format');
        const result = resultIn(sent[1]!) as Record<string, unknown> | undefined;
        if (wire.family === 'anthropic') assert.equal(result?.tool_use_id, call.id);
        else assert.deepEqual([(result?.functionResponse as { id?: string; name?: string })?.id, (result?.functionResponse as { name?: string })?.name], [call.id, 'read_file']);
        assert.match(JSON.stringify(result), /return a \+ b;/, 'VS Code read the file and the result reached the server');
        const records = await poll('the tool-loop step in the ledger', async () => {
          const all = ledger(cs).filter((r) => r.kind === 'settle');
          return all.at(-1)?.task === 'agent' && all.at(-1)?.model === wire.model ? all.slice(-2) : undefined;
        });
        assert.deepEqual(records.map((r) => [r.task, r.provider, r.model]), [['chat', wire.family, wire.model], ['agent', wire.family, wire.model]]);
        await page.screenshot({ path: join(SHOTS, `e2e-chat-agent-${wire.family}.png`) });
      } finally {
        fixture.setResponder(undefined);
      }
    });
  }

  it('past the monthly budget the chat shows the refusal and the server receives nothing', async () => {
    const page = browser.page;
    await editSetting(page, '"costwise.budget.monthlyUsd": 5', '"costwise.budget.monthlyUsd": 0');
    await poll('the $0 budget to apply', async () => (await statusBarItem(page, SPEND).innerText()).includes('/ $0.00'));
    await chooseMode(page, 'Ask');
    const before = server.chats.length + anthropic.chats.length + gemini.chats.length;
    const answer = await ask(page, 'Explain closures.');
    assert.match(answer, /Costwise did not send the request/);
    assert.match(answer, /costwise\.budget/);
    assert.equal(server.chats.length + anthropic.chats.length + gemini.chats.length, before, 'nothing was sent');
    await page.screenshot({ path: join(SHOTS, 'e2e-chat-refused.png') });
  });

  it('local-only: @costwise /explain is answered in the chat by the VSIX’s embedded llama.cpp model, nothing sent, energy on the record', async () => {
    const page = browser.page;
    // (The monthly budget is still $0: local models are not charged against money budgets.)
    const model = JSON.stringify(await testModel('scripted'));
    await editSetting(page, '"costwise.local.discovery": false', `"costwise.local.discovery": false, "costwise.privacy.localOnly": true, "costwise.local.modelPath": ${model}, "costwise.local.threads": 1`);
    // The allow list applies to local models too: the embedded model joins it.
    await editSetting(page, '"gpt-6-luna",', '"gpt-6-luna", "costwise-scripted-r1-distill-qwen-1.5b-v1",');
    // sample.js from the Explorer, so the selection there (not settings.json) is what chat attaches.
    await runCommand(page, 'View: Close All Editors');
    await poll('sample.js open from the Explorer', async () => {
      await page.locator('.explorer-folders-view .monaco-list-row[aria-label^="sample.js"]').first().click();
      return page.locator('.tabs-container .tab.active[aria-label*="sample.js"]').first().isVisible();
    });
    await selectAll(page);
    const before = server.chats.length + anthropic.chats.length + gemini.chats.length;
    const settled = ledger(cs).filter((r) => r.kind === 'settle').length;
    const n = await send(page, '@costwise /explain');
    const answer = await answerAfter(page, n, 'the embedded model’s answer in the chat', 120_000);
    const { SCRIPTED } = await tinyModels();
    assert.ok(answer.includes(SCRIPTED.answer.trim()), answer);
    assert.match(answer, /Local-only mode is on, so the local model answered at the basic tier \(below the standard tier asked for\)/);
    // What chat attached to the request: the selection in sample.js (not a settings file).
    assert.ok(await page.locator('.interactive-list').getByText(/^sample\.js:1-\d+$/).first().isVisible(), 'the selection in sample.js was attached');
    assert.match(answer, /costwise-scripted-r1-distill-qwen-1\.5b-v1 · basic · \d+ in \/ \d+ out tokens · \$0\.0000\d+/, 'priced by energy, never $0');
    assert.equal(server.chats.length + anthropic.chats.length + gemini.chats.length, before, 'nothing left the machine');
    const record = await poll('the local request in the ledger', async () => ledger(cs).filter((r) => r.kind === 'settle').slice(settled).find((r) => r.provider === 'local'));
    assert.deepEqual([record.task, record.model], ['explain', 'costwise-scripted-r1-distill-qwen-1.5b-v1']);
    await page.screenshot({ path: join(SHOTS, 'e2e-chat-embedded.png') });
  });
});
