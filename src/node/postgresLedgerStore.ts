import { AsyncLocalStorage } from 'node:async_hooks';
import { hostname } from 'node:os';
import type { Pool, PoolClient, QueryResult } from 'pg';
import type { Disposable } from '../core/events';
import { pick } from '../core/lazyModule';
import type { CorruptLine, LedgerStore, LockedView, MonthChunk } from '../core/ledger/ledgerStore';
import { localMonthKey } from '../core/ledger/periods';
import { parseLedgerLine, spendTime, type LedgerRecord } from '../core/ledger/records';
import { BudgetRefusal } from '../core/ledger/spendLedger';
import { formatUsd, type MicroUsd } from '../core/money';
import { LedgerOutbox } from './ledgerOutbox';
import { migrate } from './pgMigrations';
import { BUDGETS_SQL, budgetsOf, type BudgetRow } from './pgTeamBudgets';
import { isOwnerAlive } from './processOwner';
import { describeDatabase, isConnectionError } from './pgErrors';
import { PgChangeListener } from './pgChangeListener';

export interface PostgresLedgerOptions {
  /** `postgresql://user@host:port/db` (the password comes apart, from SecretStorage or the CLI's config). */
  url: string;
  password?: string | (() => Promise<string | undefined>);
  /** Where records wait while the database is away (a folder on this machine). */
  outboxDir: string;
  /** This process (`host:pid:start`), as its reservations name it; it holds a lease while it runs. */
  owner: string;
  person?: string;
  /** A process whose lease is this old is gone, and its open reservations are orphans. */
  leaseMs?: number;
  /** Paid spend that may be reserved while the database is away (recorded here, uploaded later). */
  offlineAllowance?: MicroUsd;
  poolSize?: number;
  connectTimeoutMs?: number;
}

/** Transaction-level advisory lock that serialises every write to the ledger ("cwledger"). */
const LEDGER_LOCK = '7166464318683014514';
const CHANNEL = 'costwise_ledger';

type Context = { client: PoolClient; wrote: LedgerRecord[]; sent: number } | { offline: string };

/**
 * The ledger in PostgreSQL, shared by every machine of a team: a second adapter of the same port as the
 * JSON Lines store, so the same reserve -> settle/release protocol, records and folds apply.
 *
 * - Every write takes one transaction-level advisory lock, so rows commit in `seq` order and a reader
 *   that saw row n has seen every row before it (the incremental fold reads `seq > offset`).
 * - `withLock` is one transaction: the team's budgets and the spend are read and the reservation is
 *   inserted in it, under that lock; it commits or nothing was reserved.
 * - A record that cannot be written (the database is away) goes to a local outbox, is folded here at
 *   once and uploaded under the lock later; the database's unique indexes make a repeat upload a no-op.
 * - Owners hold leases (heartbeats in `costwise_owners`, on the database's clock): an open reservation
 *   whose owner's lease ran out is an orphan, whichever machine it came from.
 */
export class PostgresLedgerStore implements LedgerStore {
  private readonly ctx = new AsyncLocalStorage<Context>();
  private readonly outbox: LedgerOutbox;
  private readonly leaseMs: number;
  private ready: Promise<void> | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private live = new Set<string>();
  private lastBeat = 0;
  private readonly delivered = new Set<string>();
  private closed = false;
  readonly where: string;

  private poolPromise: Promise<Pool> | undefined;

  constructor(private readonly opts: PostgresLedgerOptions) {
    this.outbox = new LedgerOutbox(opts.outboxDir);
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.where = describeDatabase(opts.url);
    this.heartbeat = setInterval(() => void this.beat().catch(() => undefined), Math.max(100, Math.floor(this.leaseMs / 3)));
    this.heartbeat.unref();
  }

  /** Makes the store (kept for callers that await it); connecting happens on first use. */
  static async open(opts: PostgresLedgerOptions): Promise<PostgresLedgerStore> {
    return new PostgresLedgerStore(opts);
  }

  /** pg is loaded on first use, never during activation. */
  private pool(): Promise<Pool> {
    this.poolPromise ??= import('pg').then((mod) => {
      const PoolClass = pick<typeof import('pg').Pool>(mod, 'Pool');
      const pw = this.opts.password;
      const pool = new PoolClass({
        connectionString: this.opts.url,
        ...(pw === undefined ? {} : { password: typeof pw === 'string' ? pw : async () => (await pw()) ?? '' }),
        max: this.opts.poolSize ?? 4,
        connectionTimeoutMillis: this.opts.connectTimeoutMs ?? 5_000,
        idleTimeoutMillis: 10_000,
        allowExitOnIdle: true,
        application_name: 'costwise',
      });
      pool.on('error', () => undefined); // an idle client lost its server: the next query reconnects
      return pool;
    });
    return this.poolPromise;
  }

