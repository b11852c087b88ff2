// Copies node-llama-cpp, its production dependencies and this platform's prebuilt binaries into
// dist/node_modules, so the VSIX carries the embedded runtime (the CJS bundles never contain it: it
// must find its native files next to its own). Leaves out other platforms, GPU builds, llama.cpp's
// source bundle (35 MB, only for compiling), source maps and type declarations.
import { cpSync, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

const SKIP = [/\.map$/, /\.d\.ts$/, /(^|\/)llama\/gitRelease\.bundle$/, /(^|\/)llama\/(addon|cmake|patches|toolchains|xpack|profiles)(\/|$)/, /(^|\/)templates(\/|$)/, /(^|\/)(CHANGELOG|README)\.md$/i];

function resolvePackage(name, fromDir, root) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const p = join(dir, 'node_modules', name);
    if (existsSync(join(p, 'package.json'))) return p;
    if (dir === root || dirname(dir) === dir) throw new Error(`stage-runtime: cannot find ${name} from ${fromDir}`);
  }
}

export function stageRuntime(root) {
  const out = join(root, 'dist', 'node_modules');
  rmSync(out, { recursive: true, force: true });
  const packages = new Set();
  const walk = (name, from) => {
    const dir = resolvePackage(name, from, root);
    if (packages.has(dir)) return;
    packages.add(dir);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    for (const dep of Object.keys(pkg.dependencies ?? {})) walk(dep, dir);
  };
  walk('node-llama-cpp', root);
  const platformPackage = `@node-llama-cpp/${process.platform === 'darwin' ? 'mac' : process.platform === 'win32' ? 'win' : process.platform}-${process.arch}${process.platform === 'darwin' && process.arch === 'arm64' ? '-metal' : ''}`;
  walk(platformPackage, root);
  let bytes = 0;
  for (const dir of packages) {
    const target = join(out, relative(join(root, 'node_modules'), dir));
    cpSync(dir, target, {
      recursive: true,
      filter: (src) => {
        const rel = relative(dir, src).split(sep).join('/');
        if (SKIP.some((re) => re.test(rel))) return false;
        if (statSync(src).isFile()) bytes += statSync(src).size;
        return true;
      },
    });
  }
  return { packages: packages.size, bytes, platformPackage };
}
