import { usdToMicro, type MicroUsd } from './money';

/** Where the ledger lives and who spends through it (costwise.ledger.*, costwise.identity). */
export interface LedgerSettings {
  /** `local`: JSON Lines on this machine; `postgres`: one ledger and budget shared by several machines or a team. */
  backend: 'local' | 'postgres';
  /** The team ledger's connection URL, without a password (that is kept in SecretStorage). */
  postgresUrl: string;
  /** Paid spend allowed while the team ledger cannot be reached; 0 = none (fail closed). */
  offlineAllowance: MicroUsd;
  /** Who spends (empty = user@host, filled in by the Node side). */
  identity: string;
}

export const DEFAULT_LEDGER: LedgerSettings = { backend: 'local', postgresUrl: '', offlineAllowance: 0, identity: '' };

/** Why a team ledger URL cannot be used, or undefined when it can. */
export function postgresUrlProblem(url: string): string | undefined {
  if (!url) return 'is empty: set it to postgresql://user@host:5432/database';
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `is not a URL (expected postgresql://user@host:5432/database)`;
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') return `must start with postgresql:// (got ${u.protocol})`;
  if (u.password) return 'must not contain a password: run "Costwise: Set Team Ledger Password…" (kept in SecretStorage), or COSTWISE_PG_PASSWORD for the CLI';
  return undefined;
}

export function parseLedgerSettings(raw: Record<string, unknown>, bad: (setting: string, message: string) => void): LedgerSettings {
  const out = { ...DEFAULT_LEDGER };
  const backend = raw['ledger.backend'];
  if (backend === 'local' || backend === 'postgres') out.backend = backend;
  else if (backend !== undefined && backend !== null) bad('ledger.backend', `must be "local" or "postgres" (got ${JSON.stringify(backend)}); using "local".`);
  const url = raw['ledger.postgresUrl'];
  if (typeof url === 'string') out.postgresUrl = url.trim();
  if (out.backend === 'postgres') {
    const problem = postgresUrlProblem(out.postgresUrl);
    if (problem) bad('ledger.postgresUrl', `${problem}; paid requests are refused until it is fixed.`);
  }
  const allowance = raw['ledger.offlineAllowanceUsd'];
  if (allowance !== undefined && allowance !== null) {
    if (typeof allowance === 'number' && Number.isFinite(allowance) && allowance >= 0 && allowance <= 1000) out.offlineAllowance = usdToMicro(allowance);
    else bad('ledger.offlineAllowanceUsd', `must be a number of dollars from 0 to 1,000 (got ${JSON.stringify(allowance)}); using 0 (no paid requests while the team ledger is away).`);
  }
  const id = raw['identity'];
  if (typeof id === 'string' && id.trim()) {
    if (id.trim().length <= 200 && !/[\u0000-\u001f]/.test(id)) out.identity = id.trim();
    else bad('identity', 'must be a name of at most 200 characters, on one line; using user@host.');
  }
  return out;
}