  /** Runs one statement on the pool (after connecting and migrating): for budgets, metrics and imports. */
  async sql<R extends Record<string, unknown>>(text: string, params: unknown[] = []): Promise<R[]> {
    await this.connect();
    return (await (await this.pool()).query<R>(text, params)).rows;
  }

  /** Connects, migrates and takes this process's lease; fails (and is tried again next time) while the database is away. */
  connect(): Promise<void> {
    this.ready ??= (async () => {
      await migrate(await this.pool());
      await this.writeLease();
    })().catch((e) => {
      this.ready = undefined;
      throw e;
    });
    return this.ready;
  }

  /** Renews this process's lease (connecting first, so a heartbeat also notices the database is back). */
  private async beat(): Promise<void> {
    if (this.closed) return;
    await this.connect();
    await this.writeLease();
  }

  private async writeLease(): Promise<void> {
    const at = Date.now();
    await (await this.pool()).query(
      `INSERT INTO costwise_owners (owner, person, heartbeat_at, lease_ms) VALUES ($1, $2, clock_timestamp(), $3)
       ON CONFLICT (owner) DO UPDATE SET heartbeat_at = clock_timestamp(), lease_ms = EXCLUDED.lease_ms`,
      [this.opts.owner, this.opts.person ?? null, this.leaseMs],
    );
    this.lastBeat = at; // only once it is in the database: a reservation is never made on a stale lease
  }

  async append(record: LedgerRecord): Promise<void> {
    const c = this.ctx.getStore();
    if (c && 'offline' in c) return this.appendOffline(record, c.offline);
    if (c) {
      c.wrote.push(record); // written with the commit, in the same round trip
      return;
    }
    try {
      await this.connect();
      await this.writeNow([record]);
    } catch (e) {
      if (!isConnectionError(e)) throw e;
      this.outbox.add([record]); // a settlement or release is never lost: it waits here
    }
  }

  private appendOffline(record: LedgerRecord, why: string): void {
    if (record.kind === 'reserve' && record.provider !== 'local') {
      const allowance = this.opts.offlineAllowance ?? 0;
      const used = this.outbox.pending().records.reduce((a, r) => a + (r.kind === 'reserve' && r.provider !== 'local' ? r.amount : 0), 0);
      if (used + record.amount > allowance) {
        const left = allowance
          ? `the offline allowance (costwise.ledger.offlineAllowanceUsd, ${formatUsd(allowance)}) has ${formatUsd(Math.max(0, allowance - used))} left`
          : 'paid requests wait for it (costwise.ledger.offlineAllowanceUsd allows a small amount offline)';
        throw new BudgetRefusal(`the team ledger (${this.where}) cannot be reached (${why}), and ${left}; local models still answer`);
      }
    }
    this.outbox.add([record]);
  }

  async readMonth(month: string, fromOffset = 0, firstLine = 0): Promise<MonthChunk> {
    const c = this.ctx.getStore();
    let chunk: MonthChunk = { records: [], corrupt: [], nextOffset: fromOffset, lines: 0, reset: false };
    if (!(c && 'offline' in c)) {
      try {
        if (c && c.wrote.length > c.sent) await this.sendWrites(c);
        chunk = await this.readRows(c ? c.client : await this.pool(), month, fromOffset, firstLine);
      } catch (e) {
        if (c || !isConnectionError(e)) throw e; // a budget check never runs on a partial view
      }
    }
    if (chunk.reset || fromOffset === 0) for (const k of [...this.delivered]) if (k.startsWith(`${month} `)) this.delivered.delete(k);
    // Records waiting in the outbox count here at once (a fold applies a repeat as a no-op).
    for (const r of this.outbox.pending().records) {
      const key = `${localMonthKey(new Date(spendTime(r)))} ${r.kind} ${r.id}`;
      if (!key.startsWith(`${month} `) || this.delivered.has(key)) continue;
      this.delivered.add(key);
      chunk.records.push(r);
    }
    return chunk;
  }

