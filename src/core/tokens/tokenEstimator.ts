import { isEffort, pairKey } from '../routing/effort';
import type { SettleRecord } from '../ledger/records';
import { promptTokens } from '../pricing/usage';
import { Calibration } from './calibration';
import { ChunkedCounter, type Tokenizer } from './chunkedCounter';
import { familyOf } from './modelFamily';
import { OutputEstimator } from './outputEstimator';

export interface PromptEstimate {
  /** o200k tokens, as counted. */
  raw: number;
  /** Expected tokens of the model's own tokenizer (calibrated). */
  calibrated: number;
}

/** Prompt and output estimates for a model, from o200k counts calibrated by the ledger's history. */
export class TokenEstimator {
  readonly calibration = new Calibration();
  readonly output = new OutputEstimator();
  private readonly counter: ChunkedCounter;

  constructor(tokenizer: Tokenizer) {
    this.counter = new ChunkedCounter(tokenizer);
  }

  /** o200k tokens of a text (cached per chunk). */
  count(text: string): number {
    return this.counter.count(text);
  }

  prompt(text: string, model: string, provider: string): PromptEstimate {
    const raw = this.counter.count(text);
    return { raw, calibrated: this.calibration.estimate(familyOf(model, provider), raw) };
  }

  /** Learns from settled requests whose usage was reported by the API. */
  learn(records: Iterable<SettleRecord>): void {
    for (const r of records) {
      if (r.usage.source !== 'reported') continue;
      if (r.estimatedInputTokens !== undefined) this.calibration.observe(familyOf(r.model, r.provider), r.estimatedInputTokens, promptTokens(r.usage));
      if (r.outcome === 'ok') this.output.observe(r.task, pairKey(r.model, isEffort(r.effort) ? r.effort : undefined), r.usage.outputTokens);
    }
  }
}
