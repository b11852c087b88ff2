import { closeSync, fstatSync, mkdirSync, openSync, readSync, watch, writeSync, type FSWatcher } from 'node:fs';
import { mkdir, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Disposable } from '../core/events';
import type { CorruptLine, LedgerStore, LockedView, MonthChunk } from '../core/ledger/ledgerStore';
import { localMonthKey } from '../core/ledger/periods';
import { parseLedgerLine, spendTime, type LedgerRecord } from '../core/ledger/records';
import { sweepLockLeftovers, withFileLock } from './fileLock';

const FILE = /^spend-(\d{4}-\d{2})\.jsonl$/;

/**
 * The ledger as append-only JSON Lines, one file per local calendar month (`spend-YYYY-MM.jsonl`),
 * shared by every window and the CLI. Each record is one `appendFile` of one line (O_APPEND, so
 * concurrent writers never interleave within a line); the file is never rewritten.
 */
export class JsonlLedgerStore implements LedgerStore {
  constructor(readonly dir: string) {}

  fileFor(month: string): string {
    return join(this.dir, `spend-${month}.jsonl`);
  }

  /**
   * Synchronous on purpose: five tiny syscalls on a local file take tens of microseconds, where the
   * thread-pool round trips of the async API cost far more, and the append must not lag a stream.
   */
  async append(record: LedgerRecord): Promise<void> {
    const file = this.fileFor(localMonthKey(new Date(spendTime(record))));
    if (!this.dirReady) {
      mkdirSync(this.dir, { recursive: true });
      this.dirReady = true;
    }
    let fd: number;
    try {
      fd = openSync(file, 'a+');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      mkdirSync(this.dir, { recursive: true }); // the folder was removed while we ran
      fd = openSync(file, 'a+');
    }
    try {
      // A crash mid-append can leave a torn last line; start on a fresh line so this record stays whole.
      const { size } = fstatSync(fd);
      let lead = '';
      if (size > 0) {
        const last = Buffer.alloc(1);
        readSync(fd, last, 0, 1, size - 1);
        if (last[0] !== 0x0a) lead = '\n';
      }
      writeSync(fd, lead + JSON.stringify(record) + '\n');
    } finally {
      closeSync(fd);
    }
  }

  private dirReady = false;
  /** Leftovers of killed processes beside the lock are swept once per store. */
  private swept = false;

  async readMonth(month: string, fromOffset = 0, firstLine = 0): Promise<MonthChunk> {
    const file = this.fileFor(month);
    let handle;
    try {
      handle = await open(file, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], corrupt: [], nextOffset: 0, lines: 0, reset: fromOffset > 0 };
      throw e;
    }
    try {
      const { size } = await handle.stat();
      if (size < fromOffset) return { records: [], corrupt: [], nextOffset: 0, lines: 0, reset: true };
      const buf = Buffer.allocUnsafe(size - fromOffset);
      let got = 0;
      while (got < buf.length) {
        const { bytesRead } = await handle.read(buf, got, buf.length - got, fromOffset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      // Only complete lines: a last line without its newline is still being appended, or was torn by
      // a crash; it is neither a record nor corrupt (yet), and the next read starts at it.
      const end = buf.lastIndexOf(0x0a, got - 1) + 1;
      const records: LedgerRecord[] = [];
      const corrupt: CorruptLine[] = [];
      let lines = 0;
      let start = 0;
      const text = buf.toString('utf8', 0, end);
      while (start < text.length) {
        const nl = text.indexOf('\n', start);
        const line = text.slice(start, nl);
        start = nl + 1;
        lines++;
        if (!line.trim()) continue;
        const parsed = parseLedgerLine(line);
        if (parsed.ok) {
          records.push(parsed.record);
          continue;
        }
        // A torn write followed by a whole record on the same line (written before writers healed
        // torn tails): keep the record, report the torn part.
        const resume = line.indexOf('{"v":', 1);
        const rest = resume > 0 ? parseLedgerLine(line.slice(resume)) : undefined;
        if (rest?.ok) records.push(rest.record);
        corrupt.push({ file, lineNumber: firstLine + lines, error: rest?.ok ? 'torn write before a record (the record was kept)' : parsed.error });
      }
      return { records, corrupt, nextOffset: fromOffset + end, lines, reset: false };
    } finally {
      await handle.close();
    }
  }

  async months(): Promise<string[]> {
    try {
      return (await readdir(this.dir)).flatMap((f) => FILE.exec(f)?.[1] ?? []).sort();
    } catch {
      return [];
    }
  }

  /** This machine's ledger holds no team budgets: `fn` sees only the records. */
  async withLock<T>(fn: (view: LockedView) => Promise<T>): Promise<T> {
    await mkdir(this.dir, { recursive: true });
    const lock = join(this.dir, '.lock');
    if (!this.swept) {
      this.swept = true;
      void sweepLockLeftovers(lock);
    }
    return withFileLock(lock, () => fn({}));
  }

  /** Calls `listener` when another process changes a month file; `ready` settles once it is watching. */
  watch(listener: () => void): Disposable & { ready: Promise<void> } {
    let watcher: FSWatcher | undefined;
    let timer: NodeJS.Timeout | undefined;
    let disposed = false;
    const fire = () => {
      clearTimeout(timer);
      timer = setTimeout(listener, 100);
    };
    const ready = mkdir(this.dir, { recursive: true })
      .then(() => {
        if (disposed) return;
        watcher = watch(this.dir, (_event, name) => {
          if (name && String(name).endsWith('.jsonl')) fire();
        });
        watcher.on('error', () => undefined);
      })
      .catch(() => undefined);
    return {
      ready,
      dispose: () => {
        disposed = true;
        clearTimeout(timer);
        watcher?.close();
      },
    };
  }
}