  private async readRows(q: Pool | PoolClient, month: string, fromOffset: number, firstLine: number): Promise<MonthChunk> {
    if (!this.ctx.getStore()) await this.connect();
    const { rows } = await q.query<{ seq: string; body: string }>('SELECT seq, body FROM costwise_records WHERE month = $1 AND seq > $2 ORDER BY seq', [month, fromOffset]);
    if (!rows.length && fromOffset > 0) {
      const max = Number((await q.query<{ m: string }>('SELECT coalesce(max(seq), 0) AS m FROM costwise_records')).rows[0]!.m);
      if (max < fromOffset) return { records: [], corrupt: [], nextOffset: 0, lines: 0, reset: true }; // a new database
    }
    const records: LedgerRecord[] = [];
    const corrupt: CorruptLine[] = [];
    for (const row of rows) {
      const parsed = parseLedgerLine(row.body);
      if (parsed.ok) records.push(parsed.record);
      else corrupt.push({ file: `${this.where} costwise_records seq ${row.seq}`, lineNumber: firstLine + records.length + corrupt.length + 1, error: parsed.error });
    }
    return { records, corrupt, nextOffset: rows.length ? Number(rows[rows.length - 1]!.seq) : fromOffset, lines: rows.length, reset: false };
  }

  async months(): Promise<string[]> {
    const out = new Set(this.outbox.pending().records.map((r) => localMonthKey(new Date(spendTime(r)))));
    try {
      await this.connect();
      for (const r of (await (await this.pool()).query<{ month: string }>('SELECT DISTINCT month FROM costwise_records')).rows) out.add(r.month);
    } catch (e) {
      if (!isConnectionError(e)) throw e;
    }
    return [...out].sort();
  }

