import { readFileSync } from 'node:fs';
import { conversationName } from '../core/chat/spendText';
import { basename, extname } from 'node:path';
import { parseArgs } from 'node:util';
import { SpendLedger } from '../core/ledger/spendLedger';
import { formatUsd, formatUsdExact } from '../core/money';
import { localMonthKey } from '../core/ledger/periods';
import type { ProviderKind } from '../core/pricing/priceEntry';
import { explainMessages } from '../core/requests/explainPrompt';
import { buildCandidates, type LocalModel, type ProviderStatus } from '../core/routing/registry';
import { route, UNRESTRICTED, type Decision, type Scored } from '../core/routing/router';
import { DEFAULT_TIERS } from '../core/routing/tiers';
import { distillKeyOf } from '../core/runtime/distills';
import { TIERS, type Tier } from '../core/settings';
import { TokenEstimator } from '../core/tokens/tokenEstimator';
import { loadO200k } from '../node/gptTokenizer';
import { systemClock } from '../node/systemClock';
import { cliLedgerBackend, cliTeamRules } from './cliLedger';
import { metricsCommand } from './metricsCommand';
import { budgetCommand, ledgerImportCommand } from './teamCommands';
import { bundledRuntimeEntry, explainCommand, type CliIo } from './explainCommand';
import { csvCell } from '../core/report/reportExport';
import { costCommand, instantArg, pricesCommand } from './pricesCommand';
import { loadCliPriceBook } from './priceSource';
import { pricesUpdateCommand } from './pricesUpdate';
import { renderTable } from './table';
import { UsageError } from './usageError';

export { UsageError };

const HELP = `costwise — Costwise's spend ledger and price catalog, without VS Code

Usage:
  costwise prices [--at T] [--all] [--json]  the prices in force at T (USD per 1M tokens)
  costwise prices --check [--json]          the price data's age and source, and every model where
                                            upstream and the curated corrections disagree
  costwise prices --update [--url U] [--json]
                                            fetch newer upstream price data (default: the upstream
                                            package's published file), vet it, and keep it for the
                                            CLI and VS Code; the last good data stays on any failure
  costwise cost --model ID --input N --output N [--cached-read N] [--cache-write N]
                [--cache-write-5m N] [--cache-write-1h N] [--reasoning N] [--at T]
                [--service batch|flex|priority|regional] [--json]
                                            what one request made at T costs, to the micro-dollar
                                            (--input: uncached prompt tokens; --reasoning: thinking
                                            tokens billed as output on top of --output; T: an ISO
                                            instant like 2026-11-30T02:30:00Z, or a date = noon UTC)
  costwise route --file F [--lines A-B] [--tier basic|standard|premium] [--task explain]
                [--providers openai,deepseek,anthropic,gemini] [--local MODEL] [--at T] [--json]
                                            which model Costwise would pick, and why every other
                                            was passed over (no model is called; keys assumed)
  costwise explain --file F [--lines A-B] [--tier basic|standard|premium] [--model-path M.gguf]
                [--show-reasoning] [--json] [--config FILE] [--ledger DIR]
                                            explain code with the cheapest model that meets the tier,
                                            recorded in the ledger; keys from COSTWISE_<PROVIDER>_API_KEY
                                            (OPENAI, DEEPSEEK, ANTHROPIC, GEMINI) or the config file
  costwise report [--month YYYY-MM] [--by model|provider|day|workspace|task|surface|conversation|person] [--team] [--json|--csv] [--ledger DIR]
                                            a month's spend, grouped (default: this month, by model);
                                            --team: by person, model and provider, with the team's budgets
  costwise spend [--ledger DIR] [--json]    today's and this month's spend from the ledger
  costwise budget set [--team USD] [--per-person USD] [--person NAME --usd USD] [--daily]
  costwise budget show                      the team's budgets (monthly, or daily with --daily), in the team ledger
  costwise ledger import [--from DIR]       copies this machine's ledger into the team ledger (again: adds nothing)
  costwise metrics --listen 127.0.0.1:PORT | --textfile PATH [--interval S]
                                            OpenMetrics for Prometheus (spend, requests, tokens by model,
                                            provider and person; budget use and limits)
  costwise --help | --version

The ledger is read from DIR, else $COSTWISE_LEDGER, else desktop VS Code's storage for Costwise; it is the
team ledger in PostgreSQL when $COSTWISE_PG_URL is set (password: $COSTWISE_PG_PASSWORD) or the config file
has "ledger": { "backend": "postgres", "postgresUrl": "postgresql://me@db:5432/costwise", "password": "…" }.
Who you are there: $COSTWISE_IDENTITY, else "identity" in the config file, else user@host.
The config file is FILE, else $COSTWISE_CONFIG, else ~/.config/costwise/config.json:
  { "budget": { "monthlyUsd": 5 },
    "providers": { "deepseek": { "apiKey": "sk-…", "baseUrl": "https://api.deepseek.com" } },
    "local": { "modelPath": "/path/DeepSeek-R1-Distill-Qwen-1.5B-Q4_K_M.gguf", "threads": 3 } }
With no budget there, paid models are refused (local models still answer). A file holding keys must not
be readable by other users (chmod 600). OPENAI_API_KEY, OPENAI_BASE_URL and the like are ignored.`;

