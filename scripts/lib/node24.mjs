// npm, vsce and code-server need Node >= 22; a fresh machine may have an older Node. The entry
// scripts re-run themselves under the cached Node 24 (installed from the npm registry) when needed,
// forwarding Ctrl+C and termination so nothing is left running.
import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { ensureNode24 } from './toolchain.mjs';

export async function ensureModernNode() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= 22) return;
  if (process.env.COSTWISE_REEXEC) throw new Error(`Node ${process.versions.node} is too old and Node 24 could not be used.`);
  const node = ensureNode24();
  process.stderr.write(`[costwise] Node ${process.versions.node} is older than 22: continuing with Node 24 (${node.bin})\n`);
  const child = spawn(node.bin, process.argv.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, COSTWISE_REEXEC: '1', PATH: `${dirname(node.bin)}:${process.env.PATH}` },
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  const code = await new Promise((resolve) => child.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0))));
  process.exit(code);
}
