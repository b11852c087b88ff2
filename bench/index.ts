/** `npm run bench`: prints the tables; results also go to bench/results/latest.json. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { benchActivation } from './activationBench';
import { benchChatLatency } from './chatLatencyBench';
import { benchLedger } from './ledgerBench';
import { benchLocalRuntime } from './localRuntimeBench';
import { benchPricing } from './pricingBench';
import { benchProviders } from './providerBench';
import { benchReport } from './reportBench';
import { benchRouting } from './routingBench';
import { benchTeamLedger } from './teamLedgerBench';
import { results } from './table';
import { benchTokens } from './tokensBench';

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  process.stdout.write(`# Costwise benchmarks\n\nNode ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${new Date().toISOString()}\n`);
  if (!only.length || only.includes('tokens')) await benchTokens();
  if (!only.length || only.includes('ledger')) await benchLedger();
  if (!only.length || only.includes('providers')) await benchProviders();
  if (!only.length || only.includes('chat')) await benchChatLatency();
  if (!only.length || only.includes('pricing')) await benchPricing();
  if (!only.length || only.includes('routing')) await benchRouting();
  if (!only.length || only.includes('report')) await benchReport();
  if (!only.length || only.includes('local')) await benchLocalRuntime();
  if (!only.length || only.includes('activation')) await benchActivation();
  if (!only.length || only.includes('team')) await benchTeamLedger();
  const dir = join(__dirname, '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.json'), JSON.stringify({ node: process.version, at: new Date().toISOString(), results }, null, 2));
}

void main();
