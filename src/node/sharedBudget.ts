import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { SHARED_LIMIT_KEYS, type LimitStamp, type SharedLimits } from '../core/budget/sharedLimits';
import type { Disposable } from '../core/events';

/** Its name in the ledger folder. */
export const SHARED_BUDGET_FILE = 'budget-settings.json';

/**
 * The limit settings as windows last saw the user change them, one stamp per setting, in a file beside
 * the ledger shared by every window (see withSharedLimits for how they are applied).
 */
export class SharedBudgetFile {
  constructor(readonly file: string) {}

  read(): SharedLimits {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch {
      return {}; // none yet, or unreadable: each window's own settings apply
    }
    const out: SharedLimits = {};
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return out;
    for (const key of SHARED_LIMIT_KEYS) {
      const s = (parsed as Record<string, Partial<LimitStamp> | undefined>)[key];
      if (s && typeof s === 'object' && typeof s.at === 'number' && Number.isFinite(s.at) && typeof s.by === 'string') out[key] = { value: s.value, at: s.at, by: s.by };
    }
    return out;
  }

  /** Records settings the user just changed, each unless a newer stamp is already there; replaced in one rename. */
  write(stamps: SharedLimits): void {
    const next = this.read();
    let changed = false;
    for (const key of SHARED_LIMIT_KEYS) {
      const s = stamps[key];
      if (s && !(next[key] && next[key].at > s.at)) {
        next[key] = s;
        changed = true;
      }
    }
    if (!changed) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${randomUUID()}.tmp`;
    writeFileSync(tmp, JSON.stringify(next));
    renameSync(tmp, this.file);
  }

  /** Calls `listener` when another process replaces the file. */
  watch(listener: () => void): Disposable {
    let watcher: FSWatcher | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      watcher = watch(dirname(this.file), (_event, name) => {
        if (name !== basename(this.file)) return;
        clearTimeout(timer);
        timer = setTimeout(listener, 50);
      });
      watcher.on('error', () => undefined);
    } catch {
      /* no watching: the stamp is still read before every request */
    }
    return {
      dispose: () => {
        clearTimeout(timer);
        watcher?.close();
      },
    };
  }
}
