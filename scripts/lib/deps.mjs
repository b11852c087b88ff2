// Installs the project's npm dependencies when node_modules is missing or older than the lockfile.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { npmEnv } from './toolchain.mjs';

export function ensureDeps(root) {
  const lock = join(root, 'package-lock.json');
  const marker = join(root, 'node_modules', '.package-lock.json');
  const fresh = existsSync(marker) && (!existsSync(lock) || statSync(marker).mtimeMs >= statSync(lock).mtimeMs);
  if (fresh) return;
  process.stderr.write('[costwise] installing npm dependencies\n');
  const env = npmEnv(undefined);
  const args = ['--no-audit', '--no-fund', '--loglevel=error'];
  let r = spawnSync('npm', [existsSync(lock) ? 'ci' : 'install', ...args], { cwd: root, stdio: existsSync(lock) ? 'pipe' : 'inherit', env, encoding: 'utf8' });
  if (r.status !== 0 && existsSync(lock)) {
    // `npm ci` refuses a lockfile without the optional packages of other platforms (node-llama-cpp's
    // mac/win builds) when the registry in use does not carry them; `npm install` honours the lockfile's
    // versions and skips optional packages it cannot get. --no-save leaves the lockfile as it is.
    process.stderr.write('[costwise] npm ci could not use the lockfile as is; installing from it with npm install\n');
    r = spawnSync('npm', ['install', '--no-save', ...args], { cwd: root, stdio: 'inherit', env });
  }
  if (r.status !== 0) throw new Error(`npm could not install the dependencies${r.stderr ? `:\n${r.stderr}` : ' (see above)'}`);
}
