// `npm run test:electron`: the same integration suite in desktop VS Code through @vscode/test-electron.
// Downloads VS Code (needs internet), or uses $VSCODE_EXECUTABLE, e.g. your installed `code` binary.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDeps } from './lib/deps.mjs';
import { ensureModernNode } from './lib/node24.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
await ensureModernNode();
ensureDeps(root);
const { spawnSync } = await import('node:child_process');
const { build } = await import('./build.mjs');
await build();
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', root], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(1);

const { runTests } = await import('@vscode/test-electron');
const scratch = mkdtempSync(join(tmpdir(), 'costwise-electron-'));
const workspace = join(scratch, 'workspace');
mkdirSync(workspace, { recursive: true });
writeFileSync(join(workspace, 'sample.js'), 'function add(a, b) {\n  return a + b;\n}\n');
const resultsFile = join(scratch, 'results.json');
try {
  const code = await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'out/test/integration/index.js'),
    ...(process.env.VSCODE_EXECUTABLE ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE } : { version: process.env.VSCODE_VERSION ?? 'stable' }),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', join(scratch, 'user-data')],
    extensionTestsEnv: { COSTWISE_RESULTS: resultsFile },
  });
  process.exitCode = code;
} catch (e) {
  console.error(`test:electron could not run VS Code: ${e.message}\nOn a machine without internet access set VSCODE_EXECUTABLE to a VS Code binary, or use \`npm test\` (code-server).`);
  process.exitCode = 1;
}
