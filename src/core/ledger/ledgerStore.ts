import type { TeamBudgets } from '../budget/teamLimits';
import type { Disposable } from '../events';
import type { LedgerRecord } from './records';

export interface CorruptLine {
  file: string;
  lineNumber: number;
  error: string;
}

/** Records appended to one month's file since `fromOffset`. */
export interface MonthChunk {
  records: LedgerRecord[];
  /** Lines that failed validation: kept in the file, reported, never rewritten. */
  corrupt: CorruptLine[];
  /** Where the next read continues (after the last complete line). */
  nextOffset: number;
  /** Lines consumed, so the next chunk numbers its lines on from here. */
  lines: number;
  /** The file is shorter than `fromOffset`: it was replaced; read again from 0. */
  reset: boolean;
}

/** What a store read under its lock besides the records. */
export interface LockedView {
  /** The team's budgets as the team ledger holds them, read in the same transaction (a team ledger only). */
  teamBudgets?: TeamBudgets;
}

/** Where ledger records live. The Node adapter is JSON Lines, one file per month, under a lock. */
export interface LedgerStore {
  /** Appends one record with a single write, to the file of the month it is counted in. */
  append(record: LedgerRecord): Promise<void>;
  /** Complete lines of one local calendar month (`YYYY-MM`) from a byte offset; a torn last line waits. */
  readMonth(month: string, fromOffset?: number, firstLine?: number): Promise<MonthChunk>;
  /** Months (`YYYY-MM`) that have a file, oldest first. */
  months(): Promise<string[]>;
  /** Runs `fn` holding a lock shared with every other process using the same ledger. */
  withLock<T>(fn: (view: LockedView) => Promise<T>): Promise<T>;
  /** Calls `listener` when another process (or window) changes the ledger. */
  watch(listener: () => void): Disposable;
}
