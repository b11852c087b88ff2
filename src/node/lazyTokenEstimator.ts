import type { SpendLedger } from '../core/ledger/spendLedger';
import { localMonthKey, previousMonthKey } from '../core/ledger/periods';
import type { SettleRecord } from '../core/ledger/records';
import { TokenEstimator } from '../core/tokens/tokenEstimator';
import { loadO200k } from './gptTokenizer';

/**
 * The token estimator, built on first use (the tokenizer's tables take a few hundred ms to load) and
 * calibrated from this and last month's ledger; later settlements keep teaching it.
 */
export class LazyTokenEstimator {
  private loading: Promise<TokenEstimator | undefined> | undefined;

  constructor(
    private readonly ledger: SpendLedger,
    private readonly now: () => Date,
  ) {}

  /** The estimator, or undefined if the tokenizer cannot load (estimates then fall back to characters). */
  get(): Promise<TokenEstimator | undefined> {
    this.loading ??= (async () => {
      try {
        const estimator = new TokenEstimator(await loadO200k());
        for (const month of [previousMonthKey(this.now()), localMonthKey(this.now())]) estimator.learn((await this.ledger.fold(month)).settled);
        return estimator;
      } catch {
        return undefined;
      }
    })();
    return this.loading;
  }

  async learn(record: SettleRecord | undefined): Promise<void> {
    if (record && this.loading) (await this.loading)?.learn([record]);
  }
}
