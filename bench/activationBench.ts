import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { percentile, table } from './table';

const PROBE = join(__dirname, 'activationProbe.js');
/** COSTWISE_BUNDLE measures another build (e.g. an earlier commit's) the same way. */
const BUNDLE = process.env.COSTWISE_BUNDLE ?? join(__dirname, '..', '..', 'dist', 'extension.js');
const RUNS = 15;

/**
 * What activation costs Costwise's own code, in fresh processes (as a first activation is): loading
 * dist/extension.js and calling activate(), CPU time (steadier than wall time on a busy machine), against
 * a peer extension that only creates one status bar item. VS Code's figure (Developer: Show Running
 * Extensions, printed by the e2e suite) adds the extension host's own work and any wait for the CPU.
 * The last two columns are what activation leaves for later, outside what VS Code times as activation:
 * loading and building the spend tracker (right after activation returns) and the engine (on first use,
 * or two seconds after start-up).
 */
export async function benchActivation(): Promise<void> {
  if (!existsSync(BUNDLE)) {
    process.stdout.write(`\n## Activation\n\n${BUNDLE} is missing: run \`npm run build\` first.\n`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'costwise-activation-'));
  const peer = join(dir, 'peer.js');
  writeFileSync(peer, "exports.activate = (ctx) => { const item = require('vscode').window.createStatusBarItem(); item.text = 'peer'; item.show(); ctx.subscriptions.push(item); };\n");
  try {
    const rows = [];
    for (const [name, file] of [[`Costwise (${process.env.COSTWISE_BUNDLE ?? 'dist/extension.js'})`, BUNDLE], ['peer: one status bar item', peer]] as const) {
      const samples: Array<Record<string, number>> = [];
      for (let i = 0; i < RUNS; i++) {
        const r = spawnSync(process.execPath, [PROBE, file], { encoding: 'utf8', env: { ...process.env, COSTWISE_PROBE_DIR: dir } });
        if (r.status !== 0) throw new Error(`activation probe failed: ${r.stderr}`);
        samples.push(JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, number>);
      }
      const med = (k: string) => percentile(samples.map((s) => s[k]!), 50);
      const later = (k: string) => (samples.every((s) => s[`${k}Ms`] !== undefined) ? `${med(`${k}CpuMs`).toFixed(1)} / ${med(`${k}Ms`).toFixed(1)}` : '—');
      rows.push({ extension: name, KB: Math.round(statSync(file).size / 1024), 'load CPU ms': med('loadCpuMs'), 'activate() CPU ms': med('activateCpuMs'), 'load wall ms': med('loadMs'), 'activate() wall ms': med('activateMs'), 'then: spend tracker CPU / wall ms': later('spend'), 'engine CPU / wall ms': later('engine') });
    }
    table(`Activation (median of ${RUNS} fresh processes)`, rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
