// Money formatting shared by the extension host and the webviews (which cannot import core).
// Amounts are integer micro-dollars: 1 USD = 1_000_000.

/**
 * Formats micro-dollars for people. Amounts of a cent or more show cents; smaller non-zero amounts
 * show enough digits that they never read as "$0.00" (a real charge must never look free).
 */
export function formatUsd(micro: number): string {
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
export function formatUsdExact(micro: number): string {
  const sign = micro < 0 ? '-' : '';
  const abs = Math.abs(micro);
  return `${sign}$${Math.floor(abs / 1_000_000)}.${String(abs % 1_000_000).padStart(6, '0')}`;
}
