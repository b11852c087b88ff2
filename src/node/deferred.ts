import type { Disposable } from '../core/events';

/**
 * Starts something (a file watcher, a first read) only after the current call has returned — so
 * `activate()` stays object construction only — unless it is disposed first.
 */
export function deferred(start: () => Disposable | void): Disposable {
  let started: Disposable | void;
  let disposed = false;
  const handle = setImmediate(() => {
    if (!disposed) started = start();
  });
  return {
    dispose: () => {
      disposed = true;
      clearImmediate(handle);
      started?.dispose();
    },
  };
}
