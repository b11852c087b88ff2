import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { describeOrphans, MAX_RESERVATION_AGE_MS } from '../core/ledger/orphans';
import { stampedLimitRules } from '../core/budget/sharedLimits';
import { isBudgetRefusal, SpendLedger } from '../core/ledger/spendLedger';
import { formatUsdExact } from '../core/money';
import { costOf } from '../core/pricing/cost';
import { ASSUMED_LOCAL_TOKENS_PER_SECOND, DEFAULT_ENERGY, energyCost, energyPer1kTokens } from '../core/pricing/energy';
import { explainMessages } from '../core/requests/explainPrompt';
import { localPrice } from '../core/requests/localPrice';
import { runRequest } from '../core/requests/runRequest';
import { whyOnlyLocal } from '../core/routing/onlyLocal';
import { buildCandidates, type LocalModel, type ProviderStatus } from '../core/routing/registry';
import { route, UNRESTRICTED } from '../core/routing/router';
import { DEFAULT_TIERS } from '../core/routing/tiers';
import { distillKeyOf } from '../core/runtime/distills';
import { TIERS, type Tier } from '../core/settings';
import { TokenEstimator } from '../core/tokens/tokenEstimator';
import { loadO200k } from '../node/gptTokenizer';
import { SHARED_LIMITS_DIR, SharedLimitStamps } from '../node/sharedLimitStamps';
import { systemClock } from '../node/systemClock';
import { EmbeddedRuntime } from '../runtime/embeddedRuntime';
import { providerFor, type Endpoint } from '../runtime/endpoints';
import { defaultThreads } from '../runtime/hardware';
import { defaultConfigFile, loadCliConfig } from './cliConfig';
import { defaultLedgerDir } from './ledgerLocation';
import { cliLedgerBackend, cliTeamRules } from './cliLedger';
import { loadCliPriceBook } from './priceSource';
import { UsageError } from './usageError';

export interface ExplainArgs {
  file: string;
  lines?: string;
  tier?: string;
  modelPath?: string;
  ledger?: string;
  config?: string;
  reasoning?: boolean;
  json?: boolean;
}

export interface CliIo {
  out: (s: string) => void;
  /** The answer as it streams (stdout without a newline). */
  write: (s: string) => void;
  err: (s: string) => void;
  /** The embedded runtime's child entry (dist/localRuntime.js next to dist/cli.js). */
  runtimeEntry: string;
}

/**
 * `costwise explain`: routes a file's lines to the cheapest model that meets the tier among the
 * providers this CLI has keys for (COSTWISE_<PROVIDER>_API_KEY or the config file) and a local GGUF
 * model, streams the answer, and records the cost in the same ledger (and under the same lock) as the
 * extension. Without a configured budget, paid models are refused and only local models answer.
 */
