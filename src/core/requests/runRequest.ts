import { evaluateBudget, type BudgetPolicy, type Verdict } from '../budget/budget';
import { ProviderError, type ChatEvent, type ChatProvider, type ChatRequest } from '../chat/chatProvider';
import { IMAGE_TOKENS_WORST, imageCount, requestText, toolCallText } from '../chat/requestText';
import type { ToolCall } from '../chat/chatProvider';
import type { Clock } from '../clock';
import type { SpendLedger } from '../ledger/spendLedger';
import type { SettleRecord } from '../ledger/records';
import { costOf, priceUsage } from '../pricing/cost';
import type { ResolvedPrices } from '../pricing/resolve';
import { priceRef, type PriceEntry } from '../pricing/priceEntry';
import type { Usage } from '../pricing/usage';
import { typicalTokenEstimate, upperTokenEstimate } from '../tokens/roughEstimate';
import type { PromptEstimate } from '../tokens/tokenEstimator';

export interface RunRequestInput {
  provider: ChatProvider;
  /** The price in force, or undefined when the model is unpriced (then the request is refused). */
  price: PriceEntry | undefined;
  request: ChatRequest;
  task: string;
  workspace?: string;
  /** The explained file's name (no folders). */
  file?: string;
  /** The chat conversation (its hash), for spend by conversation. */
  conversation?: string;
  budget: BudgetPolicy;
  /** The user approved going past a limit for this one request. */
  approvedOverLimit?: boolean;
  /** The prompt's token estimate; without it a deliberately high character-based one is used. */
  promptEstimate?: PromptEstimate;
  counterfactual?: (usage: Usage, at: Date) => SettleRecord['counterfactual'];
  /** The real cost when it is not tokens x price (local models: energy over the generation time). */
  costFor?: (usage: Usage, durationMs: number) => number;
  tier?: string;
  signal: AbortSignal;
  onEvent(e: ChatEvent): void;
}

export interface RunResult {
  record: SettleRecord | undefined;
  text: string;
  reasoning: string;
  /** The tool calls the model made (agent requests). */
  toolCalls: ToolCall[];
  error: ProviderError | undefined;
  /** The budget check as it was under the ledger lock (warnings, limits passed with approval). */
  verdict: Verdict | undefined;
  /** The instant the request was priced at (taken before reserving). */
  at: Date;
  /** The prices the settled usage paid (time window, tier); absent when not priced by tokens (local energy). */
  resolved?: ResolvedPrices;
}

export class UnpricedModelError extends Error {
  constructor(readonly model: string) {
    super(`Costwise has no price for the model "${model}", so it will not send paid requests to it. Add its price to the "costwise.prices" setting.`);
    this.name = 'UnpricedModelError';
  }
}

/** The prompt size a reservation assumes: the estimate plus a margin for tokenizer differences. */
export function worstCasePromptTokens(promptText: string, estimate: number | undefined): number {
  return estimate === undefined ? upperTokenEstimate(promptText) : Math.ceil(estimate * 1.25) + 16;
}

/**
 * One paid request: reserve its worst case (estimated prompt + every output token allowed) under the
 * ledger lock, stream it, then settle with the usage the API reported — or, when the stream ended
 * without usage, with an estimate flagged as such. Never $0 by accident.
 */
export async function runRequest(deps: { ledger: SpendLedger; clock: Clock }, input: RunRequestInput): Promise<RunResult> {
  const { price, request } = input;
  if (!price) throw new UnpricedModelError(request.model);
  const promptText = requestText(request);
  const worst: Usage = {
    inputTokens: worstCasePromptTokens(promptText, input.promptEstimate?.calibrated) + imageCount(request) * IMAGE_TOKENS_WORST,
    cachedReadTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    outputTokens: request.maxOutputTokens,
    reasoningTokens: 0,
    source: 'estimated',
  };
  // Priced at the instant the request is made (time-of-day prices), reserved and settled alike.
  const at = deps.clock.now();
  const worstCase = costOf(worst, price, at);
  let verdict: Verdict | undefined;
  const reservation = await deps.ledger.reserve(
    { model: price.model, provider: price.provider, task: input.task, amount: worstCase, estimate: worst, price: priceRef(price), ...(input.workspace ? { workspace: input.workspace } : {}), ...(input.file ? { file: input.file } : {}), ...(input.conversation ? { conversation: input.conversation } : {}) },
    (spentIn, today, current) => {
      const v = evaluateBudget(current(input.budget), { provider: price.provider, model: price.model, local: price.provider === 'local' }, worstCase, spentIn, today);
      verdict = v;
      if (v.admitted || v.exceeded.some((s) => s.rule.binding)) return v;
      if (input.approvedOverLimit) return { ...v, admitted: true, override: 'approved-once' };
      if (input.budget.onLimit === 'warn') return { ...v, admitted: true, override: 'warn' };
      return v;
    },
  );

  const started = deps.clock.now().getTime();
  let text = '';
  let reasoning = '';
  const toolCalls: ToolCall[] = [];
  let usage: Usage | undefined;
  let error: ProviderError | undefined;
  try {
    for await (const e of input.provider.stream(request, input.signal)) {
      if (e.type === 'text') text += e.text;
      else if (e.type === 'reasoning') reasoning += e.text;
      else if (e.type === 'toolCall') toolCalls.push(e.call);
      else if (e.type === 'usage') usage = e.usage;
      else if (e.type === 'error') error = e.error;
      input.onEvent(e);
    }
  } catch (e) {
    error = e instanceof ProviderError ? e : new ProviderError('stream', String((e as Error)?.message ?? e));
    input.onEvent({ type: 'error', error });
  }

  // Never accepted by the server (HTTP error, unreachable host): nothing was billed.
  if (!usage && !text && !reasoning && !toolCalls.length && error && !error.billable) {
    await deps.ledger.release(reservation, error.message);
    return { record: undefined, text, reasoning, toolCalls, error, verdict, at };
  }
  const billed: Usage = usage ?? {
    inputTokens: input.promptEstimate?.calibrated ?? typicalTokenEstimate(promptText),
    cachedReadTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    outputTokens: typicalTokenEstimate(reasoning) + typicalTokenEstimate(text) + typicalTokenEstimate(toolCalls.map(toolCallText).join('\n')),
    reasoningTokens: typicalTokenEstimate(reasoning),
    source: 'estimated',
  };
  const outcome = error ? (error.kind === 'cancelled' ? 'cancelled' : 'error') : 'ok';
  const durationMs = Math.max(0, deps.clock.now().getTime() - started);
  const priced = input.costFor ? undefined : priceUsage(billed, price, at);
  const cost = priced ? priced.cost : input.costFor!(billed, durationMs);
  const counterfactual = input.counterfactual?.(billed, at);
  const record = await deps.ledger.settle(reservation, {
    usage: billed,
    cost,
    price: priceRef(price),
    durationMs,
    outcome,
    ...(input.promptEstimate ? { estimatedInputTokens: input.promptEstimate.raw } : {}),
    ...(counterfactual ? { counterfactual } : {}),
    ...(input.tier ? { tier: input.tier } : {}),
    ...(request.reasoningEffort ? { effort: request.reasoningEffort } : {}),
  });
  return { record, text, reasoning, toolCalls, error, verdict, at, ...(priced ? { resolved: priced.resolved } : {}) };
}
