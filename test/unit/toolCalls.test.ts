import * as assert from 'node:assert/strict';
import type { ChatEvent, ChatMessage, ChatProvider, ChatRequest, ToolSpec } from '../../src/core/chat/chatProvider';
import { requestText } from '../../src/core/chat/requestText';
import { AnthropicProvider } from '../../src/providers/anthropic';
import { GeminiProvider } from '../../src/providers/gemini';
import { toAnthropicMessages } from '../../src/providers/anthropicTools';
import { PLACEHOLDER_SIGNATURE, toGeminiContents } from '../../src/providers/geminiTools';
import { toOpenAIMessages } from '../../src/providers/openAITools';
import { OpenAICompatibleProvider } from '../../src/providers/openAICompatible';
import { FixtureServer, type FixtureServerOptions } from '../harness/openAIServer';

const noWait = { sleep: async () => undefined };
const WEATHER: ToolSpec = { name: 'get_weather', description: 'Current weather at a place', inputSchema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } };
const TIME: ToolSpec = { name: 'get_time', description: 'Local time in a zone', inputSchema: { type: 'object', properties: { tz: { type: 'string' } } } };

/** A conversation one tool round trip in: the user asked, the model called, the tool answered. */
const ROUND_TRIP: ChatMessage[] = [
  { role: 'system', content: 'You are a helpful agent.' },
  { role: 'user', content: 'What is the weather in Paris?' },
  { role: 'assistant', content: 'Checking.', toolCalls: [{ id: 'call_prev1', name: 'get_weather', input: { location: 'Paris' } }] },
  { role: 'user', content: '', toolResults: [{ callId: 'call_prev1', content: '18 °C, cloudy' }] },
];

async function collect(p: ChatProvider, request: Partial<ChatRequest> & { model: string }): Promise<ChatEvent[]> {
  const out: ChatEvent[] = [];
  const full: ChatRequest = { messages: ROUND_TRIP, maxOutputTokens: 1024, tools: [WEATHER, TIME], ...request };
  for await (const e of p.stream(full, new AbortController().signal)) out.push(e);
  return out;
}
const calls = (es: ChatEvent[]) => es.flatMap((e) => (e.type === 'toolCall' ? [e.call] : []));
const text = (es: ChatEvent[]) => es.flatMap((e) => (e.type === 'text' ? [e.text] : [])).join('');
const last = (es: ChatEvent[]) => es[es.length - 1]!;
const errorOf = (es: ChatEvent[]) => {
  const e = last(es);
  assert.equal(e.type, 'error', JSON.stringify(e));
  assert.equal(es.filter((x) => x.type === 'error').length, 1);
  return (e as Extract<ChatEvent, { type: 'error' }>).error;
};

