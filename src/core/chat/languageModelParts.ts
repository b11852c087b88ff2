import type { ChatMessage, ImageInput, ToolCall, ToolResult } from './chatProvider';

/**
 * VS Code's language-model message parts, already told apart by the editor side (which knows their
 * classes): text, a tool call, a tool result (its content flattened to text), binary data.
 */
export type LmPart =
  | { kind: 'text'; text: string }
  | { kind: 'toolCall'; callId: string; name: string; input: Record<string, unknown> }
  | { kind: 'toolResult'; callId: string; text: string; isError?: boolean }
  | { kind: 'data'; mimeType: string; base64: string };

export interface LmTurn {
  role: 'system' | 'user' | 'assistant';
  parts: LmPart[];
}

/** Image types every provider here takes inline (OpenAI, Anthropic and Gemini all accept these four). */
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/**
 * Turns of a chat into the messages a provider maps to its wire format. Images are kept only when the
 * model takes them (else a note replaces each, so the model knows one was there); data parts that are
 * not images (e.g. cache hints) are dropped.
 */
export function toChatMessages(turns: readonly LmTurn[], acceptsImages: boolean): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const t of turns) {
    const text: string[] = [];
    const toolCalls: ToolCall[] = [];
    const toolResults: ToolResult[] = [];
    const images: ImageInput[] = [];
    for (const p of t.parts) {
      if (p.kind === 'text') text.push(p.text);
      else if (p.kind === 'toolCall') toolCalls.push({ id: p.callId, name: p.name, input: p.input });
      else if (p.kind === 'toolResult') toolResults.push({ callId: p.callId, content: p.text, ...(p.isError ? { isError: true } : {}) });
      else if (IMAGE_TYPES.has(p.mimeType)) {
        if (acceptsImages && t.role === 'user') images.push({ mimeType: p.mimeType, data: p.base64 });
        else text.push(`[an image (${p.mimeType}) was attached; this model does not take images]`);
      }
    }
    const m: ChatMessage = { role: t.role, content: text.join('') };
    if (toolCalls.length && t.role === 'assistant') m.toolCalls = toolCalls;
    if (toolResults.length && t.role !== 'assistant') m.toolResults = toolResults;
    if (images.length) m.images = images;
    if (m.content || m.toolCalls || m.toolResults || m.images) out.push(m);
  }
  return out;
}
