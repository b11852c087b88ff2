// `npm test`: sets up what the suites need (npm deps, Node 24, code-server, Chromium), builds, packages
// the VSIX, runs the unit, integration and e2e suites, and ends with one line: `N passed, N failed`.
//   node scripts/test.mjs [unit] [integration] [e2e]    (default: all three)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDeps } from './lib/deps.mjs';
import { ensureModernNode } from './lib/node24.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
await ensureModernNode();
ensureDeps(root);

const ALL = ['unit', 'integration', 'e2e'];
const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const bad = asked.filter((a) => !ALL.includes(a));
if (bad.length) {
  console.error(`Unknown suite(s): ${bad.join(', ')}. Choose from: ${ALL.join(', ')}.`);
  process.exit(2);
}
const suites = asked.length ? asked : ALL;
// `npm run test:soak`: the long fuzz and kill runs (minutes each) instead of their short CI mode.
if (process.argv.includes('--soak')) process.env.COSTWISE_SOAK = '1';

function step(title, fn) {
  const t = Date.now();
  process.stderr.write(`[costwise] ${title}\n`);
  const r = fn();
  process.stderr.write(`[costwise] ${title}: ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
  return r;
}

function tsc(project) {
  const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', project], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`TypeScript errors in ${project}`);
}

const { build } = await import('./build.mjs');
await build();
step('type-check and compile', () => {
  rmSync(join(root, 'out'), { recursive: true, force: true });
  tsc('.');
  tsc('src/webview');
});

const env = { ...process.env };
if (suites.includes('unit')) {
  const { ensureTeamServers } = await import('./lib/toolchain.mjs');
  const servers = step('PostgreSQL and Prometheus binaries', () => ensureTeamServers());
  if (servers.pgBin) env.COSTWISE_PG_BIN = servers.pgBin;
  if (servers.prometheus) env.COSTWISE_PROMETHEUS = servers.prometheus;
}
if (suites.some((s) => s !== 'unit')) {
  const { ensureToolchain } = await import('./lib/toolchain.mjs');
  const tools = step('toolchain (Node 24, code-server, Chromium)', () => ensureToolchain());
  Object.assign(env, { COSTWISE_NODE24: tools.node, COSTWISE_CODE_SERVER: tools.entry, COSTWISE_CHROMIUM: tools.chromium });
}
if (suites.includes('e2e')) {
  const { packageVsix } = await import('./package.mjs');
  const vsix = await packageVsix();
  env.COSTWISE_VSIX = vsix.file;
  process.stderr.write(`[costwise] packaged ${vsix.file} (${(vsix.bytes / 1024).toFixed(1)} KB)\n`);
}

const mocha = join(root, 'node_modules/mocha/bin/mocha.js');
const reporter = join(root, 'test/harness/resultsReporter.cjs');
const COMMANDS = {
  unit: [mocha, '--reporter', reporter, '--timeout', '20000', 'out/test/unit/**/*.test.js'],
  integration: [join(root, 'out/test/harness/runIntegration.js')],
  // COSTWISE_E2E_ONLY=<part of a file name>[,<another>] runs only the matching e2e files (a developer's shortcut).
  e2e: [mocha, '--reporter', reporter, '--timeout', '180000', process.env.COSTWISE_E2E_ONLY ? `out/test/e2e/**/*${process.env.COSTWISE_E2E_ONLY.includes(',') ? `{${process.env.COSTWISE_E2E_ONLY}}` : process.env.COSTWISE_E2E_ONLY}*.e2e.test.js` : 'out/test/e2e/**/*.e2e.test.js'],
};

const resultsDir = join(root, '.run', 'results');
mkdirSync(resultsDir, { recursive: true });
const rows = [];
for (const suite of suites) {
  const file = join(resultsDir, `${suite}.json`);
  rmSync(file, { force: true });
  const t = Date.now();
  process.stderr.write(`\n[costwise] ${suite} suite\n`);
  const r = spawnSync(process.execPath, COMMANDS[suite], { cwd: root, stdio: 'inherit', env: { ...env, COSTWISE_SUITE_RESULTS: file } });
  let result = { passed: 0, failed: 1 };
  if (existsSync(file)) result = JSON.parse(readFileSync(file, 'utf8'));
  // A suite that crashed or exited non-zero with no failures recorded still counts as failed.
  if (r.status !== 0 && result.failed === 0) result.failed = 1;
  rows.push({ suite, ...result, seconds: (Date.now() - t) / 1000 });
}

console.log('\nsuite         passed  failed   time');
for (const r of rows) console.log(`${r.suite.padEnd(12)} ${String(r.passed).padStart(7)} ${String(r.failed).padStart(7)} ${r.seconds.toFixed(1).padStart(6)} s`);
const passed = rows.reduce((a, r) => a + r.passed, 0);
const failed = rows.reduce((a, r) => a + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
