import * as vscode from 'vscode';
import type { ToolSpec } from '../../core/chat/chatProvider';
import type { LmPart, LmTurn } from '../../core/chat/languageModelParts';

/** A data part (LanguageModelDataPart, final after 1.104) by its shape: a MIME type and bytes. */
function isDataPart(p: unknown): p is { mimeType: string; data: Uint8Array } {
  return !!p && typeof (p as { mimeType?: unknown }).mimeType === 'string' && (p as { data?: unknown }).data instanceof Uint8Array;
}

/** A tool result's content as text: text parts as they are, data parts that are text decoded, anything else as JSON. */
function resultText(content: readonly unknown[]): string {
  return content
    .map((c) => {
      if (c instanceof vscode.LanguageModelTextPart) return c.value;
      if (c instanceof vscode.LanguageModelPromptTsxPart) return JSON.stringify(c.value);
      if (isDataPart(c)) return /^(text\/|application\/json)/.test(c.mimeType) ? new TextDecoder().decode(c.data) : `[${c.mimeType} data]`;
      return typeof c === 'string' ? c : JSON.stringify(c);
    })
    .join('');
}

function part(p: unknown): LmPart | undefined {
  if (p instanceof vscode.LanguageModelTextPart) return { kind: 'text', text: p.value };
  if (p instanceof vscode.LanguageModelToolCallPart) return { kind: 'toolCall', callId: p.callId, name: p.name, input: (p.input ?? {}) as Record<string, unknown> };
  if (p instanceof vscode.LanguageModelToolResultPart) return { kind: 'toolResult', callId: p.callId, text: resultText(p.content) };
  if (isDataPart(p)) return { kind: 'data', mimeType: p.mimeType, base64: Buffer.from(p.data).toString('base64') };
  // Thinking parts and kinds this version does not know are not sent back.
  return undefined;
}

/** VS Code's request messages as turns Costwise's providers map to their wire formats. */
export function lmTurns(messages: readonly vscode.LanguageModelChatRequestMessage[]): LmTurn[] {
  return messages.map((m) => ({
    // System (3) is proposed API: its text joins the system prompt.
    role: m.role === vscode.LanguageModelChatMessageRole.Assistant ? 'assistant' : (m.role as number) === 3 ? 'system' : 'user',
    parts: m.content.map(part).filter((p): p is LmPart => !!p),
  }));
}

export function toolSpecs(tools: readonly vscode.LanguageModelChatTool[] | undefined): ToolSpec[] {
  return (tools ?? []).map((t) => ({ name: t.name, description: t.description, ...(t.inputSchema ? { inputSchema: t.inputSchema as Record<string, unknown> } : {}) }));
}
