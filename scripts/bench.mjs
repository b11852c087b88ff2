// `npm run bench [-- tokens|ledger|providers|chat|pricing|routing|report|local|activation|team]`: builds and runs the benchmarks, printing tables.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDeps } from './lib/deps.mjs';
import { ensureModernNode } from './lib/node24.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
await ensureModernNode();
ensureDeps(root);
await (await import('./build.mjs')).build(); // the activation benchmark loads dist/extension.js
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', root], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(1);
const r = spawnSync(process.execPath, ['--expose-gc', join(root, 'out/bench/index.js'), ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
process.exitCode = r.status ?? 1;
