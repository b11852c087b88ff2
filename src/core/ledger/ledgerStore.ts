import type { Disposable } from '../events';
import type { LedgerRecord } from './records';

export interface CorruptLine {
  file: string;
  lineNumber: number;
  error: string;
}

export interface MonthRead {
  records: LedgerRecord[];
  /** Lines that failed validation: kept in the file, reported, never rewritten. */
  corrupt: CorruptLine[];
}

/** Where ledger records live. The Node adapter is JSON Lines, one file per month, under a lock. */
export interface LedgerStore {
  /** Appends one record with a single write. */
  append(record: LedgerRecord): Promise<void>;
  /** All records of one local calendar month (`YYYY-MM`), tolerating a torn last line. */
  readMonth(month: string): Promise<MonthRead>;
  /** Runs `fn` holding a lock shared with every other process using the same ledger. */
  withLock<T>(fn: () => Promise<T>): Promise<T>;
  /** Calls `listener` when another process (or window) changes the ledger. */
  watch(listener: () => void): Disposable;
}
