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

  expected(task: string, model: string, reasoningModel: boolean, maxOutput: number): number {
    const h = this.history.get(`${task}\u0000${model}`);
    const prior = this.prior(task, reasoningModel);
    const mean = h ? (prior * PRIOR_WEIGHT + h.sum) / (PRIOR_WEIGHT + h.n) : prior;
    return Math.min(maxOutput, Math.round(mean));
  }
}
