import * as assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { SHARED_LIMITS_DIR, SharedLimitStamps } from '../../src/node/sharedLimitStamps';
import { FixtureServer } from '../harness/openAIServer';
import { testModel, tinyModels } from '../harness/testModels';

const RUNTIME_ENTRY = join(__dirname, '..', '..', 'src', 'runtime', 'childMain.js');

async function cli(args: string[]) {
  let out = '';
  let streamed = '';
  let err = '';
  const code = await main(args, (s) => (out += s + '\n'), { write: (s) => (streamed += s), err: (s) => (err += s + '\n'), runtimeEntry: RUNTIME_ENTRY });
  return { code, out, streamed, err };
}

function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) if (v === undefined) delete process.env[k];
  else process.env[k] = v;
  return fn().finally(() => {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  });
}

const NO_KEYS = { COSTWISE_OPENAI_API_KEY: undefined, COSTWISE_DEEPSEEK_API_KEY: undefined, COSTWISE_ANTHROPIC_API_KEY: undefined, COSTWISE_GEMINI_API_KEY: undefined };

describe('costwise explain (the CLI talks to models)', function () {
  this.timeout(60_000);
  let deepseek: FixtureServer;
  let trap: FixtureServer;
  let dir: string;
  let sample: string;
  let ledger: string;
  const settles = () =>
    readdirSync(ledger)
      .filter((f) => f.endsWith('.jsonl'))
      .flatMap((f) => readFileSync(join(ledger, f), 'utf8').split('\n').filter(Boolean))
      .map((l) => JSON.parse(l) as { kind: string; model: string; provider: string; cost: number; workspace?: string })
      .filter((r) => r.kind === 'settle');
  const config = (o: unknown, mode = 0o600) => {
    const f = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(f, JSON.stringify(o));
    chmodSync(f, mode);
    return f;
  };

  before(async () => {
    deepseek = await new FixtureServer({ apiKey: 'sk-cli-env', fixtures: { 'deepseek-flash': 'deepseek-reasoner' } }).start();
    trap = await new FixtureServer({ fixtures: { 'gpt-4.1': 'o4-mini', 'o4-mini': 'o4-mini' } }).start();
    dir = mkdtempSync(join(tmpdir(), 'costwise-cli-explain-'));
    ledger = join(dir, 'ledger');
    sample = join(dir, 'add.js');
    writeFileSync(sample, 'function add(a, b) {\n  return a + b;\n}\n');
  });
  after(async () => {
    await deepseek.stop();
    await trap.stop();
  });

  it('uses the key from COSTWISE_DEEPSEEK_API_KEY, streams the answer and records it in the ledger', async () => {
    const cfg = config({ budget: { monthlyUsd: 1 }, providers: { deepseek: { baseUrl: deepseek.origin } } }, 0o644);
    const r = await withEnv({ ...NO_KEYS, COSTWISE_DEEPSEEK_API_KEY: 'sk-cli-env' }, () => cli(['explain', '--file', sample, '--tier', 'basic', '--config', cfg, '--ledger', ledger]));
    assert.equal(r.code, 0, r.err);
    assert.match(r.streamed, /add\(a, b\)/);
    assert.equal(deepseek.chats.at(-1)!.authorization, 'Bearer sk-cli-env');
    const s = settles().at(-1)!;
    assert.equal(s.provider, 'deepseek');
    assert.equal(s.workspace, 'cli');
    assert.ok(s.cost > 0);
    assert.match(r.err, /\$0\.0000\d+ · deepseek-\w+ · basic · \d+ in · \d+ out/);
  });

  it('is held to the limits set in VS Code too (same ledger): a request must fit both budgets', async () => {
    const shared = join(dir, 'shared-ledger');
    new SharedLimitStamps(join(shared, SHARED_LIMITS_DIR)).write({ 'budget.monthlyUsd': { value: 0.00001, at: Date.now(), by: 'vscode:1:1' } });
    const cfg = config({ budget: { monthlyUsd: 1 }, providers: { deepseek: { baseUrl: deepseek.origin } } });
    const before = deepseek.chats.length;
    const r = await withEnv({ ...NO_KEYS, COSTWISE_DEEPSEEK_API_KEY: 'sk-cli-env' }, () => cli(['explain', '--file', sample, '--tier', 'basic', '--config', cfg, '--ledger', shared]));
    assert.equal(r.code, 3, r.err);
    assert.match(r.err, /\$0\.00001 monthly budget is already spent or reserved \(costwise\.budget\.monthlyUsd as set in VS Code\)/);
    assert.equal(deepseek.chats.length, before, 'nothing was sent');
  });

  it('ignores OPENAI_API_KEY, OPENAI_BASE_URL and friends in the environment', async () => {
    const ambient = { OPENAI_API_KEY: 'sk-ambient', OPENAI_BASE_URL: trap.url, DEEPSEEK_API_KEY: 'sk-ambient', ANTHROPIC_API_KEY: 'sk-ambient', ANTHROPIC_BASE_URL: trap.origin, GEMINI_API_KEY: 'ambient', GOOGLE_API_KEY: 'ambient' };
    const cfg = config({ budget: { monthlyUsd: 1 } });
    const r = await withEnv({ ...NO_KEYS, ...ambient }, () => cli(['explain', '--file', sample, '--tier', 'basic', '--config', cfg, '--ledger', ledger]));
    assert.equal(r.code, 1);
    assert.match(r.err, /COSTWISE_OPENAI_API_KEY/);
    assert.equal(trap.requests.length, 0, 'nothing went to the address in OPENAI_BASE_URL');
  });

  it('refuses a config file with keys that other users can read', async () => {
    const cfg = config({ budget: { monthlyUsd: 1 }, providers: { deepseek: { apiKey: 'sk-in-file', baseUrl: deepseek.origin } } }, 0o644);
    await assert.rejects(withEnv(NO_KEYS, () => cli(['explain', '--file', sample, '--tier', 'basic', '--config', cfg, '--ledger', ledger])), /other users can read it: run chmod 600/);
    const ok = config({ budget: { monthlyUsd: 1 }, providers: { deepseek: { apiKey: 'sk-cli-env', baseUrl: deepseek.origin } } }, 0o600);
    assert.equal((await withEnv(NO_KEYS, () => cli(['explain', '--file', sample, '--tier', 'basic', '--config', ok, '--ledger', ledger]))).code, 0);
  });

  it('with no budget configured, a paid model is refused before anything is sent', async () => {
    const before = deepseek.chats.length;
    const cfg = config({ providers: { deepseek: { baseUrl: deepseek.origin } } });
    const r = await withEnv({ ...NO_KEYS, COSTWISE_DEEPSEEK_API_KEY: 'sk-cli-env' }, () => cli(['explain', '--file', sample, '--tier', 'basic', '--config', cfg, '--ledger', ledger]));
    assert.equal(r.code, 3);
    assert.match(r.err, /budget\.monthlyUsd in .*config/);
    assert.equal(deepseek.chats.length, before);
  });

  it('answers from a local GGUF model with no key (real llama.cpp), priced by energy', async () => {
    const { SCRIPTED } = await tinyModels();
    const cfg = config({ local: { threads: 1 } });
    const model = await testModel('scripted');
    const r = await withEnv(NO_KEYS, () => cli(['explain', '--file', sample, '--config', cfg, '--ledger', ledger, '--model-path', model, '--json']));
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as { text: string; tier: string; record: { provider: string; cost: number; usage: { outputTokens: number } } };
    assert.equal(j.text.trim(), SCRIPTED.answer);
    assert.equal(j.tier, 'basic');
    assert.equal(j.record.provider, 'local');
    assert.equal(j.record.usage.outputTokens, 35);
    assert.ok(j.record.cost >= 1);
    assert.match(r.err, /no API key for a standard-tier model, so the local model answers/);
  });

  it('says what is wrong with bad input', async () => {
    await assert.rejects(cli(['explain', '--file', join(dir, 'missing.js')]), /no such file/);
    const bin = join(dir, 'blob.bin');
    writeFileSync(bin, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]));
    await assert.rejects(cli(['explain', '--file', bin]), /looks binary/);
    await assert.rejects(cli(['explain', '--file', sample, '--tier', 'gold']), /--tier must be one of/);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "budget": ');
    await assert.rejects(cli(['explain', '--file', sample, '--config', broken]), /is not valid JSON/);
  });
});