  /**
   * One transaction under the ledger lock: renews this process's lease, reads who else holds one,
   * uploads what waits in the outbox, then runs `fn` (the budget check and the insert). While the
   * database is away `fn` runs against what this machine knows, and only an offline allowance lets a
   * paid reservation through.
   */
  async withLock<T>(fn: (view: LockedView) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      await this.connect();
      client = await this.checkout();
    } catch (e) {
      if (!isConnectionError(e)) throw e;
      return this.ctx.run({ offline: (e as Error).message || String(e) }, () => fn({}));
    }
    const c: Context = { client, wrote: [], sent: 0 };
    let uploading = 0;
    const beatAt = Date.now();
    const beat = beatAt - this.lastBeat > this.leaseMs / 3;
    try {
      // The lock first, alone: the statements after it take their snapshots once the lock is held, so
      // they see every lease, row and budget committed before. One round trip for all of them.
      return await this.locked(
        client,
        (q) => `${beat ? leaseSql(q, this.opts.owner, this.opts.person, this.leaseMs) + ';' : ''}
         SELECT array(SELECT owner FROM costwise_owners WHERE heartbeat_at > clock_timestamp() - lease_ms * interval '1 millisecond') AS live;
         ${BUDGETS_SQL}`,
        async (results) => {
          this.live = new Set([...((results[results.length - 2]?.rows[0]?.live as string[] | undefined) ?? []), this.opts.owner]);
          const teamBudgets = budgetsOf(results[results.length - 1]!.rows as BudgetRow[]);
          const waiting = this.outbox.pending();
          c.wrote.push(...waiting.records);
          uploading = waiting.records.length;
          const result = await this.ctx.run(c, () => fn({ teamBudgets }));
          await client.query(c.wrote.length > c.sent ? `${insertSql(client, c.wrote.slice(c.sent))}; ${notifySql(client, this.opts.owner)}; COMMIT` : c.wrote.length ? `${notifySql(client, this.opts.owner)}; COMMIT` : 'COMMIT');
          if (beat) this.lastBeat = beatAt;
          if (waiting.records.length) this.outbox.markUploaded(waiting.end);
          return result;
        },
      );
    } catch (e) {
      if (!isConnectionError(e)) throw e;
      // The commit may or may not have happened: release what was reserved, so it never holds money.
      // (Only this call's: what came from the outbox was real spend and is uploaded again later.)
      const now = new Date().toISOString();
      this.outbox.add(c.wrote.slice(uploading).flatMap((r) => (r.kind === 'reserve' ? [{ v: 1 as const, kind: 'release' as const, id: r.id, at: now, reservedAt: r.at, reason: 'the team ledger connection was lost while reserving; the request was not sent' }] : [])));
      throw new Error(`Costwise did not send the request: the connection to the team ledger (${this.where}) was lost (${(e as Error).message}).`);
    }
  }

  /**
   * The shared part of every write: one transaction on `client` under the ledger lock, `head`'s
   * statements in the same round trip as BEGIN and the lock, then `body` (which commits). Any failure
   * rolls back; a client whose connection broke is discarded rather than returned to the pool.
   */
  private async locked<T>(client: PoolClient, head: (q: PoolClient) => string, body: (results: QueryResult[]) => Promise<T>): Promise<T> {
    let broken: Error | undefined;
    try {
      const r = (await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${LEDGER_LOCK}); ${head(client)}`)) as unknown as QueryResult | QueryResult[];
      return await body(Array.isArray(r) ? r : [r]);
    } catch (e) {
      broken = isConnectionError(e) ? (e as Error) : undefined;
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release(broken);
    }
  }

  /** Sends the writes buffered so far in this transaction (before a read in it, which must see them). */
  private async sendWrites(c: { client: PoolClient; wrote: LedgerRecord[]; sent: number }): Promise<void> {
    const rows = c.wrote.slice(c.sent);
    c.sent = c.wrote.length;
    await c.client.query(insertSql(c.client, rows));
  }

  /** Records written at once in their own transaction under the ledger lock: one round trip. */
  private async writeNow(records: readonly LedgerRecord[]): Promise<void> {
    await this.locked(await this.checkout(), (q) => `${insertSql(q, records)}; ${notifySql(q, this.opts.owner)}; COMMIT`, async () => undefined);
  }

  /**
   * A pooled client that may lose its server while checked out: the pool only listens for errors on
   * idle clients, and an 'error' nobody hears ends the process. The failing query reports it instead.
   */
  private async checkout(): Promise<PoolClient> {
    const client = await (await this.pool()).connect();
    if (!client.listenerCount('error')) client.on('error', () => undefined);
    return client;
  }

  /** Writes `fn`'s statements in one transaction under the ledger lock (other windows are notified). */
  async transaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    await this.connect();
    const client = await this.checkout();
    return this.locked(client, () => '', async () => {
      const result = await fn(client);
      await client.query(`${notifySql(client, this.opts.owner)}; COMMIT`);
      return result;
    });
  }

  /** Copies records in (one transaction per 1,000); those already there are left as they are. Returns how many were new. */
  async importRecords(records: readonly LedgerRecord[]): Promise<number> {
    await this.connect();
    let added = 0;
    for (let i = 0; i < records.length; i += 1000) {
      const rows = records.slice(i, i + 1000).map(rowOf);
      const cols = [0, 1, 2, 3, 4, 5].map((k) => rows.map((r) => r[k]));
      await this.transaction(async (client) => {
        const r = await client.query('INSERT INTO costwise_records (id, kind, month, spend_at, person, body) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[]) ON CONFLICT DO NOTHING', cols);
        added += r.rowCount ?? 0;
      });
    }
    return added;
  }

  /** Uploads the outbox now (under the lock); true when nothing is left waiting. */
  async flush(): Promise<boolean> {
    if (!this.outbox.pending().records.length) return true;
    try {
      await this.withLock(async () => undefined);
    } catch (e) {
      if (!isConnectionError(e) && !/connection to the team ledger/.test((e as Error).message)) throw e;
    }
    return this.outbox.pending().records.length === 0;
  }

  /** Whether the holder of a reservation still runs: it holds a lease (as of the last lock), and on this host its pid lives. */
  isAlive = (owner: string): boolean => this.live.has(owner) && (owner.split(':')[0] !== hostname() || isOwnerAlive(owner));

  watch(listener: () => void): Disposable {
    const l = new PgChangeListener(this.opts.url, this.opts.password, CHANNEL, listener);
    return { dispose: () => l.dispose() };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    if (this.poolPromise) await (await this.poolPromise).end().catch(() => undefined);
  }
}

/** The INSERT of `records` with their values as literals (escaped by pg), so it can share a round trip. */
function insertSql(client: PoolClient, records: readonly LedgerRecord[]): string {
  const lit = (v: unknown) => (v === null ? 'NULL' : client.escapeLiteral(String(v)));
  return `INSERT INTO costwise_records (id, kind, month, spend_at, person, body) VALUES ${records.map((r) => `(${rowOf(r).map(lit).join(', ')})`).join(', ')} ON CONFLICT DO NOTHING`;
}

function notifySql(client: PoolClient, owner: string): string {
  return `SELECT pg_notify('${CHANNEL}', ${client.escapeLiteral(owner)})`;
}

function leaseSql(client: PoolClient, owner: string, person: string | undefined, leaseMs: number): string {
  return `INSERT INTO costwise_owners (owner, person, heartbeat_at, lease_ms) VALUES (${client.escapeLiteral(owner)}, ${person === undefined ? 'NULL' : client.escapeLiteral(person)}, clock_timestamp(), ${Math.floor(leaseMs)})
          ON CONFLICT (owner) DO UPDATE SET heartbeat_at = clock_timestamp(), lease_ms = EXCLUDED.lease_ms`;
}

function rowOf(r: LedgerRecord): unknown[] {
  const at = spendTime(r);
  const person = 'person' in r && typeof r.person === 'string' ? r.person : null;
  return [r.id, r.kind, localMonthKey(new Date(at)), at, person, JSON.stringify(r)];
}
