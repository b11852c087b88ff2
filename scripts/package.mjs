// Builds and packages the extension into costwise-<version>.vsix for this platform: the bundles, plus
// the embedded runtime (node-llama-cpp and this platform's binaries) packed as dist/runtime.tgz.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export async function packageVsix() {
  const { build } = await import('./build.mjs');
  await build();
  const { stageRuntime } = await import('./lib/stage-runtime.mjs');
  const staged = await stageRuntime(root);
  const { version, name } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const out = join(root, `${name}-${version}.vsix`);
  const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  const target = `${process.platform === 'win32' ? 'win32' : process.platform}-${process.arch}`;
  const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--target', target, '--no-rewrite-relative-links', '--out', out], {
    cwd: root,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`vsce package failed:\n${r.stdout}\n${r.stderr}`);
  return { file: out, bytes: statSync(out).size, log: r.stdout, staged };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { ensureModernNode } = await import('./lib/node24.mjs');
  const { ensureDeps } = await import('./lib/deps.mjs');
  await ensureModernNode();
  ensureDeps(root);
  const { file, bytes, log } = await packageVsix();
  process.stdout.write(log);
  console.log(`${file} (${(bytes / 1024).toFixed(1)} KB)`);
}
