import type { ChatMessage, ChatRequest, ToolCall } from '../core/chat/chatProvider';

type Part = Record<string, unknown>;

/**
 * Gemini 3 signs its function calls (`thoughtSignature`) and wants the signature back with the call in
 * later turns. VS Code's tool-call parts cannot carry it, so the signatures seen are kept here by call
 * id (bounded); a call whose signature is gone is sent with the documented placeholder for histories
 * that did not come from this model.
 */
const SIGNATURES = new Map<string, string>();
const MAX_SIGNATURES = 2_000;
export const PLACEHOLDER_SIGNATURE = 'skip_thought_signature_validator';

function remember(id: string, signature: string | undefined): void {
  if (!signature) return;
  SIGNATURES.set(id, signature);
  if (SIGNATURES.size > MAX_SIGNATURES) SIGNATURES.delete(SIGNATURES.keys().next().value!);
}

/**
 * `contents` of a Gemini request: a model turn's calls are `functionCall` parts after its text; the
 * next user turn starts with one `functionResponse` part per call. Gemini matches responses by name (and
 * id where it gave one), so each result is sent under the name of the call it answers.
 */
export function toGeminiContents(messages: readonly ChatMessage[]): { role: 'user' | 'model'; parts: Part[] }[] {
  const names = new Map<string, string>();
  for (const m of messages) for (const c of m.toolCalls ?? []) names.set(c.id, c.name);
  const out: { role: 'user' | 'model'; parts: Part[] }[] = [];
  for (const m of messages) {
    if (m.role === 'system') continue;
    const parts: Part[] = [];
    for (const r of m.toolResults ?? []) {
      const name = names.get(r.callId);
      if (!name) throw new Error(`a tool result answers the call "${r.callId}", which is not in the conversation`);
      parts.push({ functionResponse: { id: r.callId, name, response: r.isError ? { error: r.content } : { output: r.content } } });
    }
    if (m.role === 'user') for (const i of m.images ?? []) parts.push({ inlineData: { mimeType: i.mimeType, data: i.data } });
    if (m.content) parts.push({ text: m.content });
    for (const [i, c] of (m.toolCalls ?? []).entries()) {
      // Only the first call of a turn carries the signature (parallel calls share it).
      const sig = i === 0 ? (SIGNATURES.get(c.id) ?? PLACEHOLDER_SIGNATURE) : undefined;
      parts.push({ functionCall: { id: c.id, name: c.name, args: c.input }, ...(sig ? { thoughtSignature: sig } : {}) });
    }
    if (parts.length) out.push({ role: m.role === 'assistant' ? 'model' : 'user', parts });
  }
  return out;
}

/** The `tools` and `toolConfig` fields of a Gemini config (nothing when no tools). */
export function geminiToolFields(request: ChatRequest): Record<string, unknown> {
  if (!request.tools?.length) return {};
  return {
    tools: [{ functionDeclarations: request.tools.map((t) => ({ name: t.name, description: t.description, parametersJsonSchema: t.inputSchema ?? { type: 'object', properties: {} } })) }],
    ...(request.toolMode === 'required' ? { toolConfig: { functionCallingConfig: { mode: 'ANY' } } } : {}),
  };
}

export interface GeminiFunctionCallPart {
  functionCall?: { id?: string; name?: string; args?: Record<string, unknown> };
  thoughtSignature?: string;
}

/** A `functionCall` part of a streamed chunk (Gemini sends each call whole) as a tool call. */
export function geminiToolCall(part: GeminiFunctionCallPart, seq: number): ToolCall | undefined {
  const f = part.functionCall;
  if (!f) return undefined;
  if (!f.name) throw new Error('the stream sent a functionCall without a name');
  if (f.args !== undefined && (typeof f.args !== 'object' || f.args === null || Array.isArray(f.args))) throw new Error(`the model sent arguments for the tool "${f.name}" that are not a JSON object`);
  const call = { id: f.id || `gemini-call-${Date.now().toString(36)}-${seq}`, name: f.name, input: f.args ?? {} };
  remember(call.id, part.thoughtSignature);
  return call;
}
