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
  while (!test()) await new Promise((r) => setTimeout(r, 10));
}
