import type { ResolvedPrices } from '../pricing/resolve';
import type { PriceEntry } from '../pricing/priceEntry';
import { instantMs } from '../pricing/instants';
import { priceAge } from '../pricing/priceAge';

/** Where a time-of-day price stood at the request's instant: "off-peak until 01:00 UTC (peak from then)". */
export interface TimeOfDay {
  /** The window's label at the instant (`peak` / `off-peak`). */
  label: string;
  /** When the label changes next (epoch ms); absent when it does not change within three weeks. */
  until?: number;
  /** The label from then on. */
  next?: string;
}

/** The time-of-day facts of a priced request, or undefined when the model bills the same at every hour. */
export function timeOfDayOf(entry: PriceEntry, resolved: ResolvedPrices): TimeOfDay | undefined {
  if (!entry.timed || resolved.window === undefined) return undefined;
  const { label, otherLabel } = entry.timed.rule;
  const next = resolved.window === label ? otherLabel : label;
  return { label: resolved.window, ...(resolved.windowChangesAt !== undefined ? { until: resolved.windowChangesAt, next } : {}) };
}

/** A promotional price's end, if the entry has one still ahead of `at` (ISO instant as written). */
export function promoEndOf(entry: PriceEntry | undefined, at: number): string | undefined {
  if (!entry?.promoUntil) return undefined;
  try {
    return instantMs(entry.promoUntil) > at ? entry.promoUntil : undefined;
  } catch {
    return undefined;
  }
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/**
 * An instant as a person reads it next to `from`: "01:00 UTC" within a day, else "Mon 2026-12-07 01:00 UTC".
 * Always UTC: the same words in every window and in the ledger's terms, whatever the machine's zone.
 */
export function formatChange(ms: number, from: number): string {
  const d = new Date(ms);
  const iso = d.toISOString();
  const hhmm = `${iso.slice(11, 16)} UTC`;
  return ms - from < 86_400_000 ? hhmm : `${WEEKDAYS[d.getUTCDay()]} ${iso.slice(0, 10)} ${hhmm}`;
}

/** "off-peak until 01:00 UTC (peak prices from then)", or just "off-peak" when it does not change soon. */
export function describeTimeOfDay(t: TimeOfDay, at: number): string {
  if (t.until === undefined) return t.label;
  return `${t.label} until ${formatChange(t.until, at)}${t.next ? ` (${t.next} prices from then)` : ''}`;
}

/** The answer footer's words: "off-peak price until 01:00 UTC". */
export function describePriceWindow(t: TimeOfDay, at: number): string {
  return `${t.label} price${t.until === undefined ? '' : ` until ${formatChange(t.until, at)}`}`;
}

/** How old the price data in use is, and where it came from (flagged stale after 60 days). */
export interface PriceDataAge {
  source: string;
  /** The upstream data's date (YYYY-MM-DD or ISO). */
  date: string;
  days: number;
  stale: boolean;
  /** When the curated corrections on top were last checked (YYYY-MM-DD), if known. */
  curated?: string;
}

export function priceDataAge(origin: { source: string; date: string }, at: number, curated?: string): PriceDataAge {
  const { days, stale } = priceAge(origin.date, at);
  return { source: origin.source, date: origin.date, days, stale, ...(curated ? { curated } : {}) };
}

/** "price data 68 days old (stale)" — the words shown wherever a cost is. */
export function describePriceAge(a: PriceDataAge): string {
  const age = Number.isFinite(a.days) ? `${a.days} day${a.days === 1 ? '' : 's'} old` : 'of unknown age';
  return `price data ${age}${a.stale ? ' (stale)' : ''}`;
}
