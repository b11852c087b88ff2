import { mkdir, rmdir, stat, utimes } from 'node:fs/promises';

/**
 * A cross-process lock: `mkdir` is atomic on every local file system, so whoever creates the
 * directory holds the lock. A holder refreshes its mtime; a lock untouched for `staleMs` belonged
 * to a process that died and is taken over.
 */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, opts: { staleMs?: number; timeoutMs?: number } = {}): Promise<T> {
  const staleMs = opts.staleMs ?? 10_000;
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let delay = 2;
  for (;;) {
    try {
      await mkdir(lockPath);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const age = await stat(lockPath).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > staleMs) {
        await rmdir(lockPath).catch(() => undefined);
        continue;
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for the ledger lock ${lockPath}`);
      await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
      delay = Math.min(delay * 2, 50);
    }
  }
  const keepAlive = setInterval(() => {
    const now = new Date();
    utimes(lockPath, now, now).catch(() => undefined);
  }, staleMs / 3);
  keepAlive.unref?.();
  try {
    return await fn();
  } finally {
    clearInterval(keepAlive);
    await rmdir(lockPath).catch(() => undefined);
  }
}
