import type { TimeWindows } from './priceEntry';
import { fromLocal, localTime } from './zonedTime';

const DAY = 86_400_000;

const parsed = new Map<string, number>();

export function hhmmToMinutes(s: string): number {
  const hit = parsed.get(s);
  if (hit !== undefined) return hit;
  const m = /^(\d{2}):(\d{2})$/.exec(s);
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  if (!(minutes >= 0 && minutes <= 24 * 60)) throw new RangeError(`not a time of day (HH:MM): ${JSON.stringify(s)}`);
  parsed.set(s, minutes);
  return minutes;
}

function activeDay(rule: TimeWindows, date: string, weekday: number): boolean {
  return rule.weekdays.includes(weekday) && !rule.holidays.includes(date);
}

/** Whether `ms` falls inside one of the rule's windows (start inclusive, end exclusive, local time). */
export function inWindow(rule: TimeWindows, ms: number): boolean {
  const t = localTime(rule.zone, ms);
  if (!activeDay(rule, t.date, t.weekday)) return false;
  return rule.windows.some(([a, b]) => t.minutes >= hhmmToMinutes(a) && t.minutes < hhmmToMinutes(b));
}

export function labelAt(rule: TimeWindows, ms: number): string {
  return inWindow(rule, ms) ? rule.label : rule.otherLabel;
}

/**
 * The next instant after `ms` at which the rule's label changes (e.g. "off-peak until 01:00 UTC"), looking
 * up to three weeks ahead (long holidays); undefined if it never changes in that time.
 */
export function nextChange(rule: TimeWindows, ms: number): number | undefined {
  const now = inWindow(rule, ms);
  const start = localTime(rule.zone, ms).date;
  for (let d = 0; d < 21; d++) {
    const date = new Date(Date.parse(`${start}T00:00:00Z`) + d * DAY).toISOString().slice(0, 10);
    const bounds = rule.windows.flatMap(([a, b]) => [hhmmToMinutes(a), hhmmToMinutes(b)]).sort((x, y) => x - y);
    for (const minutes of bounds) {
      const at = fromLocal(rule.zone, date, minutes);
      if (at > ms && inWindow(rule, at) !== now) return at;
    }
    // Midnight can end a window that runs to 24:00 or start a day with none.
    const midnight = fromLocal(rule.zone, date, 24 * 60);
    if (midnight > ms && inWindow(rule, midnight) !== now) return midnight;
  }
  return undefined;
}
