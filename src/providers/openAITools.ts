import type { ChatMessage, ChatRequest, ToolCall } from '../core/chat/chatProvider';
import { parseToolArguments } from '../core/chat/requestText';

/** OpenAI chat-completions messages: tool calls ride on the assistant turn, each result is a `tool` message. */
export function toOpenAIMessages(messages: readonly ChatMessage[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const m of messages) {
    // Results answer the previous assistant turn's calls and must come right after it, before any text.
    for (const r of m.toolResults ?? []) out.push({ role: 'tool', tool_call_id: r.callId, content: r.isError ? `Error: ${r.content}` : r.content });
    const images = m.role === 'user' ? (m.images ?? []) : [];
    if (m.role === 'assistant' && m.toolCalls?.length) {
      out.push({
        role: 'assistant',
        content: m.content || null,
        tool_calls: m.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.input) } })),
      });
    } else if (images.length) {
      out.push({ role: m.role, content: [...(m.content ? [{ type: 'text', text: m.content }] : []), ...images.map((i) => ({ type: 'image_url', image_url: { url: `data:${i.mimeType};base64,${i.data}` } }))] });
    } else if (m.content || !m.toolResults?.length) out.push({ role: m.role, content: m.content });
  }
  return out;
}

/** The `tools` and `tool_choice` fields of a chat-completions request (nothing when no tools). */
export function openAIToolFields(request: ChatRequest): Record<string, unknown> {
  if (!request.tools?.length) return {};
  return {
    tools: request.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.inputSchema ?? { type: 'object', properties: {} } } })),
    ...(request.toolMode === 'required' ? { tool_choice: 'required' } : {}),
  };
}

export interface ToolCallDelta {
  index?: number;
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}

/**
 * Assembles streamed `tool_calls` deltas: the first fragment of a call carries its index, id and name,
 * later ones only the index and the next piece of `function.arguments`. A call is complete only when
 * the stream says the turn is over.
 */
export class OpenAIToolCallAssembler {
  private readonly calls = new Map<number, { id: string; name: string; args: string }>();

  push(deltas: readonly ToolCallDelta[]): void {
    for (const [i, d] of deltas.entries()) {
      const index = d.index ?? i;
      const c = this.calls.get(index) ?? { id: '', name: '', args: '' };
      if (d.id) c.id = d.id;
      if (d.function?.name) c.name += d.function.name;
      if (d.function?.arguments) c.args += d.function.arguments;
      this.calls.set(index, c);
    }
  }

  get pending(): boolean {
    return this.calls.size > 0;
  }

  /** The calls, parsed; throws (a broken stream) when one has no name or its arguments are not JSON. */
  finish(): ToolCall[] {
    const out: ToolCall[] = [];
    for (const [index, c] of [...this.calls.entries()].sort((a, b) => a[0] - b[0])) {
      if (!c.name) throw new Error(`the stream sent a tool call (index ${index}) without a name`);
      out.push({ id: c.id || `call_${index}`, name: c.name, input: parseToolArguments(c.name, c.args) });
    }
    this.calls.clear();
    return out;
  }
}
