// The self-hosting break-even, shared by the report webview (recomputed as assumptions are edited) and
// its tests. Plain arithmetic in US dollars per month.

export interface SelfHostingAssumptions {
  apiSpendUsdPerMonth: number;
  usdPerCny: number;
  fullR1: { serverCny: number; amortizationMonths: number; powerKw: number; usdPerKwh: number };
  distill: { hardwareUsd: number; amortizationMonths: number; watts: number; hoursPerDay: number; usdPerKwh: number };
}

export interface BreakEven {
  option: string;
  monthlyUsd: number;
  /** API spend per month at which owning it costs the same. */
  breakEvenApiUsd: number;
  /** How many times this month's API spend that is (Infinity when the spend is 0). */
  timesCurrentSpend: number;
  /** Months of this spend to pay for the hardware (Infinity when the spend is 0). */
  paybackMonths: number;
}

const HOURS_PER_MONTH = 730;

export function breakEven(a: SelfHostingAssumptions): BreakEven[] {
  const r1Hardware = a.fullR1.serverCny * a.usdPerCny;
  const r1Monthly = r1Hardware / a.fullR1.amortizationMonths + a.fullR1.powerKw * HOURS_PER_MONTH * a.fullR1.usdPerKwh;
  const dMonthly = a.distill.hardwareUsd / a.distill.amortizationMonths + (a.distill.watts / 1000) * a.distill.hoursPerDay * (HOURS_PER_MONTH / 24) * a.distill.usdPerKwh;
  const row = (option: string, monthlyUsd: number, hardwareUsd: number): BreakEven => ({
    option,
    monthlyUsd,
    breakEvenApiUsd: monthlyUsd,
    timesCurrentSpend: a.apiSpendUsdPerMonth > 0 ? monthlyUsd / a.apiSpendUsdPerMonth : Infinity,
    paybackMonths: a.apiSpendUsdPerMonth > 0 ? hardwareUsd / a.apiSpendUsdPerMonth : Infinity,
  });
  return [row('Full DeepSeek-R1 on 8 x H100 (owned)', r1Monthly, r1Hardware), row('An R1 distill on your own workstation', dMonthly, a.distill.hardwareUsd)];
}

/** Decode throughput measured on one GPU at 1, 4 and 16 parallel sequences (tokens/s in all). */
export interface MeasuredGpuThroughput {
  /** Which hardware and when, e.g. 'NVIDIA H200, measured 2026-11-30'. */
  hardware: string;
  rows: Array<{ model: string; decodeTps: { 1: number; 4: number; 16: number } }>;
}

export interface GpuTokenCost {
  model: string;
  batch: 1 | 4 | 16;
  tokensPerGpuHour: number;
  usdPerMillionTokens: number;
  /** GPU-hours this month's generated tokens take at that batch size, priced per hour. */
  monthlyUsd: number;
}

/**
 * Renting the measured GPU by the hour: what a million generated tokens cost at each batch size, and what
 * this month's generated tokens would have cost. Batching multiplies throughput (several requests share
 * each read of the weights) only when that many requests are in flight at once.
 */
export function rentedGpuCost(t: MeasuredGpuThroughput, usdPerGpuHour: number, monthlyGeneratedTokens: number): GpuTokenCost[] {
  return t.rows.flatMap((r) =>
    ([1, 4, 16] as const).map((batch) => {
      const tokensPerGpuHour = r.decodeTps[batch] * 3600;
      return { model: r.model, batch, tokensPerGpuHour, usdPerMillionTokens: (usdPerGpuHour / tokensPerGpuHour) * 1e6, monthlyUsd: (monthlyGeneratedTokens / tokensPerGpuHour) * usdPerGpuHour };
    }),
  );
}
