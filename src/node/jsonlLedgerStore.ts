import { watch, type FSWatcher } from 'node:fs';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Disposable } from '../core/events';
import type { CorruptLine, LedgerStore, MonthRead } from '../core/ledger/ledgerStore';
import { localMonthKey } from '../core/ledger/periods';
import { parseLedgerLine, type LedgerRecord } from '../core/ledger/records';
import { withFileLock } from './fileLock';

/**
 * The ledger as append-only JSON Lines, one file per local calendar month (`spend-YYYY-MM.jsonl`),
 * shared by every window and the CLI. Each record is one `appendFile` of one line.
 */
export class JsonlLedgerStore implements LedgerStore {
  constructor(readonly dir: string) {}

  fileFor(month: string): string {
    return join(this.dir, `spend-${month}.jsonl`);
  }

  async append(record: LedgerRecord): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await appendFile(this.fileFor(localMonthKey(new Date(record.at))), JSON.stringify(record) + '\n', { encoding: 'utf8' });
  }

  async readMonth(month: string): Promise<MonthRead> {
    const file = this.fileFor(month);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], corrupt: [] };
      throw e;
    }
    const records: LedgerRecord[] = [];
    const corrupt: CorruptLine[] = [];
    const lines = text.split('\n');
    // The last element is '' when the file ends in a newline, or else a line torn by a crash or still
    // being appended: either way not a record (yet), so it is skipped, never reported as corrupt.
    for (let i = 0; i < lines.length - 1; i++) {
      const line = lines[i]!;
      if (!line.trim()) continue;
      const parsed = parseLedgerLine(line);
      if (parsed.ok) records.push(parsed.record);
      else corrupt.push({ file, lineNumber: i + 1, error: parsed.error });
    }
    return { records, corrupt };
  }

  async withLock<T>(fn: () => Promise<T>): Promise<T> {
    await mkdir(this.dir, { recursive: true });
    return withFileLock(join(this.dir, '.lock'), fn);
  }

  watch(listener: () => void): Disposable {
    let watcher: FSWatcher | undefined;
    let timer: NodeJS.Timeout | undefined;
    const fire = () => {
      clearTimeout(timer);
      timer = setTimeout(listener, 100);
    };
    mkdir(this.dir, { recursive: true })
      .then(() => {
        watcher = watch(this.dir, (_event, name) => {
          if (name && String(name).endsWith('.jsonl')) fire();
        });
        watcher.on('error', () => undefined);
      })
      .catch(() => undefined);
    return {
      dispose: () => {
        clearTimeout(timer);
        watcher?.close();
      },
    };
  }
}