export async function main(argvIn: string[], out: (s: string) => void = (s) => process.stdout.write(s + '\n'), io: Partial<CliIo> = {}): Promise<number> {
  // `report --team` is a switch, `budget set --team 500` a value: the switch is spelt as a value here.
  const argv = argvIn[0] === 'report' ? argvIn.map((a) => (a === '--team' ? '--team=on' : a)) : argvIn;
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      ledger: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean' },
      model: { type: 'string' },
      input: { type: 'string' },
      output: { type: 'string' },
      'cached-read': { type: 'string' },
      'cache-write-5m': { type: 'string' },
      'cache-write-1h': { type: 'string' },
      reasoning: { type: 'string' },
      date: { type: 'string' },
      at: { type: 'string' },
      check: { type: 'boolean' },
      update: { type: 'boolean' },
      url: { type: 'string' },
      all: { type: 'boolean' },
      service: { type: 'string' },
      'cache-write': { type: 'string' },
      file: { type: 'string' },
      lines: { type: 'string' },
      tier: { type: 'string' },
      task: { type: 'string' },
      providers: { type: 'string' },
      local: { type: 'string' },
      month: { type: 'string' },
      by: { type: 'string' },
      csv: { type: 'boolean' },
      config: { type: 'string' },
      'model-path': { type: 'string' },
      'show-reasoning': { type: 'boolean' },
      team: { type: 'string' },
      'per-person': { type: 'string' },
      person: { type: 'string' },
      usd: { type: 'string' },
      daily: { type: 'boolean' },
      from: { type: 'string' },
      listen: { type: 'string' },
      textfile: { type: 'string' },
      interval: { type: 'string' },
    },
  });
  const [command] = positionals;
  if (values.version) {
    out('0.1.0');
    return 0;
  }
  if (values.help || !command) {
    out(HELP);
    return values.help ? 0 : 2;
  }
  if (command === 'prices') {
    const now = systemClock.now();
    if (values.update) return pricesUpdateCommand(values, now, out);
    return pricesCommand(values, await loadCliPriceBook(now), now, out);
  }
  if (command === 'cost') {
    const now = systemClock.now();
    return costCommand(values, await loadCliPriceBook(now), now, out);
  }
  if (command === 'route') return routeCommand(values, out);
  if (command === 'explain') {
    const v = values as Values;
    const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
    return explainCommand(
      { file: str('file') ?? '', lines: str('lines'), tier: str('tier'), modelPath: str('model-path'), ledger: str('ledger'), config: str('config'), reasoning: values['show-reasoning'] === true, json: values.json === true },
      { out, write: io.write ?? ((s) => process.stdout.write(s)), err: io.err ?? ((s) => process.stderr.write(s.endsWith('\n') ? s : s + '\n')), runtimeEntry: io.runtimeEntry ?? bundledRuntimeEntry() },
    );
  }
  if (command === 'report') return reportCommand(values, out);
  if (command === 'budget') return budgetCommand(positionals[1], values, out);
  if (command === 'ledger' && positionals[1] === 'import') return ledgerImportCommand(values, out);
  if (command === 'metrics') return metricsCommand(values, out);
  if (command === 'spend') {
    const b = cliLedgerBackend(ledgerOpts(values));
    try {
      const t = await new SpendLedger(b.store, systemClock, () => '', 'cli').totals();
      if (values.json) out(JSON.stringify({ ledger: b.where, todayMicroUsd: t.today, monthMicroUsd: t.month, reservedMicroUsd: t.reserved, requests: t.requests }));
      else out(`today ${formatUsd(t.today)} (${formatUsdExact(t.today)}) · month ${formatUsd(t.month)} (${formatUsdExact(t.month)}) · ${t.requests} requests\nledger: ${b.where}`);
      return 0;
    } finally {
      await b.close();
    }
  }
  out(`costwise: unknown command "${command}"\n\n${HELP}`);
  return 2;
}

