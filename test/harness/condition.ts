/**
 * Waits for a condition on state that callbacks change: `changed()` is called where the state changes,
 * `until(test)` resolves once `test()` holds. No polling and no deadline of its own (the test's
 * timeout is the only limit), so a slow machine is slower, never wrong.
 */
export class Condition {
  private waiters: Array<{ test: () => boolean; resolve: () => void }> = [];

  changed(): void {
    this.waiters = this.waiters.filter((w) => (w.test() ? (w.resolve(), false) : true));
  }

  until(test: () => boolean): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }
}

/**
 * Waits until `test()` holds, for state no callback reports (a file's size): checks it between short
 * pauses, with no deadline of its own (the test's timeout is the only limit).
 */
export async function until(test: () => boolean): Promise<void> {
  while (!test()) await pause(10);
}

/**
 * Waits until the async `probe` returns a value (not undefined/false), for state only a query can tell
 * (a server becoming ready, a first scrape): asks again after `everyMs`, fails naming `what` (and
 * `detail()`, when given) once `timeoutMs` has passed.
 */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined | false>, o: { timeoutMs: number; everyMs: number; detail?: () => Promise<string> | string }): Promise<T> {
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not after ${Math.round(o.timeoutMs / 1000)} s${o.detail ? `; ${await o.detail()}` : ''}`);
    await pause(o.everyMs);
  }
}

/** The one pause between two checks of a condition (never a wait for an event that could be awaited). */
function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
