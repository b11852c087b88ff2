import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { teamRules } from '../core/budget/teamBudgets';
import type { LimitRule } from '../core/budget/budget';
import { usdToMicro } from '../core/money';
import { defaultIdentity, type LedgerBackend } from '../node/ledgerBackend';
import { JsonlLedgerStore } from '../node/jsonlLedgerStore';
import { PostgresLedgerStore } from '../node/postgresLedgerStore';
import { isConnectionError } from '../node/pgErrors';
import { readTeamBudgets } from '../node/pgTeamBudgets';
import { isOwnerAlive, processOwner } from '../node/processOwner';
import { defaultConfigFile } from './cliConfig';
import { defaultLedgerDir } from './ledgerLocation';
import { UsageError } from './usageError';


interface LedgerConfig {
  postgresUrl?: string;
  password?: string;
  offlineAllowanceUsd?: number;
  identity?: string;
}

/** The `ledger` section and `identity` of the CLI's config file (a file holding a password must be chmod 600). */
function readLedgerConfig(file: string): LedgerConfig {
  if (!existsSync(file)) return {};
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new UsageError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  const l = (raw.ledger ?? {}) as Record<string, unknown>;
  if (typeof l.password === 'string' && process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    throw new UsageError(`${file} holds the team ledger's password but other users can read it: run chmod 600 ${JSON.stringify(file)}`);
  }
  const out: LedgerConfig = {};
  if (l.backend === 'postgres' && typeof l.postgresUrl === 'string') out.postgresUrl = l.postgresUrl;
  if (typeof l.password === 'string') out.password = l.password;
  if (typeof l.offlineAllowanceUsd === 'number' && l.offlineAllowanceUsd >= 0) out.offlineAllowanceUsd = l.offlineAllowanceUsd;
  if (typeof raw.identity === 'string' && raw.identity.trim()) out.identity = raw.identity.trim();
  return out;
}

/**
 * The ledger the CLI spends through: the team ledger when $COSTWISE_PG_URL is set or the config file
 * says `"ledger": { "backend": "postgres", "postgresUrl": … }` (password from $COSTWISE_PG_PASSWORD,
 * the URL, or the file), else this machine's JSON Lines ledger (`--ledger DIR`, $COSTWISE_LEDGER, or
 * VS Code's storage). A team ledger keeps its outbox in the local ledger folder.
 */
export function cliLedgerBackend(opts: { ledger?: string; config?: string }, env: NodeJS.ProcessEnv = process.env): LedgerBackend & { where: string } {
  const dir = opts.ledger ?? defaultLedgerDir(env);
  const cfg = readLedgerConfig(opts.config ?? defaultConfigFile(env));
  const person = env.COSTWISE_IDENTITY?.trim() || cfg.identity || defaultIdentity();
  const owner = processOwner();
  const url = env.COSTWISE_PG_URL?.trim() || cfg.postgresUrl;
  if (!url) return { store: new JsonlLedgerStore(dir), isAlive: isOwnerAlive, person, owner, describe: "this machine's ledger", where: dir, close: async () => undefined };
  if (!/^postgres(ql)?:\/\//.test(url)) throw new UsageError('COSTWISE_PG_URL (or ledger.postgresUrl) must be postgresql://user@host:5432/database');
  const password = env.COSTWISE_PG_PASSWORD ?? cfg.password;
  const offline = env.COSTWISE_OFFLINE_ALLOWANCE_USD !== undefined ? Number(env.COSTWISE_OFFLINE_ALLOWANCE_USD) : (cfg.offlineAllowanceUsd ?? 0);
  if (!Number.isFinite(offline) || offline < 0) throw new UsageError('COSTWISE_OFFLINE_ALLOWANCE_USD must be a number of dollars >= 0');
  const team = new PostgresLedgerStore({ url, ...(password !== undefined ? { password } : {}), outboxDir: join(dir, 'team-outbox'), owner, person, offlineAllowance: usdToMicro(offline), connectTimeoutMs: 5_000 });
  return { store: team, isAlive: team.isAlive, person, owner, team, describe: `the team ledger (${team.where})`, where: team.where, close: () => team.close() };
}

/**
 * The team's rules for this person (none on a local ledger). While the database is away there are
 * none to read, and none are needed: reservations are then refused, or held to the offline allowance.
 */
export async function cliTeamRules(b: LedgerBackend): Promise<LimitRule[]> {
  if (!b.team) return [];
  try {
    return teamRules(await readTeamBudgets(b.team), b.person);
  } catch (e) {
    if (isConnectionError(e)) return [];
    throw e;
  }
}
