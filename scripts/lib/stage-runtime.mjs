// Packs node-llama-cpp, its production dependencies and this platform's prebuilt binaries into one
// archive, dist/runtime.tgz (+ dist/runtime.json: version, sha256, size), so the VSIX carries the
// embedded runtime as one file, not 1,300 (the CJS bundles never contain it: it must find its native
// files next to its own). The runtime's child unpacks it into global storage on first use
// (src/runtime/packedRuntime.ts). Leaves out other platforms, GPU builds, llama.cpp's source bundle
// (35 MB, only for compiling), source maps, type declarations and `.bin` links.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { create } from 'tar';

const SKIP = [/(^|\/)\.bin(\/|$)/, /\.map$/, /\.d\.ts$/, /(^|\/)llama\/gitRelease\.bundle$/, /(^|\/)llama\/(addon|cmake|patches|toolchains|xpack|profiles)(\/|$)/, /(^|\/)templates(\/|$)/, /(^|\/)(CHANGELOG|README)\.md$/i];

function resolvePackage(name, fromDir, root) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const p = join(dir, 'node_modules', name);
    if (existsSync(join(p, 'package.json'))) return p;
    if (dir === root || dirname(dir) === dir) throw new Error(`stage-runtime: cannot find ${name} from ${fromDir}`);
  }
}

export async function stageRuntime(root) {
  rmSync(join(root, 'dist', 'node_modules'), { recursive: true, force: true }); // the loose copy of earlier versions
  const staging = mkdtempSync(join(tmpdir(), 'costwise-runtime-'));
  const out = join(staging, 'node_modules');
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
  let files = 0;
  for (const dir of packages) {
    const target = join(out, relative(join(root, 'node_modules'), dir));
    cpSync(dir, target, {
      recursive: true,
      filter: (src) => {
        const rel = relative(dir, src).split(sep).join('/');
        if (SKIP.some((re) => re.test(rel))) return false;
        const st = statSync(src);
        if (st.isFile()) (bytes += st.size), files++;
        return true;
      },
    });
  }
  const archive = join(root, 'dist', 'runtime.tgz');
  try {
    // `package/` first, as in npm tarballs: the runtime's strict reader takes exactly that shape.
    await create({ gzip: { level: 9 }, file: archive, cwd: staging, portable: true, prefix: 'package', follow: false }, ['node_modules']);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  const sha256 = createHash('sha256').update(readFileSync(archive)).digest('hex');
  const nodeLlamaCpp = JSON.parse(readFileSync(join(root, 'node_modules', 'node-llama-cpp', 'package.json'), 'utf8')).version;
  writeFileSync(join(root, 'dist', 'runtime.json'), JSON.stringify({ nodeLlamaCpp, sha256, files, bytes }, null, 2) + '\n');
  return { packages: packages.size, bytes, files, archiveBytes: statSync(archive).size, platformPackage };
}
