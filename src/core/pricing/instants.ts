/**
 * Instants in price data: an ISO date-time with a zone (`2026-08-16T16:00:00Z`) or a bare date, which
 * means 00:00 UTC of that day. Anything else is an error, never a guess.
 */
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

export function instantMs(s: string): number {
  const ms = DATE.test(s) ? Date.parse(`${s}T00:00:00Z`) : DATE_TIME.test(s) ? Date.parse(s) : NaN;
  if (Number.isNaN(ms)) throw new RangeError(`not an instant (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z): ${JSON.stringify(s)}`);
  return ms;
}

export function isInstant(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  try {
    instantMs(s);
    return true;
  } catch {
    return false;
  }
}

/** `2026-12-01 00:00 UTC` style, for messages. */
export function formatInstant(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
