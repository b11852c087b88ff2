/**
 * Runs the integration suite inside a real VS Code extension host: code-server (VS Code OSS) opened
 * by headless Chromium, with the repo as the extension under development. Pass/fail comes from the
 * workbench's `codeAutomationExit` hook and the suite's own results file.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { format } from 'node:util';
import { launchBrowser } from './browser';
import { CodeServer, toolchainFromEnv } from './codeServer';

const ROOT = resolve(__dirname, '..', '..', '..');

export async function runIntegration(): Promise<{ passed: number; failed: number }> {
  const tools = toolchainFromEnv();
  const runDir = join(ROOT, '.run', 'integration');
  rmSync(runDir, { recursive: true, force: true });
  const workspace = join(runDir, 'workspace');
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  writeFileSync(join(workspace, 'sample.js'), 'function add(a, b) {\n  return a + b;\n}\n');
  const resultsFile = join(runDir, 'results.json');
  const cs = new CodeServer(tools, {
    runDir,
    workspace,
    extraArgs: ['--vscode-option', 'enable-smoke-test-driver'],
    env: { COSTWISE_RESULTS: resultsFile, COSTWISE_WORKSPACE: workspace },
  });
  cs.prepare();
  await cs.start();
  const browser = await launchBrowser(tools.chromium);
  try {
    const exit = new Promise<number>((res) => {
      void browser.page.exposeFunction('codeAutomationExit', (code: number) => res(code));
    });
    await browser.page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      const text = format(...(Array.isArray(args) ? args : [args]));
      // The marketplace is deliberately unreachable (codeServer.ts); its failures are noise here.
      if (type !== 'debug' && !text.includes('127.0.0.1:9')) process.stdout.write(text.endsWith('\n') ? text : text + '\n');
    });
    const url = cs.workbenchUrl([
      ['extensionDevelopmentPath', cs.remoteUri(ROOT)],
      ['extensionTestsPath', cs.remoteUri(join(ROOT, 'out', 'test', 'integration', 'index.js'))],
      ['skipWelcome', 'true'],
    ]);
    await browser.page.goto(url);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<number>((res) => (timer = setTimeout(() => res(-1), 10 * 60_000)));
    const code = await Promise.race([exit, timeout]);
    clearTimeout(timer);
    if (code === -1) throw new Error('The integration suite did not finish within 10 minutes');
    if (!existsSync(resultsFile)) throw new Error(`The suite exited with code ${code} without writing ${resultsFile}; see ${join(runDir, 'code-server.log')}`);
    const r = JSON.parse(readFileSync(resultsFile, 'utf8')) as { passed: number; failed: number };
    if (code !== 0 && r.failed === 0) r.failed = 1; // exit code and results disagree: count it as a failure
    return r;
  } finally {
    await browser.close();
    await cs.stop();
  }
}

if (require.main === module) {
  runIntegration().then(
    (r) => {
      process.stdout.write(`integration: ${r.passed} passed, ${r.failed} failed\n`);
      if (process.env.COSTWISE_SUITE_RESULTS) writeFileSync(process.env.COSTWISE_SUITE_RESULTS, JSON.stringify(r));
      process.exitCode = r.failed ? 1 : 0;
    },
    (e: Error) => {
      process.stderr.write(`integration: ${e.stack ?? e.message}\n`);
      if (process.env.COSTWISE_SUITE_RESULTS) writeFileSync(process.env.COSTWISE_SUITE_RESULTS, JSON.stringify({ passed: 0, failed: 1 }));
      process.exitCode = 1;
    },
  );
}
