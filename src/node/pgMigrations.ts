import type { Pool } from 'pg';

/**
 * The team ledger's schema, as numbered steps. A step is never edited once released: a change is a new
 * step. Each is applied in its own transaction and recorded in `costwise_schema`.
 */
export const MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'records and owner leases',
    sql: `
      CREATE TABLE costwise_records (
        seq bigserial PRIMARY KEY,
        id text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('reserve', 'settle', 'release')),
        month text NOT NULL,
        spend_at timestamptz NOT NULL,
        person text,
        body text NOT NULL,
        written_at timestamptz NOT NULL DEFAULT now()
      );
      -- One reservation and at most one closing record (settle or release) per id: an upload or a
      -- retry after an unknown commit outcome is a no-op, never a second charge.
      CREATE UNIQUE INDEX costwise_records_one_reserve ON costwise_records (id) WHERE kind = 'reserve';
      CREATE UNIQUE INDEX costwise_records_one_close ON costwise_records (id) WHERE kind <> 'reserve';
      CREATE INDEX costwise_records_month_seq ON costwise_records (month, seq);
      CREATE TABLE costwise_owners (
        owner text PRIMARY KEY,
        person text,
        heartbeat_at timestamptz NOT NULL,
        lease_ms integer NOT NULL CHECK (lease_ms > 0)
      );`,
  },
  {
    version: 2,
    name: 'team and personal budgets',
    sql: `
      CREATE TABLE costwise_budgets (
        scope text PRIMARY KEY CHECK (scope = 'team' OR scope = 'per-person' OR scope LIKE 'person:%'),
        monthly_micro bigint CHECK (monthly_micro >= 0),
        daily_micro bigint CHECK (daily_micro >= 0),
        set_by text NOT NULL,
        set_at timestamptz NOT NULL DEFAULT now()
      );`,
  },
];

/** Session-level advisory lock key that serialises migrations of one database ("cwmigrat"). */
const MIGRATION_LOCK = 0x63776d6967726174n;

/**
 * Brings the schema up to date. Safe when several clients start at once: the first takes a session
 * advisory lock and migrates, the others wait for it and then find nothing left to do. A database
 * migrated by a newer Costwise (a version this one does not know) is refused, never written to.
 */
export async function migrate(pool: Pool): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK.toString()]);
    try {
      await client.query('CREATE TABLE IF NOT EXISTS costwise_schema (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
      const { rows } = await client.query<{ version: number }>('SELECT version FROM costwise_schema ORDER BY version');
      const have = new Set(rows.map((r) => r.version));
      const newest = Math.max(0, ...have);
      const known = Math.max(...MIGRATIONS.map((m) => m.version));
      if (newest > known) throw new Error(`the team ledger's schema is version ${newest}, newer than this Costwise knows (${known}): update Costwise`);
      for (const m of MIGRATIONS) {
        if (have.has(m.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query('INSERT INTO costwise_schema (version, name) VALUES ($1, $2)', [m.version, m.name]);
          await client.query('COMMIT');
        } catch (e) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw new Error(`migrating the team ledger to version ${m.version} (${m.name}) failed: ${(e as Error).message}`);
        }
      }
      return known;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK.toString()]).catch(() => undefined);
    }
  } finally {
    client.release();
  }
}
