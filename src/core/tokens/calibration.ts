import { FAMILIES, type ModelFamily } from './modelFamily';

/**
 * Prior ratios of a family's real prompt tokens to o200k tokens, for code-heavy prompts. Each is a
 * starting point only (worth PRIOR_TOKENS of evidence): reported usage takes over quickly.
 */
export const PRIOR_FACTORS: Record<ModelFamily, number> = {
  openai: 1.0,
  anthropic: 1.15,
  gemini: 1.05,
  deepseek: 1.08,
  qwen: 1.1,
  llama: 1.08,
  other: 1.15,
};
const PRIOR_TOKENS = 5_000;

interface Stats {
  estimated: number;
  reported: number;
  n: number;
  /** Sum of |raw o200k estimate - reported| / reported, and the same after calibration (as it was then). */
  rawAbsErr: number;
  calibratedAbsErr: number;
}

export interface CalibrationReport {
  family: ModelFamily;
  samples: number;
  factor: number;
  /** Mean absolute relative error of the raw o200k count, and of the calibrated estimate. */
  rawError: number;
  calibratedError: number;
}

/**
 * Learns, per model family, the factor that turns an o200k count into that family's real token
 * count, from (estimate, reported) pairs of settled requests. Ratio of sums with a prior pseudo-count,
 * so a few odd requests cannot swing it and it converges on the family's tokenizer.
 */
export class Calibration {
  private readonly stats = new Map<ModelFamily, Stats>();

  factor(family: ModelFamily): number {
    const s = this.stats.get(family);
    const prior = PRIOR_FACTORS[family];
    if (!s) return prior;
    return (prior * PRIOR_TOKENS + s.reported) / (PRIOR_TOKENS + s.estimated);
  }

  /** Records one settled request: `estimated` is the raw o200k count, `reported` the API's prompt tokens. */
  observe(family: ModelFamily, estimated: number, reported: number): void {
    if (!(estimated > 0 && reported > 0)) return;
    const calibrated = estimated * this.factor(family);
    const s = this.stats.get(family) ?? { estimated: 0, reported: 0, n: 0, rawAbsErr: 0, calibratedAbsErr: 0 };
    s.estimated += estimated;
    s.reported += reported;
    s.n++;
    s.rawAbsErr += Math.abs(estimated - reported) / reported;
    s.calibratedAbsErr += Math.abs(calibrated - reported) / reported;
    this.stats.set(family, s);
  }

  /** Calibrated estimate: raw o200k count times the family's factor, rounded up. */
  estimate(family: ModelFamily, raw: number): number {
    return Math.ceil(raw * this.factor(family));
  }

  report(): CalibrationReport[] {
    return FAMILIES.flatMap((family) => {
      const s = this.stats.get(family);
      if (!s) return [];
      return [{ family, samples: s.n, factor: this.factor(family), rawError: s.rawAbsErr / s.n, calibratedError: s.calibratedAbsErr / s.n }];
    });
  }
}
