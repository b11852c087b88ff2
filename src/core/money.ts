/** Money is integer micro-dollars everywhere in core and in the ledger: 1 USD = 1_000_000. */
export type MicroUsd = number;

export const MICRO_PER_USD = 1_000_000;

/** Converts a dollar amount from settings or data to micro-dollars; throws on anything not a finite, non-negative number. */
export function usdToMicro(usd: number): MicroUsd {
  if (typeof usd !== 'number' || !Number.isFinite(usd) || usd < 0) {
    throw new RangeError(`not a valid dollar amount: ${String(usd)}`);
  }
  const micro = Math.round(usd * MICRO_PER_USD);
  if (!Number.isSafeInteger(micro)) throw new RangeError(`dollar amount too large: ${usd}`);
  return micro;
}

export { formatUsd, formatUsdExact } from '../shared/usd';
