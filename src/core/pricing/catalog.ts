import { usdToMicro } from '../money';
import type { PriceEntry, ProviderKind, TokenPrices } from './priceEntry';

// List prices in USD per 1M tokens, as published by each provider (FACTS.md §1, checked 2025-12).
// Data, not code: each row is dated and sourced so a record can be re-priced with the price in force.
const OPENAI = 'https://openai.com/api/pricing (2025-12)';
const ANTHROPIC = 'https://www.anthropic.com/pricing#api (2025-12)';
const GEMINI = 'https://ai.google.dev/gemini-api/docs/pricing (2025-12)';
const DEEPSEEK = 'https://api-docs.deepseek.com/quick_start/pricing (2025-12)';

type Usd = { in: number; read: number; w5?: number; w1h?: number; out: number };

function p(u: Usd): TokenPrices {
  const t: TokenPrices = { input: usdToMicro(u.in), cachedRead: usdToMicro(u.read), output: usdToMicro(u.out) };
  if (u.w5 !== undefined) t.cacheWrite5m = usdToMicro(u.w5);
  if (u.w1h !== undefined) t.cacheWrite1h = usdToMicro(u.w1h);
  return t;
}

function row(
  model: string,
  provider: ProviderKind,
  effective: string,
  source: string,
  ctx: number,
  maxOut: number,
  prices: Usd,
  extra: Partial<Pick<PriceEntry, 'above' | 'aliases' | 'retired'>> = {},
): PriceEntry {
  return { model, provider, effective, source, contextWindow: ctx, maxOutput: maxOut, prices: p(prices), reasoningBilledAsOutput: true, ...extra };
}

const K = 1000;

export const BUILTIN_PRICES: readonly PriceEntry[] = [
  // DeepSeek: R1-era prices until the V3.2 switch on 2025-09-29, then the V3.2 prices.
  row('deepseek-reasoner', 'deepseek', '2025-01-20', DEEPSEEK, 128 * K, 64 * K, { in: 0.55, read: 0.14, out: 2.19 }),
  row('deepseek-reasoner', 'deepseek', '2025-09-29', DEEPSEEK, 128 * K, 64 * K, { in: 0.28, read: 0.028, out: 0.42 }),
  row('deepseek-chat', 'deepseek', '2025-09-29', DEEPSEEK, 128 * K, 8 * K, { in: 0.28, read: 0.028, out: 0.42 }),
  row('o1', 'openai', '2024-12-17', OPENAI, 200 * K, 100 * K, { in: 15, read: 7.5, out: 60 }, { aliases: ['o1-2024-12-17'] }),
  row('o3', 'openai', '2025-04-16', OPENAI, 200 * K, 100 * K, { in: 10, read: 2.5, out: 40 }, { aliases: ['o3-2025-04-16'] }),
  row('o3', 'openai', '2025-06-10', OPENAI, 200 * K, 100 * K, { in: 2, read: 0.5, out: 8 }, { aliases: ['o3-2025-04-16'] }),
  row('o3-mini', 'openai', '2025-01-31', OPENAI, 200 * K, 100 * K, { in: 1.1, read: 0.55, out: 4.4 }, { aliases: ['o3-mini-2025-01-31'] }),
  row('o4-mini', 'openai', '2025-04-16', OPENAI, 200 * K, 100 * K, { in: 1.1, read: 0.275, out: 4.4 }, { aliases: ['o4-mini-2025-04-16'] }),
  row('gpt-4.1', 'openai', '2025-04-14', OPENAI, 1_047_576, 32_768, { in: 2, read: 0.5, out: 8 }, { aliases: ['gpt-4.1-2025-04-14'] }),
  row('gpt-5', 'openai', '2025-08-07', OPENAI, 272 * K, 128 * K, { in: 1.25, read: 0.125, out: 10 }, { aliases: ['gpt-5-2025-08-07'] }),
  row('gpt-5-mini', 'openai', '2025-08-07', OPENAI, 272 * K, 128 * K, { in: 0.25, read: 0.025, out: 2 }, { aliases: ['gpt-5-mini-2025-08-07'] }),
  row('gpt-5-nano', 'openai', '2025-08-07', OPENAI, 272 * K, 128 * K, { in: 0.05, read: 0.005, out: 0.4 }, { aliases: ['gpt-5-nano-2025-08-07'] }),
  row('claude-sonnet-4', 'anthropic', '2025-05-22', ANTHROPIC, 200 * K, 64 * K, { in: 3, read: 0.3, w5: 3.75, w1h: 6, out: 15 }, {
    aliases: ['claude-sonnet-4-20250514', 'claude-sonnet-4-0'],
    above: { threshold: 200 * K, prices: p({ in: 6, read: 0.6, w5: 7.5, w1h: 12, out: 22.5 }) },
  }),
  // End of life 2026-11-30 (Anthropic's model deprecations, as the @anthropic-ai/sdk warns for this id).
  row('claude-sonnet-4-5', 'anthropic', '2025-09-29', ANTHROPIC, 200 * K, 64 * K, { in: 3, read: 0.3, w5: 3.75, w1h: 6, out: 15 }, {
    aliases: ['claude-sonnet-4-5-20250929'],
    retired: '2026-11-30',
    above: { threshold: 200 * K, prices: p({ in: 6, read: 0.6, w5: 7.5, w1h: 12, out: 22.5 }) },
  }),
  row('claude-opus-4-1', 'anthropic', '2025-08-05', ANTHROPIC, 200 * K, 32 * K, { in: 15, read: 1.5, w5: 18.75, w1h: 30, out: 75 }, { aliases: ['claude-opus-4-1-20250805'] }),
  row('claude-opus-4-5', 'anthropic', '2025-11-24', ANTHROPIC, 200 * K, 64 * K, { in: 5, read: 0.5, w5: 6.25, w1h: 10, out: 25 }, { aliases: ['claude-opus-4-5-20251101'] }),
  row('claude-haiku-4-5', 'anthropic', '2025-10-15', ANTHROPIC, 200 * K, 64 * K, { in: 1, read: 0.1, w5: 1.25, w1h: 2, out: 5 }, { aliases: ['claude-haiku-4-5-20251001'] }),
  row('gemini-2.5-pro', 'gemini', '2025-06-17', GEMINI, 1_048_576, 65_536, { in: 1.25, read: 0.125, out: 10 }, {
    above: { threshold: 200 * K, prices: p({ in: 2.5, read: 0.25, out: 15 }) },
  }),
  row('gemini-2.5-flash', 'gemini', '2025-06-17', GEMINI, 1_048_576, 65_536, { in: 0.3, read: 0.03, out: 2.5 }),
  row('gemini-2.5-flash-lite', 'gemini', '2025-07-22', GEMINI, 1_048_576, 65_536, { in: 0.1, read: 0.01, out: 0.4 }),
];
