import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ReportData } from '../../src/shared/reportData';
import { FixtureServer } from '../harness/openAIServer';
import type { DecisionPanel } from '../../src/vscode/decisionPanel';
import { costwise, openDocument, setUserSetting, waitFor } from './helpers';

const SAMPLE = 'function add(a, b) {\n  return a + b;\n}\n';

/** The "Why This Model?" panel (opened, or revealed). */
const whyThisModel = async () => (await vscode.commands.executeCommand('costwise.whyThisModel')) as DecisionPanel;

/** Explain the sample at a tier; returns which server answered. */
async function explainAt(tier: 'basic' | 'standard' | 'premium') {
  const editor = await openDocument(SAMPLE);
  editor.selection = new vscode.Selection(0, 0, 3, 0);
  return vscode.commands.executeCommand('costwise.explainSelection', { tier }) as Promise<{ record?: { id: string; model: string; cost: number; tier?: string; counterfactual?: { model: string; cost: number } } } | undefined>;
}

describe('routing inside VS Code: the cheapest model that meets the tier', function () {
  this.timeout(60_000);
  let deepseek: FixtureServer;
  let openai: FixtureServer;
  let anthropic: FixtureServer;
  let local: FixtureServer;
  const OPENAI_FIXTURES = { 'gpt-6-sol': 'o4-mini', 'gpt-6-luna': 'o4-mini', 'gpt-5.5': 'o4-mini', 'gpt-6-astra': 'o4-mini' };

  before(async () => {
    deepseek = await new FixtureServer({ apiKey: 'sk-ds', fixtures: { 'deepseek-flash': 'deepseek-reasoner', 'deepseek-v4-pro': 'deepseek-reasoner' } }).start();
    openai = await new FixtureServer({ apiKey: 'sk-oa', fixtures: OPENAI_FIXTURES }).start();
    anthropic = await new FixtureServer({ apiKey: 'sk-an', fixtures: { 'claude-sonnet-5': 'claude-sonnet-4-5', 'claude-opus-5-5': 'claude-sonnet-4-5' } }).start();
    local = await new FixtureServer({ fixtures: { 'r1-distill-test': 'inline-think-no-usage' } }).start();
    await setUserSetting('providers.deepseek', { enabled: true, baseUrl: deepseek.origin });
    await setUserSetting('providers.openai', { enabled: true, baseUrl: openai.url });
    await setUserSetting('providers.anthropic', { enabled: true, baseUrl: anthropic.origin });
    await setUserSetting('endpoint.baseUrl', local.url);
    await setUserSetting('endpoint.model', 'r1-distill-test');
    // The test distill has no benchmark score of its own: scored as the 1.5B distill is (basic tier).
    await setUserSetting('routing.quality', { 'r1-distill-test': 14 });
    // claude-sonnet-5 (xhigh) costs exactly what gpt-6-sol (max) costs per token: which one is cheaper would
    // turn on each tokenizer's calibration from earlier answers. Out of the pool, the order is certain.
    await setUserSetting('routing.deny', ['claude-sonnet-5']);
    await setUserSetting('budget.monthlyUsd', 10);
    // A 15 W laptop: at the default 60 W and an assumed 20 tokens/s, a reasoning distill's long output
    // costs about as much energy as deepseek-chat's answer costs in money, and the router would be right
    // to pick either.
    await setUserSetting('local.watts', 15);
    await vscode.commands.executeCommand('costwise.setApiKey', { key: 'sk-ds', endpoint: 'deepseek' });
    await vscode.commands.executeCommand('costwise.setApiKey', { key: 'sk-oa', endpoint: 'openai' });
    await vscode.commands.executeCommand('costwise.setApiKey', { key: 'sk-an', endpoint: 'anthropic' });
  });

  after(async () => {
    for (const k of ['providers.deepseek', 'providers.openai', 'providers.anthropic', 'routing.quality', 'routing.deny', 'endpoint.baseUrl', 'endpoint.model', 'budget.onLimit', 'budget.monthlyUsd', 'local.watts']) await setUserSetting(k, undefined);
    await Promise.all([deepseek.stop(), openai.stop(), anthropic.stop(), local.stop()]);
  });

  it('basic goes to the local model', async () => {
    const chats = () => local.requests.filter((q) => q.path.endsWith('/chat/completions'));
    const before = chats().length;
    const r = await explainAt('basic');
    assert.equal(r?.record?.model, 'r1-distill-test');
    assert.equal(chats().length, before + 1);
    assert.ok(local.requests.some((q) => q.path.endsWith('/models')), 'the local server was health-checked first');
    assert.equal(chats().at(-1)!.authorization, 'Bearer costwise-local', 'no stored key goes to the local server');
    assert.ok(r!.record!.cost >= 1, 'priced by energy, never $0');
  });

  it('premium goes to the cheapest premium model, with the tier’s most expensive model as the yardstick', async () => {
    const r = await explainAt('premium');
    // Premium (LiveBench coding >= 80): gpt-6-sol at max effort (81.8) is the cheapest such pair configured.
    assert.equal(r?.record?.model, 'gpt-6-sol');
    const sent = openai.chats.at(-1)!;
    assert.equal(sent.authorization, 'Bearer sk-oa');
    assert.equal((sent.body as { reasoning_effort?: string }).reasoning_effort, 'max', 'the effort its score was measured at');
    assert.match(r?.record?.counterfactual?.model ?? '', /^claude-fable-5(-1)?$/, 'the priciest premium model among those configured (Fable 5 and 5.1 cost the same)');
    assert.ok(r!.record!.counterfactual!.cost > r!.record!.cost);
  });

  it('"Not good enough?" asks one tier up, and both requests stay on the record', async () => {
    const api = await costwise();
    const first = await explainAt('basic');
    assert.equal(first?.record?.model, 'r1-distill-test');
    const second = await api.explain.escalate();
    assert.equal(second?.record?.tier, 'standard');
    assert.equal(second?.record?.model, 'gpt-6-luna', 'the cheapest standard-tier model (LiveBench 79 at max effort)');
    assert.notEqual(first?.record?.id, second?.record?.id);
  });

  it('"Show Spend Report" shows the month: totals to the micro-dollar, what routing saved, spend by model, what-if', async () => {
    const api = await costwise();
    const panel = (await vscode.commands.executeCommand('costwise.showReport')) as { shown?: ReportData };
    await waitFor('the report webview to ask for its data', () => panel.shown, 20_000);
    // The report redraws when the ledger changes (a settlement may still be landing): wait until it agrees.
    const fold = await api.ledger.fold();
    const data = await waitFor('the KPI to equal the ledger total', async () => {
      const total = (await api.ledger.fold()).total;
      return panel.shown && panel.shown.kpis.spend === total ? panel.shown : undefined;
    });
    assert.equal(data.kpis.spend, fold.total, 'the KPI is the ledger total');
    assert.equal(data.kpis.requests, fold.settled.length);
    assert.ok(data.breakdowns.model.some((b) => b.key === 'gpt-6-sol' && b.requests >= 1));
    assert.ok(data.kpis.saved > 0, 'the premium request saved money against Claude Fable');
    assert.equal(data.requests.at.length, fold.settled.length);
    assert.ok(data.requests.file[0], 'the explained file’s name is recorded');
    assert.ok(data.whatIf.some((w) => w.model === 'claude-fable-5-1' && w.cost! > data.kpis.spend));
    assert.ok(data.whatIf.some((w) => w.model === 'deepseek-flash (off-peak)'), 'the same month, off-peak');
    assert.ok(data.whatIf.some((w) => w.kind === 'local'));
  });

  it('crossing a share of a budget notifies once per level and month, in one window only', async () => {
    const api = await costwise();
    // A limit of its own (earlier tests may already have crossed levels of the monthly budget this month).
    const spent = (await api.ledger.fold()).spent({ model: 'gpt-6-sol' }, false);
    assert.ok(spent > 0, 'gpt-6-sol has spend this month');
    try {
      const before = api.alerts.shown.length;
      // This model's spend at ~85 % of its limit: 50 % and 80 % are both crossed, 80 % is announced.
      await setUserSetting('budget.perModel', { 'gpt-6-sol': { monthlyUsd: Math.ceil(spent / 0.85) / 1e6 } });
      await api.alerts.check(); // the ledger watcher may run the same check: either way, one alert
      const shown = await waitFor('the 80 % alert', () => (api.alerts.shown.length > before ? api.alerts.shown.slice(before) : undefined));
      assert.deepEqual(shown.map((a) => [a.level, a.rule.model]), [[80, 'gpt-6-sol']]);
      assert.deepEqual((await api.alerts.check()).map((a) => a.level), [], 'not again');
      await api.alerts.idle(); // every check the ledger watcher scheduled so far has run
      assert.equal(api.alerts.shown.length, before + 1, 'and not from the ledger watcher either');
    } finally {
      await setUserSetting('budget.perModel', undefined);
    }
  });

  it('"Why This Model?" shows the whole trace', async () => {
    const r = await explainAt('premium');
    assert.equal(r?.record?.model, 'gpt-6-sol');
    const panel = await whyThisModel();
    const d = await waitFor('the premium decision', () => (panel.shown?.tier === 'premium' ? panel.shown : undefined));
    const row = (model: string) => d.rows.find((x) => x.model === model);
    assert.deepEqual([row('gpt-6-sol')?.kind, row('gpt-6-sol')?.endpoint, row('gpt-6-sol')?.effort], ['chosen', 'openai', 'max']);
    assert.deepEqual([row('r1-distill-test')?.kind, row('r1-distill-test')?.endpoint], ['rejected', 'local']);
    assert.match(row('r1-distill-test')!.quality, /^14\b/);
    assert.match(row('r1-distill-test')!.reason, /below the premium tier/);
    assert.deepEqual([row('claude-opus-5-5')?.kind, row('claude-opus-5-5')?.endpoint], ['fallback', 'anthropic']);
    assert.match(row('claude-sonnet-5')!.reason, /deny list/);
  });

  it('when the chosen model fails (503), the next cheapest of the same tier answers', async () => {
    const port = openai.port;
    await openai.stop();
    const failing = await new FixtureServer({ status: 503, apiKey: 'sk-oa' }).start(port);
    try {
      const r = await explainAt('premium');
      assert.equal(r?.record?.model, 'claude-opus-5-5', 'the next cheapest premium pair (89.3 at max)');
      assert.equal(failing.chats.length, 3, 'the provider retried 503 twice before the router fell back');
      assert.match(anthropic.chats.at(-1)!.authorization ?? '', /sk-an$/);
    } finally {
      await failing.stop();
      openai = await new FixtureServer({ apiKey: 'sk-oa', fixtures: OPENAI_FIXTURES }).start(port);
    }
  });

  it('with the month nearly spent and "downgrade" chosen, the cheapest model that fits answers', async () => {
    await setUserSetting('budget.onLimit', 'downgrade');
    await setUserSetting('budget.monthlyUsd', 0.0005);
    try {
      const api = await costwise();
      await waitFor('the new budget', async () => (api.statusBar.text.includes('$0.0005') ? true : undefined));
      const r = await explainAt('premium');
      assert.equal(r?.record?.model, 'r1-distill-test');
      const panel = await whyThisModel();
      await waitFor('the decision panel to show the downgrade', () => (/no premium-tier model fits the budget/.test(panel.shown?.summary ?? '') ? true : undefined));
    } finally {
      await setUserSetting('budget.monthlyUsd', 10);
      await setUserSetting('budget.onLimit', undefined);
    }
  });

  it('local-only mode keeps even premium requests on the machine', async () => {
    await setUserSetting('privacy.localOnly', true);
    try {
      const before = [deepseek.chats.length, openai.chats.length, anthropic.chats.length];
      const r = await explainAt('premium');
      // No local model meets premium: the local model answers anyway (basic, said in a notification);
      // nothing goes to a remote endpoint.
      assert.equal(r?.record?.model, 'r1-distill-test');
      assert.equal(r?.record?.tier, 'basic');
      assert.deepEqual([deepseek.chats.length, openai.chats.length, anthropic.chats.length], before);
      const basic = await explainAt('basic');
      assert.equal(basic?.record?.model, 'r1-distill-test');
    } finally {
      await setUserSetting('privacy.localOnly', undefined);
    }
  });
});

