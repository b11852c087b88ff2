import { EFFORT_OUTPUT_PRIOR, pairKey, type Effort } from '../routing/effort';

/**
 * Expected output tokens (reasoning included) per task kind and model, learned from settled
 * requests with a prior worth a few requests. Reasoning models spend most of their output thinking,
 * so their prior is far higher: this is what makes R1 and o-series cost what they cost.
 */
const PRIOR_ANSWER: Record<string, number> = { explain: 600 };
const PRIOR_REASONING = 1500;
const PRIOR_WEIGHT = 5;

export class OutputEstimator {
  private readonly history = new Map<string, { sum: number; n: number }>();

  observe(task: string, model: string, outputTokens: number): void {
    if (!(outputTokens >= 0)) return;
    const key = `${task}\u0000${model}`;
    const h = this.history.get(key) ?? { sum: 0, n: 0 };
    h.sum += outputTokens;
    h.n++;
    this.history.set(key, h);
  }

  prior(task: string, reasoningModel: boolean): number {
    return (PRIOR_ANSWER[task] ?? 600) + (reasoningModel ? PRIOR_REASONING : 0);
  }

  /**
   * Expected output of `model` called at `effort` (learned per model and effort: `pairKey`). A reasoning
   * model's prior follows its effort; the API's default effort is taken as medium.
   */
  expected(task: string, model: string, reasoningModel: boolean, maxOutput: number, effort?: Effort): number {
    const h = this.history.get(`${task}\u0000${pairKey(model, effort)}`);
    const prior = reasoningModel ? Math.max(this.prior(task, false), EFFORT_OUTPUT_PRIOR[effort ?? 'default']) : this.prior(task, false);
    const mean = h ? (prior * PRIOR_WEIGHT + h.sum) / (PRIOR_WEIGHT + h.n) : prior;
    return Math.min(maxOutput, Math.round(mean));
  }
}
