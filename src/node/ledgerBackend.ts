import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import type { Disposable } from '../core/events';
import type { LedgerStore, MonthChunk } from '../core/ledger/ledgerStore';
import { BudgetRefusal } from '../core/ledger/spendLedger';
import { postgresUrlProblem, type LedgerSettings } from '../core/ledgerSettings';
import { JsonlLedgerStore } from './jsonlLedgerStore';
import { PostgresLedgerStore } from './postgresLedgerStore';
import { isOwnerAlive } from './processOwner';

/** The ledger a process spends through, as settings chose it. */
export interface LedgerBackend {
  store: LedgerStore;
  /** Whether the holder of a reservation still runs (for the orphan sweep). */
  isAlive: (owner: string) => boolean;
  /** Who spends (`costwise.identity`, else user@host). */
  person: string;
  /** This process as its reservations and lease name it. */
  owner: string;
  /** The team ledger, when the backend is PostgreSQL. */
  team?: PostgresLedgerStore;
  /** Said in messages: "this machine's ledger" or "the team ledger (PostgreSQL host:5432/db)". */
  describe: string;
  close(): Promise<void>;
}

export function defaultIdentity(): string {
  let user = 'user';
  try {
    user = userInfo().username || user;
  } catch {
    /* no passwd entry (a container): keep the placeholder */
  }
  return `${user}@${hostname()}`;
}

/**
 * Builds the chosen store. `localDir` is this machine's ledger folder; a team ledger keeps its outbox
 * (records written while the database was away) beside it. A team ledger that is misconfigured is not
 * replaced by the local one (that would lift the team's budget): every paid request is refused, saying why.
 */
export function openLedgerBackend(s: LedgerSettings, localDir: string, owner: string, password?: () => Promise<string | undefined>): LedgerBackend {
  const person = s.identity || defaultIdentity();
  if (s.backend === 'local') {
    return { store: new JsonlLedgerStore(localDir), isAlive: isOwnerAlive, person, owner, describe: "this machine's ledger", close: async () => undefined };
  }
  const problem = postgresUrlProblem(s.postgresUrl);
  if (problem) {
    const store = new RefusingLedgerStore(`the team ledger is chosen (costwise.ledger.backend) but costwise.ledger.postgresUrl ${problem}`);
    return { store, isAlive: () => true, person, owner, describe: 'the team ledger (not configured)', close: async () => undefined };
  }
  const team = new PostgresLedgerStore({ url: s.postgresUrl, ...(password ? { password } : {}), outboxDir: join(localDir, 'team-outbox'), owner, person, offlineAllowance: s.offlineAllowance });
  return { store: team, isAlive: team.isAlive, person, owner, team, describe: `the team ledger (${team.where})`, close: () => team.close() };
}

/** A ledger that cannot be used: reads are empty, and every reservation is refused with `reason`. */
export class RefusingLedgerStore implements LedgerStore {
  constructor(readonly reason: string) {}
  async append(): Promise<void> {
    throw new Error(`Costwise cannot record spend: ${this.reason}.`);
  }
  async readMonth(_month: string, fromOffset = 0): Promise<MonthChunk> {
    return { records: [], corrupt: [], nextOffset: fromOffset, lines: 0, reset: false };
  }
  async months(): Promise<string[]> {
    return [];
  }
  async withLock<T>(): Promise<T> {
    throw new BudgetRefusal(this.reason);
  }
  watch(): Disposable {
    return { dispose: () => undefined };
  }
}