export async function explainCommand(a: ExplainArgs, io: CliIo): Promise<number> {
  if (!a.file) throw new UsageError('explain needs --file F');
  if (!existsSync(a.file)) throw new UsageError(`no such file: ${a.file}`);
  let text = readFileSync(a.file, 'utf8');
  if (a.lines) {
    const m = /^(\d+)-(\d+)$/.exec(a.lines);
    if (!m) throw new UsageError(`--lines must be A-B (got ${JSON.stringify(a.lines)})`);
    text = text.split('\n').slice(Number(m[1]) - 1, Number(m[2])).join('\n');
  }
  if (text.includes('\u0000')) throw new UsageError(`${a.file} looks binary: Costwise explains text`);
  const tier = (a.tier ?? 'standard') as Tier;
  if (!TIERS.includes(tier)) throw new UsageError(`--tier must be one of ${TIERS.join(', ')}`);
  const config = loadCliConfig(a.config ?? defaultConfigFile());
  const now = systemClock.now();
  const { catalog } = await loadCliPriceBook(now);
  const endpoints = new Map<string, Endpoint>();
  const providers: ProviderStatus[] = config.providers.map((p) => {
    endpoints.set(p.provider, { id: p.provider, kind: p.provider === 'anthropic' ? 'anthropic' : p.provider === 'gemini' ? 'gemini' : 'openai-compatible', baseUrl: p.baseUrl, apiKey: p.apiKey });
    return { provider: p.provider, endpoint: p.provider, enabled: true, keyPresent: !!p.apiKey, reachable: true };
  });
  const modelPath = a.modelPath ?? config.local.modelPath;
  let runtime: EmbeddedRuntime | undefined;
  const locals: LocalModel[] = [];
  if (modelPath) {
    if (!existsSync(modelPath)) throw new UsageError(`no such model file: ${modelPath}`);
    runtime = new EmbeddedRuntime({ entry: io.runtimeEntry, modelPath, threads: config.local.threads ?? defaultThreads(), contextSize: 8192, idleMs: 60_000 });
    endpoints.set('embedded', { id: 'embedded', kind: 'embedded', baseUrl: 'http://127.0.0.1', apiKey: undefined });
    const key = distillKeyOf(basename(modelPath));
    locals.push({ model: basename(modelPath).replace(/\.gguf$/i, ''), endpoint: 'embedded', contextWindow: 8192, maxOutput: 4096, reachable: true, costPer1kTokens: energyPer1kTokens(ASSUMED_LOCAL_TOKENS_PER_SECOND, DEFAULT_ENERGY), ...(key ? { qualityKey: key } : {}) });
  }
  const estimator = new TokenEstimator(await loadO200k());
  const messages = explainMessages({ text, languageId: extname(a.file).slice(1) || 'text', fileName: basename(a.file) });
  const promptText = messages.map((m) => m.content).join('\n');
  const candidates = buildCandidates(catalog, now, providers, locals);
  const decide = (t: Tier, unscoredLocalAsBasic = false) =>
    route(candidates, {
      ...UNRESTRICTED,
      unscoredLocalAsBasic,
      task: 'explain',
      at: now,
      tier: t,
      thresholds: DEFAULT_TIERS,
      promptTokens: (c) => estimator.prompt(promptText, c.model, c.provider).calibrated,
      expectedOutput: (c) => estimator.output.expected('explain', c.model, c.reasoning, c.maxOutput, c.effort),
      maxOutputTokens: 4096,
    });
  let decision = decide(tier);
  if (!decision.chosen && tier !== 'basic' && whyOnlyLocal(decision) === 'key') {
    io.err(`costwise: no API key for a ${tier}-tier model, so the local model answers (basic tier).`);
    decision = decide('basic', true);
  }
  if (!decision.chosen) {
    io.err(`costwise: ${decision.summary}`);
    io.err('Keys: COSTWISE_OPENAI_API_KEY, COSTWISE_DEEPSEEK_API_KEY, COSTWISE_ANTHROPIC_API_KEY, COSTWISE_GEMINI_API_KEY, or "providers" in ' + config.file);
    return 1;
  }
  const chosen = decision.chosen.candidate;
  const ledgerDir = a.ledger ?? defaultLedgerDir();
  const backend = cliLedgerBackend({ ledger: ledgerDir, ...(a.config ? { config: a.config } : {}) });
  const ledger = new SpendLedger(backend.store, systemClock, randomUUID, backend.owner, backend.team ? backend.person : undefined);
  const cf = decision.counterfactual?.candidate;
  try {
    // A CLI run that was killed mid-request left its reservation open: record it now, and say so.
    const orphans = await ledger.settleOrphans(backend.isAlive, MAX_RESERVATION_AGE_MS);
    if (orphans.length) io.err(`costwise: ${describeOrphans(orphans)}`);
    const result = await runRequest(
      { ledger, clock: systemClock },
      {
        provider: providerFor(endpoints.get(chosen.endpoint)!, () => runtime),
        price: chosen.price ?? (chosen.local ? localPrice(chosen) : undefined),
        request: { model: chosen.model, messages, maxOutputTokens: Math.min(4096, chosen.maxOutput), ...(chosen.effort ? { reasoningEffort: chosen.effort } : {}) },
        promptEstimate: { raw: decision.chosen.promptTokens, calibrated: decision.chosen.promptTokens },
        task: 'explain',
        tier: decision.tier,
        workspace: 'cli',
        file: basename(a.file),
        // Its own budget, and the limits set in VS Code (same ledger): a request must fit both.
        // On a team ledger its own limits count this person's spend, and the team's budgets apply too.
        budget: { rules: [...[{ period: 'month' as const, limit: config.monthlyBudget, setting: `budget.monthlyUsd in ${config.file}` }, ...stampedLimitRules(new SharedLimitStamps(join(ledgerDir, SHARED_LIMITS_DIR)).read())].map((r) => (backend.team ? { ...r, person: backend.person } : r)), ...(await cliTeamRules(backend))], warnRatio: 0.8, onLimit: 'ask' },
        ...(chosen.local ? { costFor: (_u: unknown, ms: number) => energyCost(ms / 1000, DEFAULT_ENERGY) } : {}),
        counterfactual: (usage, at) => (cf?.price && cf.model !== chosen.model ? { model: cf.model, cost: costOf(usage, cf.price, at) } : undefined),
        signal: new AbortController().signal,
        onEvent: (e) => {
          if (e.type === 'text' && !a.json) io.write(e.text);
          if (e.type === 'reasoning' && a.reasoning && !a.json) io.err(e.text);
        },
      },
    );
    const r = result.record;
    if (a.json) io.out(JSON.stringify({ model: chosen.model, tier: decision.tier, text: result.text, reasoning: result.reasoning, record: r, error: result.error?.message }));
    else {
      io.write('\n');
      if (r) io.err(`${formatUsdExact(r.cost)} · ${r.model} · ${decision.tier} · ${r.usage.inputTokens} in · ${r.usage.outputTokens} out${r.usage.reasoningTokens ? ` (${r.usage.reasoningTokens} reasoning)` : ''}`);
      if (result.error) io.err(`costwise: ${result.error.message}`);
    }
    return result.error ? 1 : 0;
  } catch (e) {
    if (isBudgetRefusal(e)) {
      io.err(`costwise: ${e.message}`);
      return 3;
    }
    throw e;
  } finally {
    await runtime?.stop();
    ledger.dispose();
    await backend.close();
  }
}

/** Where dist/cli.js finds the embedded runtime's entry. */
export const bundledRuntimeEntry = () => join(__dirname, 'localRuntime.js');
