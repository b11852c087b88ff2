import type { ReserveRecord, SettleRecord } from '../../src/core/ledger/records';
import { emptyUsage } from '../../src/core/pricing/usage';

const MODELS = [
  ['deepseek-reasoner', 'deepseek', 'standard'],
  ['o4-mini', 'openai', 'premium'],
  ['claude-sonnet-4-5', 'anthropic', 'premium'],
  ['gemini-2.5-flash', 'gemini', 'standard'],
  ['DeepSeek-R1-Distill-Qwen-1.5B-Q4_K_M', 'local', 'basic'],
] as const;
const FILES = ['median.ts', 'parser.py', 'ledger.go', 'App.tsx', 'lib.rs', 'query.sql', 'Makefile'];
const price = { model: 'deepseek-reasoner', effective: '2025-09-29', source: 'seed' };

export interface SeedOptions {
  /** Extra file names to cycle in (e.g. hostile ones for the inertness test). */
  files?: string[];
  /** Every n-th request settles at an estimate. */
  estimatedEvery?: number;
}

/**
 * A heavy user's month as the extension writes it: `requests` reserve + settle pairs spread over the
 * month's first 28 days, across five models, seven workspaces and several files. Deterministic.
 */
export function seedMonthLines(year: number, month: number, requests: number, o: SeedOptions = {}): string {
  const files = [...FILES, ...(o.files ?? [])];
  const lines: string[] = [];
  for (let i = 0; i < requests; i++) {
    const [model, provider, tier] = MODELS[i % MODELS.length]!;
    const at = new Date(year, month, 1 + (i % 28), 9 + (i % 10), i % 60, i % 50).toISOString();
    const id = `${year}-${month}-${i}`;
    const file = files[i % files.length]!;
    const reserve: ReserveRecord = { v: 1, kind: 'reserve', id, at, model, provider, task: 'explain', amount: 40_000, estimate: { ...emptyUsage('estimated'), inputTokens: 3000, outputTokens: 4096 }, price, owner: 'seed:1:1', workspace: `ws${i % 7}`, file };
    const cost = provider === 'local' ? 60 + (i % 90) : 1000 + (i % 5000);
    const settle: SettleRecord = {
      v: 1,
      kind: 'settle',
      id,
      at,
      reservedAt: at,
      model,
      provider,
      task: 'explain',
      usage: { inputTokens: 1800 + (i % 500), cachedReadTokens: 1024, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 900 + (i % 700), reasoningTokens: 600, source: o.estimatedEvery && i % o.estimatedEvery === 0 ? 'estimated' : 'reported' },
      cost,
      price,
      durationMs: 4000,
      outcome: 'ok',
      estimatedInputTokens: 2700,
      workspace: `ws${i % 7}`,
      file,
      tier,
      ...(provider !== 'openai' ? { counterfactual: { model: 'o4-mini', cost: cost * 3 } } : {}),
    };
    lines.push(JSON.stringify(reserve), JSON.stringify(settle));
  }
  return lines.join('\n') + '\n';
}
