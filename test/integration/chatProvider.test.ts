import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { FixtureServer } from '../harness/openAIServer';
import { testModel, tinyModels } from '../harness/testModels';
import { costwise, setUserSetting, waitFor } from './helpers';

const WEATHER: vscode.LanguageModelChatTool = { name: 'get_weather', description: 'Current weather at a place', inputSchema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } };

interface Outcome {
  text: string;
  calls: vscode.LanguageModelToolCallPart[];
  error: Error | undefined;
}

/** One request through VS Code's language-model API, as any extension (or the chat view) would send it. */
async function send(model: vscode.LanguageModelChat, messages: vscode.LanguageModelChatMessage[], options: vscode.LanguageModelChatRequestOptions = {}): Promise<Outcome> {
  const out: Outcome = { text: '', calls: [], error: undefined };
  try {
    const response = await model.sendRequest(messages, options, new vscode.CancellationTokenSource().token);
    for await (const part of response.stream) {
      if (part instanceof vscode.LanguageModelTextPart) out.text += part.value;
      else if (part instanceof vscode.LanguageModelToolCallPart) out.calls.push(part);
    }
  } catch (e) {
    out.error = e as Error;
  }
  return out;
}

async function costwiseModel(id: string): Promise<vscode.LanguageModelChat> {
  return waitFor(`the Costwise model ${id}`, async () => (await vscode.lm.selectChatModels({ vendor: 'costwise', id }))[0], 15_000);
}

