import type { ChatMessage, ChatRequest, ToolCall } from '../core/chat/chatProvider';
import { parseToolArguments } from '../core/chat/requestText';

type Block = Record<string, unknown>;

/**
 * Messages API turns: an assistant turn's calls are `tool_use` blocks after its text; the next user turn
 * starts with one `tool_result` block per call (the API requires them first), then its text.
 */
export function toAnthropicMessages(messages: readonly ChatMessage[]): { role: 'user' | 'assistant'; content: string | Block[] }[] {
  const out: { role: 'user' | 'assistant'; content: string | Block[] }[] = [];
  for (const m of messages) {
    if (m.role === 'system') continue;
    const blocks: Block[] = [];
    for (const r of m.toolResults ?? []) blocks.push({ type: 'tool_result', tool_use_id: r.callId, content: r.content, ...(r.isError ? { is_error: true } : {}) });
    if (m.role === 'user') for (const i of m.images ?? []) blocks.push({ type: 'image', source: { type: 'base64', media_type: i.mimeType, data: i.data } });
    if (m.content) blocks.push({ type: 'text', text: m.content });
    for (const c of m.toolCalls ?? []) blocks.push({ type: 'tool_use', id: c.id, name: c.name, input: c.input });
    const plain = blocks.length === 1 && blocks[0]!.type === 'text';
    out.push({ role: m.role, content: plain ? m.content : blocks });
  }
  return out;
}

/** The `tools` and `tool_choice` fields of a Messages request (nothing when no tools). */
export function anthropicToolFields(request: ChatRequest): Record<string, unknown> {
  if (!request.tools?.length) return {};
  return {
    tools: request.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.inputSchema ?? { type: 'object', properties: {} } })),
    ...(request.toolMode === 'required' ? { tool_choice: { type: 'any' } } : {}),
  };
}

/** Whether a conversation carries tools or tool history (extended thinking then needs signed thinking blocks we do not keep). */
export function usesTools(request: ChatRequest): boolean {
  return !!request.tools?.length || request.messages.some((m) => m.toolCalls?.length || m.toolResults?.length);
}

/**
 * Assembles streamed `tool_use` blocks: `content_block_start` names the call (id, name), `input_json_delta`
 * events carry `partial_json` pieces of its input, `content_block_stop` completes it.
 */
export class AnthropicToolUseAssembler {
  private readonly open = new Map<number, { id: string; name: string; json: string }>();

  start(index: number, block: { type: string; id?: string; name?: string }): void {
    if (block.type === 'tool_use') this.open.set(index, { id: block.id ?? `toolu_${index}`, name: block.name ?? '', json: '' });
  }

  delta(index: number, partialJson: string): void {
    const b = this.open.get(index);
    if (!b) throw new Error(`the stream sent tool input for block ${index}, which is not a tool_use block`);
    b.json += partialJson;
  }

  /** The completed call, when the block was a tool_use block. */
  stop(index: number): ToolCall | undefined {
    const b = this.open.get(index);
    if (!b) return undefined;
    this.open.delete(index);
    if (!b.name) throw new Error(`the stream sent a tool_use block (index ${index}) without a name`);
    return { id: b.id, name: b.name, input: parseToolArguments(b.name, b.json) };
  }

  get pending(): boolean {
    return this.open.size > 0;
  }
}
