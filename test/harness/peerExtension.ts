import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..');

/**
 * A peer for Costwise's activation figure: the smallest useful extension (one status bar item), activated
 * on the same event, packaged with the same vsce, installed beside Costwise in the same code-server. What
 * VS Code reports for it is what the extension host adds to any extension at that moment.
 */
export function packagePeerExtension(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'activation-peer', displayName: 'Activation peer', description: 'One status bar item.', publisher: 'costwise-tests', version: '0.0.1', license: 'MIT', engines: { vscode: '^1.104.0' }, main: './extension.js', activationEvents: ['onStartupFinished'], repository: { type: 'git', url: 'https://example.invalid/peer.git' } }, null, 2),
  );
  writeFileSync(join(dir, 'extension.js'), "exports.activate = (ctx) => { const item = require('vscode').window.createStatusBarItem(); item.text = 'peer'; item.show(); ctx.subscriptions.push(item); };\n");
  writeFileSync(join(dir, 'LICENSE'), 'MIT\n');
  writeFileSync(join(dir, 'README.md'), '# Activation peer\n\nOne status bar item, for comparing activation times.\n');
  const out = join(dir, 'activation-peer.vsix');
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--out', out], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`packaging the peer extension failed:\n${r.stdout}\n${r.stderr}`);
  return out;
}
