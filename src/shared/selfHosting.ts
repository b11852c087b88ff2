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
