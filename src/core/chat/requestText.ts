import type { ChatMessage, ChatRequest, ToolCall } from './chatProvider';

/** The text of one tool call as a model reads it (name and JSON arguments). */
export function toolCallText(call: ToolCall): string {
  return `${call.name}(${JSON.stringify(call.input)})`;
}

/** Everything in a message a model reads as tokens: text, tool calls, tool results (images apart). */
export function messageText(m: ChatMessage): string {
  const parts: string[] = [];
  for (const r of m.toolResults ?? []) parts.push(r.content);
  if (m.content) parts.push(m.content);
  for (const c of m.toolCalls ?? []) parts.push(toolCallText(c));
  return parts.join('\n');
}

/**
 * Everything in a request a model reads as tokens, for estimates and worst-case reservations: the
 * messages and the tool definitions (an agent's ~40 tool schemas are often most of its prompt).
 */
export function requestText(request: Pick<ChatRequest, 'messages' | 'tools'>): string {
  const parts = request.messages.map(messageText);
  for (const t of request.tools ?? []) parts.push(`${t.name}: ${t.description}\n${t.inputSchema ? JSON.stringify(t.inputSchema) : ''}`);
  return parts.join('\n');
}

/** Tokens an image costs at most, by the providers' published rules of thumb (OpenAI high detail ~1.1k, Claude ~1.6k). */
export const IMAGE_TOKENS_WORST = 1_600;

export function imageCount(request: Pick<ChatRequest, 'messages'>): number {
  return request.messages.reduce((n, m) => n + (m.images?.length ?? 0), 0);
}

/** Parses a model's tool arguments: a JSON object, or an empty string (no arguments). Throws on anything else. */
export function parseToolArguments(name: string, json: string): Record<string, unknown> {
  if (!json.trim()) return {};
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    throw new Error(`the model sent arguments for the tool "${name}" that are not valid JSON`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`the model sent arguments for the tool "${name}" that are not a JSON object`);
  return v as Record<string, unknown>;
}
