import type { MicroUsd } from '../money';
import type { ChatMessage } from './chatProvider';
import { messageText } from './requestText';

/** FNV-1a, 64-bit: a stable, dependency-free name for a conversation (not a security hash). */
export function fnv1a64(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

/** A turn the person typed (not a turn that only carries tool results back). */
function isTypedTurn(m: ChatMessage): boolean {
  return m.role === 'user' && !m.toolResults?.length && m.content.trim() !== '';
}

/**
 * Where a request stands in its conversation. A conversation is named by its start (system prompt and
 * first typed user message), which every later request of it repeats. A run is the requests after one
 * typed message: an agent's tool-calling loop is one run until the person types again.
 */
export interface ChatPosition {
  conversation: string;
  run: string;
  /** The request only carries tool results back (the agent loop goes on). */
  continuesRun: boolean;
  /** Tokens of history before the newest typed turn: a prefix the provider has seen and may have cached. */
  historyChars: number;
}

export function chatPosition(messages: readonly ChatMessage[]): ChatPosition {
  const firstTyped = messages.findIndex(isTypedTurn);
  const start = messages.slice(0, firstTyped + 1).map((m) => `${m.role}:${m.content}`).join('\n');
  const conversation = fnv1a64(start);
  const typed = messages.filter(isTypedTurn).length;
  let lastTyped = -1;
  messages.forEach((m, i) => (isTypedTurn(m) ? (lastTyped = i) : undefined));
  const last = messages[messages.length - 1];
  const historyChars = messages.slice(0, Math.max(0, lastTyped)).reduce((n, m) => n + messageText(m).length + 1, 0);
  return { conversation, run: `${conversation}#${typed}`, continuesRun: !!last && last.role === 'user' && !!last.toolResults?.length && !isTypedTurn(last), historyChars };
}

/** A map that forgets its oldest entries past `max` (conversations of a long session). */
class Bounded<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(k: string): V | undefined {
    return this.map.get(k);
  }
  set(k: string, v: V): void {
    this.map.delete(k);
    this.map.set(k, v);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }
}

export interface RunStop {
  spent: MicroUsd;
  requests: number;
  cap: MicroUsd;
  worstCase: MicroUsd;
}

/**
 * What each conversation and each agent run spent, and which model a conversation is held on (Auto
 * keeps a conversation on one model so the provider's prompt cache keeps paying off).
 */
export class ConversationBook {
  private readonly runs = new Bounded<{ spent: MicroUsd; requests: number }>(500);
  private readonly conversations = new Bounded<{ spent: MicroUsd; requests: number; byModel: Map<string, MicroUsd>; model?: string }>(500);
  /** The conversation of the latest request, for /cost. */
  latest: string | undefined;

  /** Why the run must stop (its spend plus this request's worst case would pass the cap), or undefined. */
  checkRun(run: string, worstCase: MicroUsd, cap: MicroUsd): RunStop | undefined {
    const r = this.runs.get(run) ?? { spent: 0, requests: 0 };
    return r.spent + worstCase > cap ? { ...r, cap, worstCase } : undefined;
  }

  record(p: Pick<ChatPosition, 'conversation' | 'run'>, model: string, cost: MicroUsd): void {
    const r = this.runs.get(p.run) ?? { spent: 0, requests: 0 };
    this.runs.set(p.run, { spent: r.spent + cost, requests: r.requests + 1 });
    const c = this.conversations.get(p.conversation) ?? { spent: 0, requests: 0, byModel: new Map<string, MicroUsd>() };
    c.byModel.set(model, (c.byModel.get(model) ?? 0) + cost);
    this.conversations.set(p.conversation, { ...c, spent: c.spent + cost, requests: c.requests + 1 });
    this.latest = p.conversation;
  }

  /** The model Auto answered this conversation with, if any. */
  stickyModel(conversation: string): string | undefined {
    return this.conversations.get(conversation)?.model;
  }

  hold(conversation: string, model: string): void {
    const c = this.conversations.get(conversation) ?? { spent: 0, requests: 0, byModel: new Map<string, MicroUsd>() };
    this.conversations.set(conversation, { ...c, model });
  }

  conversation(id: string): { spent: MicroUsd; requests: number; byModel: Map<string, MicroUsd> } | undefined {
    return this.conversations.get(id);
  }

  run(id: string): { spent: MicroUsd; requests: number } | undefined {
    return this.runs.get(id);
  }
}
