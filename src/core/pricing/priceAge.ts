import { instantMs } from './instants';

/** Price data older than this is flagged wherever costs are shown. */
export const STALE_AFTER_DAYS = 60;

export function priceAge(dataDate: string, now: number): { days: number; stale: boolean } {
  let days = Infinity;
  try {
    days = Math.max(0, Math.floor((now - instantMs(dataDate)) / 86_400_000));
  } catch {
    // An unreadable date is as bad as an old one.
  }
  return { days, stale: days > STALE_AFTER_DAYS };
}