describe('Tool calls: OpenAI chat completions (streamed tool_calls deltas)', () => {
  let server: FixtureServer;
  const start = async (o: FixtureServerOptions) => (server = await new FixtureServer({ apiKey: 'sk-test', ...o }).start());
  const provider = () => new OpenAICompatibleProvider({ id: 'openai', baseUrl: server.url, apiKey: 'sk-test', ...noWait });
  afterEach(() => server.stop());

  it('assembles two parallel calls from index/id/argument fragments, and sends tools, calls and results in the wire format', async () => {
    await start({ fixtures: { 'gpt-5.4-mini': 'tool-calls' } });
    const es = await collect(provider(), { model: 'gpt-5.4-mini', toolMode: 'required' });
    assert.deepEqual(calls(es), [
      { id: 'call_Wthr01', name: 'get_weather', input: { location: 'Paris, FR' } },
      { id: 'call_Time02', name: 'get_time', input: { tz: 'Europe/Paris' } },
    ]);
    assert.deepEqual(last(es), { type: 'done', finishReason: 'tool_calls', model: 'gpt-5.4-mini-2026-03-17' });
    const body = server.chats[0]!.body;
    assert.deepEqual(body.tools, [
      { type: 'function', function: { name: 'get_weather', description: WEATHER.description, parameters: WEATHER.inputSchema } },
      { type: 'function', function: { name: 'get_time', description: TIME.description, parameters: TIME.inputSchema } },
    ]);
    assert.equal(body.tool_choice, 'required');
    assert.deepEqual(body.messages, [
      { role: 'system', content: 'You are a helpful agent.' },
      { role: 'user', content: 'What is the weather in Paris?' },
      { role: 'assistant', content: 'Checking.', tool_calls: [{ id: 'call_prev1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_prev1', content: '18 °C, cloudy' },
    ]);
  });

  it('arguments that are not JSON end in one clean stream error, with no call passed on', async () => {
    await start({ fixtures: { 'gpt-5.4-mini': 'tool-calls-bad-json' } });
    const es = await collect(provider(), { model: 'gpt-5.4-mini' });
    assert.equal(calls(es).length, 0);
    assert.match(errorOf(es).message, /get_weather.*not valid JSON/);
  });

  it('a stream cut in the middle of a call is an error, never a half call', async () => {
    await start({ fixtures: { 'gpt-5.4-mini': 'tool-calls-cut' }, cut: ['tool-calls-cut'] });
    server.cutWhenSent();
    const es = await collect(provider(), { model: 'gpt-5.4-mini' });
    assert.equal(calls(es).length, 0);
    const err = errorOf(es);
    assert.equal(err.billable, true);
  });

  it('no tools: the request carries no tools field', async () => {
    await start({ fixtures: { 'o4-mini': 'o4-mini' } });
    const es = await collect(provider(), { model: 'o4-mini', tools: [], messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(last(es).type, 'done');
    assert.equal('tools' in server.chats[0]!.body, false);
    assert.equal('tool_choice' in server.chats[0]!.body, false);
  });
});

describe('Tool calls: Anthropic Messages (tool_use blocks, input_json_delta)', () => {
  let server: FixtureServer;
  const start = async (o: FixtureServerOptions) => (server = await new FixtureServer({ apiKey: 'sk-ant-test', ...o }).start());
  const provider = () => new AnthropicProvider({ id: 'anthropic', baseUrl: server.origin, apiKey: 'sk-ant-test', ...noWait });
  afterEach(() => server.stop());

  it('streams text, then one tool_use assembled from partial_json; sends tool_use/tool_result blocks; no thinking with tools', async () => {
    await start({ fixtures: { 'claude-haiku-4-5': 'tool-use' } });
    const es = await collect(provider(), { model: 'claude-haiku-4-5', toolMode: 'required', reasoningEffort: 'high', maxOutputTokens: 8000 });
    assert.equal(text(es), 'Let me check the weather.');
    assert.deepEqual(calls(es), [{ id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', input: { location: 'San Francisco, CA', unit: 'fahrenheit' } }]);
    assert.deepEqual(last(es), { type: 'done', finishReason: 'tool_use', model: 'claude-haiku-4-5-20251001' });
    assert.equal(es.findIndex((e) => e.type === 'text') < es.findIndex((e) => e.type === 'toolCall'), true);
    const body = server.chats[0]!.body;
    assert.equal(body.system, 'You are a helpful agent.');
    assert.deepEqual(body.tools, [
      { name: 'get_weather', description: WEATHER.description, input_schema: WEATHER.inputSchema },
      { name: 'get_time', description: TIME.description, input_schema: TIME.inputSchema },
    ]);
    assert.deepEqual(body.tool_choice, { type: 'any' });
    assert.equal('thinking' in body, false);
    assert.deepEqual(body.messages, [
      { role: 'user', content: 'What is the weather in Paris?' },
      { role: 'assistant', content: [{ type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 'call_prev1', name: 'get_weather', input: { location: 'Paris' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_prev1', content: '18 °C, cloudy' }] },
    ]);
  });

  it('a stream cut inside a tool_use block is one error, with the usage so far and no call', async () => {
    await start({ fixtures: { 'claude-haiku-4-5': 'tool-use-cut' }, cut: ['tool-use-cut'] });
    server.cutWhenSent();
    const es = await collect(provider(), { model: 'claude-haiku-4-5' });
    assert.equal(calls(es).length, 0);
    const err = errorOf(es);
    assert.equal(err.usage?.inputTokens, 472);
  });
});

describe('Tool calls: Gemini (functionCall / functionResponse)', () => {
  let server: FixtureServer;
  const start = async (o: FixtureServerOptions) => (server = await new FixtureServer({ apiKey: 'g-test', ...o }).start());
  const provider = () => new GeminiProvider({ id: 'gemini', baseUrl: server.origin, apiKey: 'g-test', ...noWait });
  afterEach(() => server.stop());

  it('a functionCall part becomes a tool call; results go back as functionResponse under the call name; signatures round-trip', async () => {
    await start({ fixtures: { 'gemini-2.5-flash': 'function-call' } });
    const es = await collect(provider(), { model: 'gemini-2.5-flash', toolMode: 'required' });
    assert.equal(text(es), "I'll look that up.");
    const [call] = calls(es);
    assert.equal(call?.name, 'get_weather');
    assert.deepEqual(call?.input, { location: 'Tokyo' });
    assert.equal(last(es).type, 'done');
    const body = server.chats[0]!.body as { contents: unknown; tools: unknown; toolConfig: unknown; systemInstruction: unknown };
    assert.deepEqual(body.tools, [{ functionDeclarations: [
      { name: 'get_weather', description: WEATHER.description, parametersJsonSchema: WEATHER.inputSchema },
      { name: 'get_time', description: TIME.description, parametersJsonSchema: TIME.inputSchema },
    ] }]);
    assert.deepEqual(body.toolConfig, { functionCallingConfig: { mode: 'ANY' } });
    assert.deepEqual(body.contents, [
      { role: 'user', parts: [{ text: 'What is the weather in Paris?' }] },
      { role: 'model', parts: [{ text: 'Checking.' }, { functionCall: { id: 'call_prev1', name: 'get_weather', args: { location: 'Paris' } }, thoughtSignature: PLACEHOLDER_SIGNATURE }] },
      { role: 'user', parts: [{ functionResponse: { id: 'call_prev1', name: 'get_weather', response: { output: '18 °C, cloudy' } } }] },
    ]);

    // The next turn sends the call back with the signature the model gave it.
    const next: ChatMessage[] = [...ROUND_TRIP, { role: 'assistant', content: '', toolCalls: [call!] }, { role: 'user', content: '', toolResults: [{ callId: call!.id, content: 'rain', isError: false }] }];
    await collect(provider(), { model: 'gemini-2.5-flash', messages: next });
    const contents = (server.chats[1]!.body as { contents: Array<{ parts: Array<Record<string, unknown>> }> }).contents;
    assert.equal(contents[3]!.parts[0]!.thoughtSignature, 'CiQBVKhc7sig-from-the-model');
  });

  it('a functionCall without a name is one stream error', async () => {
    await start({ fixtures: { 'gemini-2.5-flash': 'function-call-no-name' } });
    const err = errorOf(await collect(provider(), { model: 'gemini-2.5-flash' }));
    assert.match(err.message, /functionCall without a name/);
  });

  it('a result for a call not in the conversation is refused before anything is sent', async () => {
    await start({ fixtures: { 'gemini-2.5-flash': 'function-call' } });
    const es = await collect(provider(), { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: '', toolResults: [{ callId: 'nope', content: 'x' }] }] });
    const err = errorOf(es);
    assert.equal(err.kind, 'config');
    assert.match(err.message, /"nope"/);
    assert.equal(server.chats.length, 0);
  });
});

describe('Request text for estimates', () => {
  it('counts tool definitions, calls and results, not only message text', () => {
    const t = requestText({ messages: ROUND_TRIP, tools: [WEATHER] });
    for (const s of ['Current weather at a place', '"required":["location"]', 'get_weather({"location":"Paris"})', '18 °C, cloudy', 'What is the weather']) assert.ok(t.includes(s), s);
  });
});

describe('Images in each wire format', () => {
  it('OpenAI data URLs, Anthropic base64 image blocks, Gemini inlineData; only on user turns', () => {
    const msgs: ChatMessage[] = [{ role: 'user', content: 'What is in this screenshot?', images: [{ mimeType: 'image/png', data: 'iVBORw0KGgo=' }] }];
    assert.deepEqual(toOpenAIMessages(msgs), [{ role: 'user', content: [{ type: 'text', text: 'What is in this screenshot?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] }]);
    assert.deepEqual(toAnthropicMessages(msgs), [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } }, { type: 'text', text: 'What is in this screenshot?' }] }]);
    assert.deepEqual(toGeminiContents(msgs), [{ role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }, { text: 'What is in this screenshot?' }] }]);
  });

  it('a tool error goes back marked as one in each format', () => {
    const msgs: ChatMessage[] = [ROUND_TRIP[2]!, { role: 'user', content: '', toolResults: [{ callId: 'call_prev1', content: 'no such city', isError: true }] }];
    assert.deepEqual(toOpenAIMessages(msgs)[1], { role: 'tool', tool_call_id: 'call_prev1', content: 'Error: no such city' });
    assert.deepEqual(toAnthropicMessages(msgs)[1], { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_prev1', content: 'no such city', is_error: true }] });
    assert.deepEqual(toGeminiContents(msgs)[1]!.parts[0], { functionResponse: { id: 'call_prev1', name: 'get_weather', response: { error: 'no such city' } } });
  });
});
