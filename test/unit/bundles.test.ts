import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BudgetRefusal, isBudgetRefusal } from '../../src/core/ledger/spendLedger';
import { ENGINE_COMMANDS, LEDGER_COMMAND, LM_VENDOR, PARTICIPANT_ID, VIEW_TYPES } from '../../src/vscode/contributions';

const ROOT = join(__dirname, '..', '..', '..');

interface Manifest {
  activationEvents: string[];
  contributes: { commands: Array<{ command: string }>; chatParticipants: Array<{ id: string }>; languageModelChatProviders: Array<{ vendor: string }> };
}

/** What `npm run build` wrote: the source files each bundle holds. */
function bundles(): Record<string, string[]> {
  const file = join(ROOT, 'dist', 'bundles.json');
  assert.ok(existsSync(file), 'dist/bundles.json is missing: run `npm run build`');
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string[]>;
}

/** Parts that only a request, a report, chat or a local model needs: none may load during activation. */
const ENGINE_ONLY = [/^data\//, /^src\/providers\//, /^src\/runtime\//, /^src\/vscode\/chat\//, /^src\/core\/routing\/router\.ts$/, /^src\/core\/pricing\/priceData\.ts$/, /^src\/core\/report\//, /^src\/vscode\/(explainController|reportPanel|gpuBuilds|localModels)\.ts$/];

describe('the activation, spend and engine bundles', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;

  it('the activation bundle registers every name the manifest contributes', () => {
    assert.deepEqual(manifest.contributes.commands.map((c) => c.command).sort(), [...ENGINE_COMMANDS, LEDGER_COMMAND].sort());
    for (const type of VIEW_TYPES) assert.ok(manifest.activationEvents.includes(`onWebviewPanel:${type}`), type);
    assert.deepEqual(manifest.contributes.chatParticipants.map((p) => p.id), [PARTICIPANT_ID]);
    assert.deepEqual(manifest.contributes.languageModelChatProviders.map((p) => p.vendor), [LM_VENDOR]);
  });

  it('activation loads names only; the spend tracker holds none of routing, pricing data, providers, chat, reports or the local runtime', () => {
    const b = bundles();
    assert.deepEqual(b['dist/extension.js'], ['src/extension.ts', 'src/vscode/contributions.ts', 'src/vscode/lazyContributions.ts', 'src/vscode/markdownDocument.ts']);
    const spend = b['dist/spend.js']!;
    assert.ok(spend.includes('src/spend.ts') && spend.includes('src/vscode/statusBar.ts') && spend.includes('src/core/ledger/spendLedger.ts'), spend.join(', '));
    assert.deepEqual(spend.filter((f) => ENGINE_ONLY.some((re) => re.test(f)) || f === 'src/engine.ts'), []);
    // ...and the engine does hold them, so the check above looks at real paths.
    const engine = b['dist/engine.js']!;
    for (const f of ['data/prices.curated.json', 'src/core/routing/router.ts', 'src/vscode/chat/chatService.ts', 'src/providers/anthropic.ts', 'src/vscode/explainController.ts']) assert.ok(engine.includes(f), f);
  });

  it('a budget refusal is recognised across bundles, where each holds its own copy of the class', () => {
    const path = require.resolve('../../src/core/ledger/spendLedger');
    const cached = require.cache[path];
    delete require.cache[path];
    const other = require(path) as typeof import('../../src/core/ledger/spendLedger');
    require.cache[path] = cached;
    const refusal = new other.BudgetRefusal('the $1.00 monthly budget is spent');
    assert.equal(refusal instanceof BudgetRefusal, false, 'a second copy of the module');
    assert.equal(isBudgetRefusal(refusal), true);
    assert.equal(isBudgetRefusal(new Error('Costwise did not send the request')), false);
    assert.equal(isBudgetRefusal(Object.assign(new Error('x'), { name: 'BudgetRefusal' })), false, 'a refusal carries its reason');
  });
});
