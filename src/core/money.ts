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

/**
 * Formats micro-dollars for people. Amounts of a cent or more show cents; smaller non-zero amounts
 * show enough digits that they never read as "$0.00" (a real charge must never look free).
 */
export function formatUsd(micro: MicroUsd): string {
  const sign = micro < 0 ? '-' : '';
  const abs = Math.abs(micro);
  if (abs === 0) return '$0.00';
  if (abs >= 10_000) {
    const cents = Math.round(abs / 10_000);
    return `${sign}$${Math.floor(cents / 100).toLocaleString('en-US')}.${String(cents % 100).padStart(2, '0')}`;
  }
  // Below one cent: up to six decimals, trailing zeros trimmed, at least four.
  let digits = String(abs).padStart(6, '0').replace(/0+$/, '');
  if (digits.length < 4) digits = digits.padEnd(4, '0');
  return `${sign}$0.${digits}`;
}

/** Exact dollars with all six decimals, for exports and tooltips. */
export function formatUsdExact(micro: MicroUsd): string {
  const sign = micro < 0 ? '-' : '';
  const abs = Math.abs(micro);
  return `${sign}$${Math.floor(abs / MICRO_PER_USD)}.${String(abs % MICRO_PER_USD).padStart(6, '0')}`;
}
