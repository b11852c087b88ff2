import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { SHARED_LIMIT_KEYS, type LimitStamp, type SharedLimitKey, type SharedLimits } from '../core/budget/sharedLimits';
import type { Disposable } from '../core/events';

/** Its name in the ledger folder. */
export const SHARED_LIMITS_DIR = 'limits';

/**
 * The limit settings as windows last saw the user change them: one small file per setting
 * (`limits/budget.monthlyUsd.json`), in the ledger folder every window and the CLI share (see
 * withSharedLimits for how they are applied). One file per setting, so two windows stamping different
 * settings at once never overwrite each other; each file is replaced in one rename.
 */
export class SharedLimitStamps {
  constructor(readonly dir: string) {}

  fileFor(key: SharedLimitKey): string {
    return join(this.dir, `${key}.json`);
  }

  read(): SharedLimits {
    const out: SharedLimits = {};
    for (const key of SHARED_LIMIT_KEYS) {
      const s = this.readOne(key);
      if (s) out[key] = s;
    }
    return out;
  }

  private readOne(key: SharedLimitKey): LimitStamp | undefined {
    let s: Partial<LimitStamp>;
    try {
      s = JSON.parse(readFileSync(this.fileFor(key), 'utf8')) as Partial<LimitStamp>;
    } catch {
      return undefined; // none yet, or unreadable: each window's own setting applies
    }
    if (!s || typeof s !== 'object' || typeof s.at !== 'number' || !Number.isFinite(s.at) || typeof s.by !== 'string' || !('value' in s)) return undefined;
    return { value: s.value, at: s.at, by: s.by };
  }

  /** Records settings the user just changed, each unless a newer stamp is already there. */
  write(stamps: SharedLimits): void {
    for (const key of SHARED_LIMIT_KEYS) {
      const s = stamps[key];
      if (!s) continue;
      const current = this.readOne(key);
      if (current && current.at > s.at) continue;
      mkdirSync(this.dir, { recursive: true });
      const tmp = join(this.dir, `.${key}.${randomUUID()}.tmp`);
      writeFileSync(tmp, JSON.stringify(s));
      renameSync(tmp, this.fileFor(key));
    }
  }

  /** Calls `listener` when another process stamps a setting. */
  watch(listener: () => void): Disposable & { ready: Promise<void> } {
    let watcher: FSWatcher | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      mkdirSync(this.dir, { recursive: true });
      watcher = watch(this.dir, (_event, name) => {
        if (!name || !String(name).endsWith('.json') || String(name).startsWith('.')) return;
        clearTimeout(timer);
        timer = setTimeout(listener, 50);
      });
      watcher.on('error', () => undefined);
    } catch {
      /* no watching: the stamps are still read before every request */
    }
    return {
      ready: Promise.resolve(), // watching from the moment watch() returns
      dispose: () => {
        clearTimeout(timer);
        watcher?.close();
      },
    };
  }
}
