/**
 * Wall-clock time in a named time zone, from the runtime's time-zone data (Intl): pure computation, no
 * I/O. Offsets are cached per zone and UTC hour (zones change offset on whole hours), so pricing a
 * request costs a map lookup, not a formatter call.
 */
export interface LocalTime {
  /** YYYY-MM-DD in the zone. */
  date: string;
  /** 1 = Monday .. 7 = Sunday. */
  weekday: number;
  /** Minutes since local midnight. */
  minutes: number;
}

const HOUR = 3_600_000;
const DAY = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, Map<number, number>>();
const dates = new Map<number, string>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    formatters.set(zone, f);
  }
  return f;
}

/** Throws a RangeError naming the zone when the runtime does not know it. */
export function checkZone(zone: string): void {
  formatter(zone);
}

/** The zone's offset from UTC in milliseconds at `ms`. */
export function zoneOffsetMs(zone: string, ms: number): number {
  const hour = Math.floor(ms / HOUR);
  let byHour = offsets.get(zone);
  if (!byHour) offsets.set(zone, (byHour = new Map()));
  let off = byHour.get(hour);
  if (off === undefined) {
    const parts: Record<string, string> = {};
    for (const p of formatter(zone).formatToParts(new Date(hour * HOUR))) parts[p.type] = p.value;
    const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute));
    off = asUtc - hour * HOUR;
    if (byHour.size > 4096) byHour.clear();
    byHour.set(hour, off);
  }
  return off;
}

export function localTime(zone: string, ms: number): LocalTime {
  const local = ms + zoneOffsetMs(zone, ms);
  const day = Math.floor(local / DAY);
  let date = dates.get(day);
  if (date === undefined) {
    date = new Date(day * DAY).toISOString().slice(0, 10);
    if (dates.size > 4096) dates.clear();
    dates.set(day, date);
  }
  // 1970-01-01 was a Thursday (4).
  const weekday = ((((day + 3) % 7) + 7) % 7) + 1;
  return { date, weekday, minutes: Math.floor((local - day * DAY) / 60_000) };
}

/** The UTC instant of a local wall-clock time (`date` at `minutes` past midnight) in the zone. */
export function fromLocal(zone: string, date: string, minutes: number): number {
  const guess = Date.parse(`${date}T00:00:00Z`) + minutes * 60_000;
  return guess - zoneOffsetMs(zone, guess - zoneOffsetMs(zone, guess));
}
