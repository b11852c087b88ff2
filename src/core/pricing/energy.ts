import { usdToMicro, type MicroUsd } from '../money';

/**
 * Local inference is not free: it costs the electricity the machine draws while generating, plus, if
 * the user says so, a share of the hardware's price per hour of use.
 */
export interface EnergyPrice {
  /** Power drawn while generating, in watts. */
  watts: number;
  /** Electricity price, USD per kWh. */
  usdPerKwh: number;
  /** Hardware amortisation, USD per hour of generation (0 to leave it out). */
  hardwareUsdPerHour: number;
}

/** Defaults: a laptop or desktop CPU/GPU under load, and a typical residential electricity price. */
export const DEFAULT_ENERGY: EnergyPrice = { watts: 60, usdPerKwh: 0.17, hardwareUsdPerHour: 0 };

/** Cost of `seconds` of generation, in micro-dollars (rounded half up, at least 1 when any time was spent). */
export function energyCost(seconds: number, p: EnergyPrice): MicroUsd {
  if (!(seconds > 0)) return 0;
  const usd = (seconds / 3600) * ((p.watts / 1000) * p.usdPerKwh + p.hardwareUsdPerHour);
  return Math.max(1, usdToMicro(usd));
}

/** Until a local model's speed is measured (or estimated for this machine), it is assumed to write this fast. */
export const ASSUMED_LOCAL_TOKENS_PER_SECOND = 20;

/** Energy cost of 1,000 generated tokens at a given speed, for ranking local models before a request. */
export function energyPer1kTokens(tokensPerSecond: number, p: EnergyPrice): MicroUsd {
  return tokensPerSecond > 0 ? energyCost(1000 / tokensPerSecond, p) : 0;
}
