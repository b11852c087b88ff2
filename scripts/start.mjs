// `npm start`: installs what is missing, builds and packages Costwise, and opens a sandboxed VS Code
// (code-server, on 127.0.0.1 only) with the VSIX installed. Ctrl+C stops everything it started.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ensureDeps } from './lib/deps.mjs';
import { ensureModernNode } from './lib/node24.mjs';

const HELP = `npm start [-- options]

Builds and packages Costwise, installs it into a sandboxed VS Code (code-server) and prints its URL.

Options:
  --port N        port on 127.0.0.1 (default: 8080, or a free port if it is taken)
  --folder PATH   folder to open (default: a sample workspace under .run/start)
  --fresh         forget the sandbox's settings, keys and ledger first
  --model PATH    GGUF model for the embedded runtime (default: a tiny scripted test model, see below)
  --open          also open the URL in Chromium (needs a display)
  --help          this text

Settings, API keys and the ledger of the sandbox live in .run/start/ and survive restarts.

With no API key, Explain Selection is answered by the embedded local runtime. Unless you pass --model
(or have set costwise.local.modelPath), that runs a tiny scripted model this script writes (500 KB, real
llama.cpp inference, always the same short answer) so that everything works offline at once; run
"Costwise: Download Local Model…" in VS Code for a real DeepSeek-R1 distill (1.1 GB and up).`;

const { values } = parseArgs({
  options: { port: { type: 'string' }, folder: { type: 'string' }, model: { type: 'string' }, fresh: { type: 'boolean' }, open: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
await ensureModernNode();
ensureDeps(root);
const { ensureCodeServer } = await import('./lib/toolchain.mjs');
const { packageVsix } = await import('./package.mjs');

const tools = ensureCodeServer();
const vsix = await packageVsix();
console.log(`[costwise] packaged ${vsix.file} (${(vsix.bytes / 1024).toFixed(1)} KB)`);

const runDir = join(root, '.run', 'start');
if (values.fresh) spawnSync('rm', ['-rf', runDir]);
const dirs = { userData: join(runDir, 'user-data'), extensions: join(runDir, 'extensions'), home: join(runDir, 'home') };
const workspace = values.folder ? resolve(values.folder) : join(runDir, 'workspace');
for (const d of [join(dirs.userData, 'User'), dirs.extensions, dirs.home, workspace]) mkdirSync(d, { recursive: true });
const settingsFile = join(dirs.userData, 'User', 'settings.json');
if (!existsSync(settingsFile)) {
  writeFileSync(settingsFile, JSON.stringify({ 'workbench.startupEditor': 'none', 'chat.disableAIFeatures': true, 'update.mode': 'none', 'telemetry.telemetryLevel': 'off', 'extensions.autoCheckUpdates': false }, null, 2));
}
// The embedded runtime's model: --model, else what the settings already name, else the scripted test model.
{
  const { ensureTestModel } = await import('./lib/tiny-models.mjs');
  const { cacheRoot } = await import('./lib/toolchain.mjs');
  let userSettings = {};
  try {
    userSettings = JSON.parse(readFileSync(settingsFile, 'utf8'));
  } catch {
    console.error(`[costwise] ${settingsFile} is not plain JSON; leaving costwise.local.modelPath as it is.`);
  }
  const model = values.model ? resolve(values.model) : userSettings['costwise.local.modelPath'] ? undefined : ensureTestModel('scripted', join(cacheRoot(), 'models'));
  if (model && userSettings && typeof userSettings === 'object') {
    if (!existsSync(model)) {
      console.error(`--model ${model}: no such file.`);
      process.exit(1);
    }
    userSettings['costwise.local.modelPath'] = model;
    writeFileSync(settingsFile, JSON.stringify(userSettings, null, 2));
    console.log(`[costwise] embedded model: ${model}`);
  }
}
if (!values.folder && !existsSync(join(workspace, 'sample.ts'))) {
  writeFileSync(join(workspace, 'sample.ts'), `// Select a function and run "Costwise: Explain Selection" (Ctrl+Alt+E).\nexport function median(xs: number[]): number {\n  const s = [...xs].sort((a, b) => a - b);\n  const m = Math.floor(s.length / 2);\n  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;\n}\n`);
}
writeFileSync(join(runDir, 'config.yaml'), 'auth: none\ncert: false\n');
const env = { ...process.env, HOME: dirs.home, XDG_CONFIG_HOME: join(dirs.home, '.config'), XDG_DATA_HOME: join(dirs.home, '.local/share'), XDG_CACHE_HOME: join(dirs.home, '.cache') };

const install = spawnSync(tools.node, [tools.entry, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--install-extension', vsix.file, '--force'], { env, encoding: 'utf8' });
if (install.status !== 0) {
  console.error(`Installing the VSIX failed:\n${install.stdout}\n${install.stderr}`);
  process.exit(1);
}

const portFree = (p) => new Promise((res) => {
  const s = createServer().once('error', () => res(false)).listen(p, '127.0.0.1', () => s.close(() => res(true)));
});
let port = Number(values.port ?? 8080);
if (!(await portFree(port))) {
  if (values.port) {
    console.error(`Port ${port} on 127.0.0.1 is taken: choose another with --port.`);
    process.exit(1);
  }
  port = 0;
}
const child = spawn(tools.node, [tools.entry, '--config', join(runDir, 'config.yaml'), '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override', workspace], { env, stdio: ['ignore', 'pipe', 'pipe'] });
let announced = false;
const onOutput = (b) => {
  const text = b.toString();
  const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
  if (m && !announced) {
    announced = true;
    const url = `${m[1]}/?folder=${encodeURIComponent(workspace)}`;
    console.log(`\n  Costwise is running in VS Code at ${url}\n  Press Ctrl+C to stop.\n`);
    if (values.open) spawn(process.env.COSTWISE_CHROMIUM ?? '/usr/bin/chromium', ['--no-first-run', '--disable-background-networking', `--app=${url}`], { stdio: 'ignore', detached: false });
  }
  if (process.env.COSTWISE_VERBOSE) process.stdout.write(text);
};
child.stdout.on('data', onOutput);
child.stderr.on('data', onOutput);
child.on('exit', (code, signal) => {
  if (!stopping) console.error(`code-server stopped (${signal ?? code}).`);
  process.exit(stopping ? 0 : 1);
});
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    console.log('\n[costwise] stopping VS Code…');
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}
