// Streams in each provider's documented wire format, written for one request (the fixture server's
// `respond` hook): a tool call for a tool the request offered, or text once a tool result came back.

export interface StreamUsage {
  prompt: number;
  completion: number;
}

function sse(events: unknown[]): string {
  return events.map((e) => `data: ${typeof e === 'string' ? e : JSON.stringify(e)}\n\n`).join('');
}

/** OpenAI chat.completions chunks: text, or one tool call (arguments split across two chunks), then usage and [DONE]. */
export function openAIStream(o: { text?: string; toolCall?: { id: string; name: string; input: unknown }; usage: StreamUsage; model?: string }): string {
  const base = { id: 'chatcmpl-e2e', object: 'chat.completion.chunk', created: 1764500000, model: o.model ?? 'gpt-6-luna-2026-09-22' };
  const chunk = (delta: unknown, finish: string | null = null) => ({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
  const events: unknown[] = [chunk({ role: 'assistant', content: '' })];
  if (o.text) for (const part of o.text.match(/.{1,16}/gs) ?? []) events.push(chunk({ content: part }));
  if (o.toolCall) {
    const args = JSON.stringify(o.toolCall.input);
    const cut = Math.floor(args.length / 2);
    events.push(chunk({ tool_calls: [{ index: 0, id: o.toolCall.id, type: 'function', function: { name: o.toolCall.name, arguments: args.slice(0, cut) } }] }));
    events.push(chunk({ tool_calls: [{ index: 0, function: { arguments: args.slice(cut) } }] }));
  }
  events.push(chunk({}, o.toolCall ? 'tool_calls' : 'stop'));
  events.push({ ...base, choices: [], usage: { prompt_tokens: o.usage.prompt, completion_tokens: o.usage.completion, total_tokens: o.usage.prompt + o.usage.completion, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } } });
  events.push('[DONE]');
  return sse(events);
}

/** Anthropic Messages events: optional text, then one tool_use block, or text only. */
export function anthropicStream(o: { text?: string; toolCall?: { id: string; name: string; input: unknown }; usage: StreamUsage; model?: string }): string {
  const lines: string[] = [];
  const ev = (type: string, data: unknown) => lines.push(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
  ev('message_start', { type: 'message_start', message: { id: 'msg_e2e', type: 'message', role: 'assistant', model: o.model ?? 'claude-haiku-5-5', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: o.usage.prompt, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } } });
  let index = 0;
  if (o.text) {
    ev('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
    ev('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: o.text } });
    ev('content_block_stop', { type: 'content_block_stop', index });
    index++;
  }
  if (o.toolCall) {
    const args = JSON.stringify(o.toolCall.input);
    ev('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: o.toolCall.id, name: o.toolCall.name, input: {} } });
    ev('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: args.slice(0, 5) } });
    ev('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: args.slice(5) } });
    ev('content_block_stop', { type: 'content_block_stop', index });
  }
  ev('message_delta', { type: 'message_delta', delta: { stop_reason: o.toolCall ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: o.usage.completion } });
  ev('message_stop', { type: 'message_stop' });
  return lines.join('');
}

/** Gemini streamGenerateContent (alt=sse) events: text or one functionCall, with usage metadata. */
export function geminiStream(o: { text?: string; toolCall?: { id: string; name: string; input: unknown }; usage: StreamUsage; model?: string }): string {
  const parts: unknown[] = [];
  if (o.text) parts.push({ text: o.text });
  if (o.toolCall) parts.push({ functionCall: { id: o.toolCall.id, name: o.toolCall.name, args: o.toolCall.input } });
  const event = { candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }], usageMetadata: { promptTokenCount: o.usage.prompt, candidatesTokenCount: o.usage.completion, totalTokenCount: o.usage.prompt + o.usage.completion }, modelVersion: o.model ?? 'gemini-3.8-flash' };
  return `data: ${JSON.stringify(event)}\r\n\r\n`;
}