type Values = Record<string, string | boolean | undefined>;

const ledgerOpts = (values: Values) => ({ ...(typeof values.ledger === 'string' ? { ledger: values.ledger } : {}), ...(typeof values.config === 'string' ? { config: values.config } : {}) });

async function routeCommand(values: Values, out: (s: string) => void): Promise<number> {
  const file = typeof values.file === 'string' ? values.file : '';
  if (!file) throw new UsageError('route needs --file F');
  let text = readFileSync(file, 'utf8');
  if (typeof values.lines === 'string') {
    const m = /^(\d+)-(\d+)$/.exec(values.lines);
    if (!m) throw new UsageError(`--lines must be A-B (got ${JSON.stringify(values.lines)})`);
    text = text.split('\n').slice(Number(m[1]) - 1, Number(m[2])).join('\n');
  }
  const tier = (values.tier ?? 'standard') as Tier;
  if (!TIERS.includes(tier)) throw new UsageError(`--tier must be one of ${TIERS.join(', ')}`);
  const task = typeof values.task === 'string' ? values.task : 'explain';
  const wanted = (typeof values.providers === 'string' ? values.providers : 'openai,deepseek,anthropic,gemini').split(',').map((p) => p.trim());
  const known: ProviderKind[] = ['openai', 'deepseek', 'anthropic', 'gemini'];
  const bad = wanted.filter((p) => !known.includes(p as ProviderKind));
  if (bad.length) throw new UsageError(`unknown provider(s): ${bad.join(', ')}`);
  const providers: ProviderStatus[] = wanted.map((p) => ({ provider: p as ProviderKind, endpoint: p, enabled: true, keyPresent: true, reachable: true }));
  const locals: LocalModel[] =
    typeof values.local === 'string' ? [{ model: values.local, endpoint: 'local', contextWindow: 32_768, maxOutput: 8_192, reachable: true, qualityKey: distillKeyOf(values.local) }] : [];
  const estimator = new TokenEstimator(await loadO200k());
  const prompt = explainMessages({ text, languageId: extname(file).slice(1) || 'text', fileName: basename(file) }).map((m) => m.content).join('\n');
  const at = instantArg(values, systemClock.now());
  const { catalog } = await loadCliPriceBook(at);
  const decision = route(buildCandidates(catalog, at, providers, locals), {
    task,
    at,
    tier,
    thresholds: DEFAULT_TIERS,
    promptTokens: (c) => estimator.prompt(prompt, c.model, c.provider).calibrated,
    expectedOutput: (c) => estimator.output.expected(task, c.model, c.reasoning, c.maxOutput, c.effort),
    maxOutputTokens: 4096,
    ...UNRESTRICTED,
  });
  if (values.json) {
    out(JSON.stringify(decision, (k, v) => (k === 'price' ? undefined : v), 2));
    return decision.chosen ? 0 : 1;
  }
  out(decision.summary + '\n');
  out(renderTable(['', 'model', 'effort', 'endpoint', 'quality', 'expected', 'worst case', 'why'], traceRows(decision)));
  return decision.chosen ? 0 : 1;
}

/** The decision as table rows: the chosen model, its fallbacks, then every rejection with its reason. */
export function traceRows(d: Decision): string[][] {
  const row = (mark: string, s: Scored, why: string) => [mark, s.candidate.model, s.candidate.effort ?? 'default', s.candidate.endpoint, s.candidate.quality === undefined ? 'unscored' : `${s.candidate.quality}${s.candidate.qualityEstimated ? ' (est.)' : ''}`, formatUsd(s.expectedCost), formatUsd(s.worstCase), why];
  return [
    ...d.ranked.map((s, i) => row(i === 0 ? '→' : String(i), s, i === 0 ? (d.pinned ? 'pinned' : d.downgraded ? 'cheapest that fits the budget' : 'cheapest in tier') : 'fallback')),
    ...d.rejected.map((r) => row('×', r, r.reason)),
  ];
}