describe('routing around an endpoint that is down', function () {
  this.timeout(60_000);
  it('a local server that does not answer is passed over with its reason', async () => {
    const remote = await new FixtureServer({ apiKey: 'sk-ds2', fixtures: { 'deepseek-flash': 'deepseek-reasoner' } }).start();
    const dead = await new FixtureServer().start();
    const deadUrl = dead.url;
    await dead.stop();
    try {
      await setUserSetting('providers.deepseek', { enabled: true, baseUrl: remote.origin });
      await vscode.commands.executeCommand('costwise.setApiKey', { key: 'sk-ds2', endpoint: 'deepseek' });
      await setUserSetting('endpoint.baseUrl', deadUrl);
      await setUserSetting('endpoint.model', 'r1-distill-test');
      await setUserSetting('routing.quality', { 'r1-distill-test': 14 });
      const r = await explainAt('basic');
      assert.equal(r?.record?.model, 'deepseek-flash', 'the cheapest reachable basic-tier model');
      const panel = await whyThisModel();
      const dead = panel.shown?.rows.find((x) => x.model === 'r1-distill-test');
      assert.match(dead?.reason ?? JSON.stringify(panel.shown), /did not answer its last health check/);
    } finally {
      for (const k of ['providers.deepseek', 'endpoint.baseUrl', 'endpoint.model', 'routing.quality']) await setUserSetting(k, undefined);
      await remote.stop();
    }
  });
});
