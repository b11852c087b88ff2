// Builds the extension, the lazily loaded vendor bundles, the webview bundles and the CLI with esbuild.
// `--dev` keeps bundles unminified with inline source maps.
import * as esbuild from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dev = process.argv.includes('--dev');

// Heavy packages are not bundled into extension.js: each becomes its own file under dist/vendor,
// required only when first used (`await import('openai')` -> require('./vendor/openai.js')), so
// activation never parses them.
const VENDOR = { openai: 'openai', '@anthropic-ai/sdk': 'anthropic', '@google/genai': 'genai', 'gpt-tokenizer/encoding/o200k_base': 'o200k', '@pydantic/genai-prices': 'genaiPrices', pg: 'pg' };
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const vendorPlugin = {
  name: 'costwise-vendor',
  setup(build) {
    build.onResolve({ filter: new RegExp(`^(${Object.keys(VENDOR).map(escape).join('|')})$`) }, (args) => ({ path: `./vendor/${VENDOR[args.path]}.js`, external: true }));
  },
};

// The extension is three bundles: extension.js registers names only (what VS Code times as activation)
// and requires spend.js (settings, ledger, status bar) right after activation returns and engine.js
// (routing, prices, providers, chat, panels, local models) on first use.
const stagesPlugin = {
  name: 'costwise-stages',
  setup(build) {
    build.onResolve({ filter: /^\.\/(spend|engine)$/ }, (args) => (args.importer === join(root, 'src/extension.ts') ? { path: `${args.path}.js`, external: true } : undefined));
  },
};

const common = {
  bundle: true,
  minify: !dev,
  sourcemap: dev ? 'inline' : false,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
};

export async function build() {
  const node = { ...common, platform: 'node', format: 'cjs', target: 'node20' };
  const results = await Promise.all([
    esbuild.build({ ...node, entryPoints: { extension: join(root, 'src/extension.ts') }, outdir: join(root, 'dist'), external: ['vscode'], plugins: [vendorPlugin, stagesPlugin] }),
    esbuild.build({ ...node, entryPoints: { spend: join(root, 'src/spend.ts'), engine: join(root, 'src/engine.ts') }, outdir: join(root, 'dist'), external: ['vscode'], plugins: [vendorPlugin] }),
    esbuild.build({ ...node, entryPoints: { cli: join(root, 'src/cli/main.ts') }, outdir: join(root, 'dist'), banner: { js: '#!/usr/bin/env node' }, plugins: [vendorPlugin] }),
    esbuild.build({ ...node, entryPoints: { ledgerRollupWorker: join(root, 'src/node/ledgerRollupWorker.ts') }, outdir: join(root, 'dist') }),
    // The embedded runtime's child process. node-llama-cpp stays external: it finds its native binaries
    // relative to its own files (the VSIX carries it packed as dist/runtime.tgz, see package.mjs).
    esbuild.build({ ...node, entryPoints: { localRuntime: join(root, 'src/runtime/childMain.ts') }, outdir: join(root, 'dist'), external: ['node-llama-cpp'] }),
    ...Object.entries(VENDOR).map(([spec, file]) => esbuild.build({ ...node, stdin: { contents: `module.exports = require(${JSON.stringify(spec)});`, resolveDir: root }, outfile: join(root, 'dist/vendor', `${file}.js`) })),
    esbuild.build({ ...common, platform: 'browser', format: 'iife', target: 'es2022', entryPoints: { explain: join(root, 'src/webview/explain.ts'), report: join(root, 'src/webview/report.ts'), decision: join(root, 'src/webview/decision.ts') }, outdir: join(root, 'media') }),
  ]);
  const sizes = {};
  const inputs = {};
  for (const r of results) {
    for (const [file, o] of Object.entries(r.metafile.outputs)) {
      sizes[file] = o.bytes;
      if (file.startsWith('dist/') && file.endsWith('.js') && !file.startsWith('dist/vendor/')) inputs[file] = Object.keys(o.inputs).filter((i) => !i.startsWith('node_modules/')).sort();
    }
  }
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(join(root, 'dist/sizes.json'), JSON.stringify(sizes, null, 2) + '\n');
  // Which source files each bundle holds (test/unit/bundles.test.ts keeps the engine out of activation).
  writeFileSync(join(root, 'dist/bundles.json'), JSON.stringify(inputs, null, 2) + '\n');
  return sizes;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = await build();
  for (const [f, b] of Object.entries(sizes)) console.log(`${(b / 1024).toFixed(1).padStart(8)} KB  ${f}`);
}