async function reportCommand(values: Values, out: (s: string) => void): Promise<number> {
  const month = typeof values.month === 'string' ? values.month : localMonthKey(new Date());
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new UsageError(`--month must be YYYY-MM (got ${JSON.stringify(month)})`);
  const by = typeof values.by === 'string' ? values.by : values.team !== undefined ? 'person' : 'model';
  if (!['model', 'provider', 'day', 'workspace', 'task', 'surface', 'conversation', 'person'].includes(by)) throw new UsageError('--by must be model, provider, day, workspace, task, surface, conversation or person');
  const b = cliLedgerBackend(ledgerOpts(values));
  let fold;
  let rules;
  try {
    fold = await new SpendLedger(b.store, systemClock, () => '', 'cli').fold(month);
    rules = values.team !== undefined ? await cliTeamRules(b) : [];
  } finally {
    await b.close();
  }
  const dir = b.where;
  const summary = fold.summary();
  const groups =
    by === 'day'
      ? Object.entries(summary.byDay).sort(([a], [b]) => a.localeCompare(b)).map(([key, cost]) => ({ key, cost, requests: fold.settled.filter((s) => fold.dayOf(s.reservedAt) === key).length }))
      : by === 'surface'
        ? summary.bySurface
        : by === 'conversation'
          ? summary.byConversation.map((b) => ({ ...b, key: conversationName(b.key) }))
          : fold.breakdown(by as 'model' | 'provider' | 'workspace' | 'task' | 'person');
  if (values.json) {
    const team = values.team !== undefined ? { team: { byPerson: summary.byPerson, byModel: summary.byModel, byProvider: summary.byProvider, limits: rules } } : {};
    out(JSON.stringify({ ledger: dir, month, by, totalMicroUsd: summary.total, savedMicroUsd: summary.saved, reservedMicroUsd: summary.reserved, requests: summary.requests, tokens: summary.tokens, estimatedRequests: summary.estimatedRequests, corruptLines: summary.corruptLines, groups: groups.map((g) => ({ key: g.key, requests: g.requests, costMicroUsd: g.cost })), ...team }, null, 2));
    return 0;
  }
  if (values.csv) {
    out(`${by},requests,cost_usd`);
    for (const g of groups) out(`${csvCell(g.key)},${g.requests},${formatUsdExact(g.cost).slice(1)}`);
    return 0;
  }
  out(`Costwise spend, ${month} (ledger: ${dir})\n`);
  out(renderTable([by, 'requests', 'cost'], [...groups.map((g) => [g.key, String(g.requests), formatUsd(g.cost)]), ['total', String(summary.requests), formatUsd(summary.total)]]));
  if (values.team !== undefined) {
    for (const [title, buckets] of [['model', summary.byModel], ['provider', summary.byProvider]] as const) out('\n' + renderTable([title, 'requests', 'cost'], buckets.map((g) => [g.key, String(g.requests), formatUsd(g.cost)])));
    for (const r of rules) out(`${r.period === 'day' ? 'daily' : 'monthly'} limit ${formatUsd(r.limit)}: ${r.person ? `${r.person} (${formatUsd(fold.spent({ person: r.person }))} spent or reserved)` : `the team (${formatUsd(fold.spent())} spent or reserved)`}`);
  }
  const t = summary.tokens;
  out(`\ntokens: ${t.input.toLocaleString('en-US')} in, ${t.cachedRead.toLocaleString('en-US')} cached, ${t.output.toLocaleString('en-US')} out (${t.reasoning.toLocaleString('en-US')} reasoning)`);
  if (summary.saved) out(`saved by routing: ${formatUsd(summary.saved)} against each tier's most expensive model`);
  if (summary.reserved) out(`still reserved by requests in flight: ${formatUsd(summary.reserved)}`);
  if (summary.estimatedRequests) out(`${summary.estimatedRequests} request(s) settled at an estimate (the stream carried no usage)`);
  if (summary.corruptLines) out(`${summary.corruptLines} damaged ledger line(s) left out (the file is kept as it is)`);
  return 0;
}

/** A CSV cell: quoted when needed, and never starting with a spreadsheet formula character. */


if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: Error) => {
      process.stderr.write(`costwise: ${e.message}\n`);
      process.exitCode = e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1;
    },
  );
}
