/**
 * How long the event loop went without running a timer: a ticker every `intervalMs` records the
 * longest gap beyond its interval. Used by the load test (extension host) and the benchmarks.
 */
export function watchLag(intervalMs = 10): { worst: () => number; stop: () => number } {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - intervalMs);
    last = now;
  }, intervalMs);
  return {
    worst: () => worst,
    stop: () => {
      clearInterval(timer);
      return worst;
    },
  };
}

/** Runs `work` and returns its result with the worst event-loop lag seen meanwhile (ms). */
export async function withLag<T>(work: () => Promise<T>, intervalMs = 5): Promise<[T, number]> {
  const lag = watchLag(intervalMs);
  try {
    return [await work(), lag.worst()];
  } finally {
    lag.stop();
  }
}
