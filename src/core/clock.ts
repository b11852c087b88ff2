/** The clock is a port: core never reads the system time itself, so time-dependent rules are testable. */
export interface Clock {
  now(): Date;
}

export function fixedClock(at: Date | string): Clock {
  const d = typeof at === 'string' ? new Date(at) : at;
  return { now: () => new Date(d.getTime()) };
}