describe('Costwise in VS Code chat: a language-model provider (vscode.lm)', function () {
  this.timeout(60_000);
  let openai: FixtureServer;

  before(async () => {
    openai = await new FixtureServer({ apiKey: 'sk-chat', anyModel: 'o4-mini' }).start();
    await setUserSetting('providers.openai', { enabled: true, baseUrl: openai.url });
    await setUserSetting('budget.monthlyUsd', 10);
    await vscode.commands.executeCommand('costwise.setApiKey', { key: 'sk-chat', endpoint: 'openai' });
  });

  after(async () => {
    for (const k of ['providers.openai', 'budget.monthlyUsd', 'budget.perRunUsd']) await setUserSetting(k, undefined);
    await openai.stop();
  });

  it('offers Costwise Auto per tier and the configured models, each priced in its detail', async () => {
    const models = await waitFor('Costwise models with an OpenAI model', async () => {
      const all = await vscode.lm.selectChatModels({ vendor: 'costwise' });
      return all.some((m) => m.family === 'openai') ? all : undefined;
    }, 15_000);
    const names = models.map((m) => m.name);
    for (const t of ['basic', 'standard', 'premium']) assert.ok(names.includes(`Costwise Auto · ${t}`), names.join(', '));
    const concrete = models.find((m) => m.family === 'openai')!;
    // What the picker shows: the price beside the name, tier, score and context on hover.
    const infos = await (await costwise()).chat.provider.provideLanguageModelChatInformation();
    const info = infos.find((i) => i.id === concrete.id)!;
    assert.match(info.detail ?? '', /^\$[\d.]+ in · \$[\d.]+ out \/1M$/);
    assert.match(info.tooltip ?? '', /(basic|standard|premium) tier · score [\d.]+ .* context/);
    assert.equal(info.capabilities.toolCalling, true);
    assert.ok(concrete.maxInputTokens > 1000);
    assert.ok((await concrete.countTokens('function add(a, b) { return a + b; }')) > 5, 'token counts come from the estimator');
  });

  it('Auto · standard answers through the router, and the ledger records it as a chat request', async () => {
    const api = await costwise();
    const model = await costwiseModel('costwise-auto-standard');
    const before = openai.chats.length;
    const out = await send(model, [vscode.LanguageModelChatMessage.User('What does add(a, b) do?')]);
    assert.equal(out.error, undefined, String(out.error));
    assert.equal(out.text, 'This function adds two numbers.');
    assert.equal(openai.chats.length, before + 1);
    const sent = openai.chats.at(-1)!;
    const record = api.chat.provider.last?.result.record;
    assert.ok(record, 'settled');
    assert.equal(record.task, 'chat');
    assert.equal(record.model, sent.body.model, 'the ledger names the model that was called');
    assert.equal(record.usage.source, 'reported');
    assert.ok(record.cost > 0);
    const fold = await api.ledger.fold();
    assert.ok(fold.settled.some((r) => r.id === record.id && r.task === 'chat'));
    assert.ok(!('tools' in sent.body), 'no tools were passed');
    // The (model, effort) pair routing chose is the one called, and the ledger says which.
    assert.equal(sent.body.reasoning_effort, record.effort, 'the chosen effort is sent');
    // Spend by conversation: the record names the conversation (a hash of its start, not its text).
    assert.match(record.conversation ?? '', /^[0-9a-f]{16}$/);
    assert.equal(record.conversation, api.chat.service.book.latest);
    const report = fold.summary().byConversation.find((b) => b.key === record.conversation);
    assert.equal(report?.cost, fold.settled.filter((r) => r.conversation === record.conversation).reduce((n, r) => n + r.cost, 0));
    // Chat has no usage API: Costwise's status bar shows it, by surface.
    await waitFor('the status bar to show chat spend', () => /\| chat \| \d+ \| \$/.test(api.statusBar.tooltip) || undefined);
    await waitFor('the status bar to name the conversation', () => api.statusBar.tooltip.includes(`| conversation ${record.conversation!.slice(0, 8)} |`) || undefined);
  });

  it('Agent requests: tools go out in OpenAI format, the call comes back as a tool-call part, the result goes back as a tool message', async () => {
    const api = await costwise();
    openai.setAnyModel('tool-calls');
    const model = await costwiseModel('costwise-auto-standard');
    const ask = vscode.LanguageModelChatMessage.User('What is the weather in Paris?');
    const first = await send(model, [ask], { tools: [WEATHER], toolMode: vscode.LanguageModelChatToolMode.Auto });
    assert.equal(first.error, undefined, String(first.error));
    assert.deepEqual(first.calls.map((c) => [c.callId, c.name, c.input]), [['call_Wthr01', 'get_weather', { location: 'Paris, FR' }], ['call_Time02', 'get_time', { tz: 'Europe/Paris' }]]);
    assert.deepEqual((openai.chats.at(-1)!.body.tools as Array<{ function: { name: string } }>).map((t) => t.function.name), ['get_weather']);
    // The answer to a typed message is chat, tools offered or not (VS Code's Ask mode offers read-only tools).
    assert.equal(api.chat.provider.last?.result.record?.task, 'chat');

    openai.setAnyModel('o4-mini');
    const second = await send(model, [
      ask,
      vscode.LanguageModelChatMessage.Assistant([first.calls[0]!]),
      vscode.LanguageModelChatMessage.User([new vscode.LanguageModelToolResultPart('call_Wthr01', [new vscode.LanguageModelTextPart('18 °C, cloudy')])]),
    ], { tools: [WEATHER] });
    assert.equal(second.error, undefined, String(second.error));
    const messages = openai.chats.at(-1)!.body.messages as Array<Record<string, unknown>>;
    assert.deepEqual(messages.at(-1), { role: 'tool', tool_call_id: 'call_Wthr01', content: '18 °C, cloudy' });
    assert.deepEqual((messages.at(-2)!.tool_calls as unknown[])[0], { id: 'call_Wthr01', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris, FR"}' } });
    assert.equal(second.text, 'This function adds two numbers.');
    assert.equal(api.chat.provider.last?.result.record?.task, 'agent', 'a step of the tool loop is agent');
  });

  it('the per-run cap stops an agent loop with what it spent; a new message starts a new run', async () => {
    const api = await costwise();
    const model = await costwiseModel('costwise-auto-standard');
    openai.setAnyModel('tool-calls');
    const ask = vscode.LanguageModelChatMessage.User('Loop on the weather in Oslo, please.');
    const first = await send(model, [ask], { tools: [WEATHER] });
    assert.equal(first.error, undefined, String(first.error));
    const spent = api.chat.provider.last!.result.record!.cost;
    const worst = api.chat.service.lastDecision!.decision.chosen!.worstCase;
    // Room for a fresh run's first request, not for this run's spend plus another.
    await setUserSetting('budget.perRunUsd', (worst + Math.floor(spent / 2)) / 1e6);
    const before = openai.chats.length;
    const loop = [ask, vscode.LanguageModelChatMessage.Assistant([first.calls[0]!]), vscode.LanguageModelChatMessage.User([new vscode.LanguageModelToolResultPart(first.calls[0]!.callId, [new vscode.LanguageModelTextPart('rain')])])];
    const stopped = await send(model, loop, { tools: [WEATHER] });
    assert.match(String(stopped.error?.message), /stopped this agent run: it has spent \$[\d.]+ in 1 request/);
    assert.match(String(stopped.error?.message), /costwise\.budget\.perRunUsd/);
    assert.equal(openai.chats.length, before, 'nothing was sent');
    const fresh = await send(model, [...loop, vscode.LanguageModelChatMessage.Assistant('It rains.'), vscode.LanguageModelChatMessage.User('And in Bergen?')], { tools: [WEATHER] });
    assert.equal(fresh.error, undefined, String(fresh.error));
    assert.equal(openai.chats.length, before + 1);
    await setUserSetting('budget.perRunUsd', undefined);
  });

  for (const wire of [
    { family: 'anthropic', setting: 'providers.anthropic', key: 'sk-ant-chat', fixture: 'tool-use', call: ['toolu_01T1x1fJ34qAmk2tNTrN7Up6', 'get_weather', { location: 'San Francisco, CA', unit: 'fahrenheit' }], text: 'Let me check the weather.' },
    { family: 'gemini', setting: 'providers.gemini', key: 'g-chat', fixture: 'function-call', call: [undefined, 'get_weather', { location: 'Tokyo' }], text: "I'll look that up." },
  ] as const) {
    it(`Agent round trip on a model of ${wire.family} picked by name: its wire format both ways, recorded as agent`, async () => {
      const api = await costwise();
      const server = await new FixtureServer({ apiKey: wire.key, anyModel: wire.fixture }).start();
      try {
        await setUserSetting(wire.setting, { enabled: true, baseUrl: server.origin });
        await vscode.commands.executeCommand('costwise.setApiKey', { key: wire.key, endpoint: wire.family });
        const model = await waitFor(`a ${wire.family} model that calls tools`, async () => (await vscode.lm.selectChatModels({ vendor: 'costwise', family: wire.family }))[0], 15_000);
        const ask = vscode.LanguageModelChatMessage.User('Weather, please.');
        const first = await send(model, [ask], { tools: [WEATHER], toolMode: vscode.LanguageModelChatToolMode.Required });
        assert.equal(first.error, undefined, String(first.error));
        assert.equal(first.text, wire.text);
        assert.equal(first.calls.length, 1);
        const call = first.calls[0]!;
        if (wire.call[0]) assert.equal(call.callId, wire.call[0]);
        assert.deepEqual([call.name, call.input], [wire.call[1], wire.call[2]]);
        assert.equal(api.chat.provider.last?.result.record?.task, 'agent');
        assert.equal(api.chat.provider.last?.result.record?.model, model.id, 'a model picked by name is the model called');

        server.setAnyModel(wire.family === 'anthropic' ? 'claude-sonnet-4-5' : 'gemini-2.5-flash');
        const second = await send(model, [ask, vscode.LanguageModelChatMessage.Assistant([call]), vscode.LanguageModelChatMessage.User([new vscode.LanguageModelToolResultPart(call.callId, [new vscode.LanguageModelTextPart('sunny')])])], { tools: [WEATHER] });
        assert.equal(second.error, undefined, String(second.error));
        const body = server.chats.at(-1)!.body as { messages?: Array<{ content: unknown }>; contents?: Array<{ parts: unknown[] }> };
        if (wire.family === 'anthropic') assert.deepEqual((body.messages!.at(-1)!.content as unknown[])[0], { type: 'tool_result', tool_use_id: call.callId, content: 'sunny' });
        else assert.deepEqual(body.contents!.at(-1)!.parts[0], { functionResponse: { id: call.callId, name: 'get_weather', response: { output: 'sunny' } } });
      } finally {
        await setUserSetting(wire.setting, undefined);
        await server.stop();
      }
    });
  }

  it('past the monthly limit the request is refused with a clear message and nothing is sent', async () => {
    openai.setAnyModel('o4-mini');
    const model = await costwiseModel('costwise-auto-standard');
    await setUserSetting('budget.monthlyUsd', 0);
    const before = openai.chats.length;
    const out = await send(model, [vscode.LanguageModelChatMessage.User('Explain closures.')]);
    assert.match(String(out.error?.message), /Costwise did not send the request: .*costwise\.budget/);
    assert.equal(openai.chats.length, before);
    await setUserSetting('budget.monthlyUsd', 10);
  });

  it('local-only with the embedded model: Auto · basic answers from real llama.cpp, recorded as a local chat request', async function () {
    this.timeout(120_000);
    const api = await costwise();
    const { SCRIPTED } = await tinyModels();
    const local = { 'privacy.localOnly': true, 'local.modelPath': await testModel('scripted'), 'local.threads': 1, 'local.contextSize': 2048, 'local.discovery': false };
    try {
      for (const [k, v] of Object.entries(local)) await setUserSetting(k, v);
      const model = await costwiseModel('costwise-auto-basic');
      const before = openai.chats.length;
      const out = await send(model, [vscode.LanguageModelChatMessage.User('What does id(x) do?')]);
      assert.equal(out.error, undefined, `${String(out.error)} events: ${api.local.recentEvents.join(' | ')}`);
      // The scripted model's answer, its reasoning folded away (chat shows answer text only).
      assert.equal(out.text.trim(), SCRIPTED.answer);
      assert.equal(openai.chats.length, before, 'nothing went to a remote model');
      const record = api.chat.provider.last?.result.record;
      assert.ok(record, 'settled');
      assert.deepEqual([record.task, record.provider, record.model, record.usage.source], ['chat', 'local', 'costwise-scripted-r1-distill-qwen-1.5b-v1', 'reported']);
      // Local answers cost no API money: only the energy of the generation time (a few micro-dollars, never $0).
      assert.ok(record.cost >= 1 && record.cost < 100, `energy cost ${record.cost}`);
      assert.ok((await api.ledger.fold()).settled.some((r) => r.id === record.id && r.provider === 'local' && r.task === 'chat'));
    } finally {
      for (const k of Object.keys(local)) await setUserSetting(k, undefined);
      api.local.runtime(api.settings.current().settings); // stops the runtime: later suites must not find it
    }
  });
});
