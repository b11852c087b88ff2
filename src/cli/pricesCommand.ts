import { formatUsdExact } from '../core/money';
import { priceUsage } from '../core/pricing/cost';
import { formatInstant, instantMs } from '../core/pricing/instants';
import type { PriceEntry, ServiceTier } from '../core/pricing/priceEntry';
import type { Usage } from '../core/pricing/usage';
import { priceAge, STALE_AFTER_DAYS } from '../core/pricing/priceAge';
import type { PriceBook } from '../node/priceBook';
import { renderTable } from './table';
import { UsageError } from './usageError';

type Values = Record<string, string | boolean | undefined>;

/** `--at` (an instant, or a date = 12:00 UTC that day; `--date` is the old spelling), else now. */
export function instantArg(values: Values, now: Date): Date {
  const raw = typeof values.at === 'string' ? values.at : typeof values.date === 'string' ? values.date : undefined;
  if (raw === undefined) return now;
  let ms: number;
  try {
    ms = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? instantMs(raw) + 12 * 3_600_000 : instantMs(raw);
  } catch {
    throw new UsageError(`--at must be YYYY-MM-DD or an ISO instant like 2026-11-30T02:30:00Z (got ${JSON.stringify(raw)})`);
  }
  return new Date(ms);
}

const usd = (m: number | undefined) => (m === undefined ? '–' : String(m / 1e6));

export function pricesCommand(values: Values, book: PriceBook, now: Date, out: (s: string) => void): number {
  const at = instantArg(values, now);
  if (values.check) return pricesCheck(values, book, now, out);
  const rows = book.catalog.current(at).filter((r) => r.provider !== 'custom' || values.all);
  if (values.json) {
    out(JSON.stringify(rows, null, 2));
    return 0;
  }
  const notes = (r: PriceEntry) =>
    [r.timed ? `${r.timed.rule.label} ${usd(r.timed.prices.input)}/${usd(r.timed.prices.output)}` : '', r.tiers?.length ? `from ${r.tiers[0]!.fromPromptTokens} prompt tokens ${usd(r.tiers[0]!.prices.input)}/${usd(r.tiers[0]!.prices.output)}` : '', r.promoUntil ? `promotion until ${r.promoUntil}` : '', r.retired ? `retired ${r.retired}` : '']
      .filter(Boolean)
      .join('; ');
  out(renderTable(['model', 'provider', 'input', 'cached', 'output', 'context', 'since', 'notes'], rows.map((r) => [r.model, r.provider, usd(r.prices.input), usd(r.prices.cachedRead), usd(r.prices.output), String(r.contextWindow), r.effective, notes(r)])));
  out(`\nUSD per 1M tokens at ${formatInstant(at.getTime())}; upstream: ${book.upstream.source} (${book.upstream.date}); curated corrections of ${book.curatedUpdated}.${values.all ? '' : ' --all adds other vendors (OpenRouter and more).'}`);
  const warning = staleWarning(book, now);
  if (warning) out(warning);
  return 0;
}

/** A line flagging price data older than 60 days, wherever the CLI shows prices or costs. */
export function staleWarning(book: PriceBook, now: Date): string | undefined {
  const age = priceAge(book.upstream.date, now.getTime());
  return age.stale ? `WARNING: the upstream price data is ${age.days} days old (older than ${STALE_AFTER_DAYS} days): run \`costwise prices --update\` or check the prices you rely on.` : undefined;
}

function pricesCheck(values: Values, book: PriceBook, now: Date, out: (s: string) => void): number {
  const age = priceAge(book.upstream.date, now.getTime());
  if (values.json) {
    out(JSON.stringify({ upstream: book.upstream, ageDays: age.days, stale: age.stale, curatedUpdated: book.curatedUpdated, disagreements: book.disagreements, skipped: book.skipped.length }, null, 2));
    return 0;
  }
  out(`Upstream price data: ${book.upstream.source}, ${book.upstream.kind === 'bundled' ? 'published' : 'fetched'} ${book.upstream.date} (${age.days} days old)${age.stale ? ` — OLDER THAN ${STALE_AFTER_DAYS} DAYS: run \`costwise prices --update\` or check the prices you rely on` : ''}`);
  out(`Curated corrections: ${book.curatedUpdated} (always applied on top)`);
  out(`\n${book.disagreements.length} disagreement(s) between upstream and the curated layer (the curated value is used):`);
  if (book.disagreements.length) out(renderTable(['model', 'what', 'upstream', 'curated (used)'], book.disagreements.map((d) => [d.model, d.field, d.upstream, d.curated])));
  return 0;
}

export function costCommand(values: Values, book: PriceBook, now: Date, out: (s: string) => void): number {
  const model = typeof values.model === 'string' ? values.model : '';
  if (!model) throw new UsageError('cost needs --model ID (see `costwise prices`)');
  const count = (name: string, required: boolean): number => {
    const v = values[name];
    if (v === undefined) {
      if (required) throw new UsageError(`cost needs --${name} N`);
      return 0;
    }
    const n = Number(v);
    if (typeof v !== 'string' || !/^\d+$/.test(v) || !Number.isSafeInteger(n)) throw new UsageError(`--${name} must be a whole number of tokens (got ${JSON.stringify(v)})`);
    return n;
  };
  const at = instantArg(values, now);
  const entry = book.catalog.lookup(model, at);
  if (!entry) throw new UsageError(`no price for "${model}" at ${formatInstant(at.getTime())}: Costwise refuses to guess. See \`costwise prices\` for known ids.`);
  const service = typeof values.service === 'string' ? (values.service as ServiceTier) : undefined;
  if (service && !['batch', 'flex', 'priority', 'regional'].includes(service)) throw new UsageError('--service must be batch, flex, priority or regional');
  const reasoning = count('reasoning', false);
  const usage: Usage = {
    inputTokens: count('input', true),
    cachedReadTokens: count('cached-read', false),
    cacheWriteTokens: count('cache-write', false),
    cacheWrite5mTokens: count('cache-write-5m', false),
    cacheWrite1hTokens: count('cache-write-1h', false),
    outputTokens: count('output', true) + reasoning,
    reasoningTokens: reasoning,
    source: 'estimated',
  };
  let priced;
  try {
    priced = priceUsage(usage, entry, at, service);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { cost, resolved } = priced;
  const how = [resolved.window ? `${resolved.window}${resolved.windowChangesAt ? ` until ${formatInstant(resolved.windowChangesAt)}` : ''}` : '', resolved.tierFrom ? `long-context rate (prompt >= ${resolved.tierFrom} tokens)` : '', resolved.multiplier.tier ? `${resolved.multiplier.tier} x${Number(resolved.multiplier.num) / Number(resolved.multiplier.den)}` : '']
    .filter(Boolean)
    .join(', ');
  const warning = staleWarning(book, now);
  if (values.json) out(JSON.stringify({ model: entry.model, at: at.toISOString(), priceEffective: entry.effective, source: entry.source, window: resolved.window, tierFrom: resolved.tierFrom, usage, costMicroUsd: cost, costUsd: formatUsdExact(cost).slice(1), priceDataStale: warning !== undefined }));
  else out(`${formatUsdExact(cost)}  ${entry.model} at ${formatInstant(at.getTime())}${how ? ` (${how})` : ''}; price since ${entry.effective}; ${entry.source}${warning ? `\n${warning}` : ''}`);
  return 0;
}
