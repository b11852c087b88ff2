import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, rmdir, stat, utimes, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isOwnerAlive, processOwner } from './processOwner';

export interface FileLockOptions {
  /** A lock whose holder has not refreshed it for this long is taken over (holders on other hosts). */
  staleMs?: number;
  timeoutMs?: number;
  /** This process (`host:pid:start`); defaults to the running process. */
  owner?: string;
  /** Whether a holder is still running; a dead holder's lock is taken over at once. */
  isAlive?: (owner: string) => boolean;
}

let thisProcess: string | undefined;

/**
 * A cross-process lock: a directory `lockPath` holding an `owner` file (`host:pid:start nonce`).
 *
 * - Taking it: the directory is made under a private name with its owner file inside and renamed into
 *   place; `rename` onto a directory that exists (and is never empty) fails, so exactly one wins and
 *   there is never a moment when the lock exists without saying who holds it.
 * - A holder that died (SIGKILL, OOM, power cut of a window) is seen at once: its pid is gone, and a
 *   waiter takes the lock over without waiting. Only one waiter can: it must first create the claim
 *   `takeover-<nonce>` inside that very lock, then check the owner is still the dead one, then
 *   atomically replace the owner file. A late waiter that saw the same dead holder finds its claim
 *   taken, or (in a newer lock) a different owner, and backs off.
 * - A holder refreshes the lock's mtime; one untouched for `staleMs` (another host's process, which
 *   cannot be checked) is taken over the same way.
 * - Releasing renames the lock away first, then deletes it, so it is never half-removed.
 */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, opts: FileLockOptions = {}): Promise<T> {
  const staleMs = opts.staleMs ?? 30_000;
  const isAlive = opts.isAlive ?? isOwnerAlive;
  const nonce = randomUUID();
  const token = `${opts.owner ?? (thisProcess ??= processOwner())} ${nonce}`;
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  const ownerFile = join(lockPath, 'owner');
  const fresh = `${lockPath}.${nonce}.tmp`;
  let delay = 2;
  let taken = false;
  try {
    for (;;) {
      if ((taken = await tryCreate(fresh, lockPath, token))) break;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for the ledger lock ${lockPath} (held by ${await describeHolder(ownerFile)})`);
      const seen = await readFile(ownerFile, 'utf8').catch(() => undefined);
      const age = await stat(lockPath).then((s) => Date.now() - s.mtimeMs, () => undefined);
      if (age === undefined) continue; // released a moment ago: try again at once
      const [holder, holderNonce] = (seen ?? '').split(' ');
      if (holderNonce) {
        if ((!isAlive(holder!) || age > staleMs) && (await takeOver(lockPath, seen!, holderNonce, token, nonce))) break;
      } else if (age > staleMs) {
        await rmdir(lockPath).catch(() => undefined); // a lock without an owner (an older Costwise's): only if empty
      }
      await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
      delay = Math.min(delay * 2, 50);
    }
  } finally {
    // Renamed into place when it became the lock; otherwise (taken over, timed out) it is left here.
    if (!taken) await rm(fresh, { recursive: true, force: true }).catch(() => undefined);
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
    await release(lockPath, token, nonce);
  }
}

async function describeHolder(ownerFile: string): Promise<string> {
  const seen = await readFile(ownerFile, 'utf8').catch(() => '');
  return seen.split(' ')[0] || 'an unknown process';
}

/** Makes the lock under a private name, owner file inside, and renames it into place. */
async function tryCreate(fresh: string, lockPath: string, token: string): Promise<boolean> {
  await mkdir(fresh, { recursive: true });
  await writeFile(join(fresh, 'owner'), token);
  try {
    await rename(fresh, lockPath);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EPERM' || code === 'EACCES') return false;
    if (code === 'ENOENT') return false; // our private directory was swept: it is made again next time
    throw e;
  }
}

async function takeOver(lockPath: string, seen: string, seenNonce: string, token: string, nonce: string): Promise<boolean> {
  const claim = join(lockPath, `takeover-${seenNonce}`);
  try {
    await mkdir(claim);
  } catch {
    return false; // another waiter is taking it over, or the lock is gone
  }
  const now = await readFile(join(lockPath, 'owner'), 'utf8').catch(() => undefined);
  if (now !== seen) {
    await rmdir(claim).catch(() => undefined); // a newer lock: not ours to take
    return false;
  }
  const next = join(lockPath, `owner.${nonce}`);
  await writeFile(next, token);
  await rename(next, join(lockPath, 'owner'));
  await utimes(lockPath, new Date(), new Date()).catch(() => undefined);
  return true;
}

async function release(lockPath: string, token: string, nonce: string): Promise<void> {
  const holder = await readFile(join(lockPath, 'owner'), 'utf8').catch(() => undefined);
  if (holder !== token) return; // taken over (we were too slow to refresh it): not ours to remove
  const gone = `${lockPath}.${nonce}.released`;
  try {
    await rename(lockPath, gone);
  } catch {
    return;
  }
  await rm(gone, { recursive: true, force: true }).catch(() => undefined);
}

/** Removes what killed processes left beside the lock (private or released copies older than `olderThanMs`). */
export async function sweepLockLeftovers(lockPath: string, olderThanMs = 120_000): Promise<number> {
  const dir = dirname(lockPath);
  const prefix = `${basename(lockPath)}.`;
  let removed = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.startsWith(prefix) || !/\.(tmp|released)$/.test(name)) continue;
    const path = join(dir, name);
    const age = await stat(path).then((s) => Date.now() - s.mtimeMs, () => -1);
    if (age > olderThanMs) {
      await rm(path, { recursive: true, force: true }).catch(() => undefined);
      removed++;
    }
  }
  return removed;
}
