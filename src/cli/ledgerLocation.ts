import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where desktop VS Code keeps Costwise's ledger (its globalStorage folder), per platform. */
export function defaultLedgerDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.COSTWISE_LEDGER) return env.COSTWISE_LEDGER;
  const home = homedir();
  const base =
    platform === 'win32'
      ? join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Code')
      : platform === 'darwin'
        ? join(home, 'Library', 'Application Support', 'Code')
        : join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Code');
  return join(base, 'User', 'globalStorage', 'costwise.costwise', 'ledger');
}
