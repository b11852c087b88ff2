import { usdToMicro } from '../money';
import type { ContextTier, PriceEntry, ProviderKind, TimeWindows, TokenPrices } from './priceEntry';

/**
 * The upstream data (`@pydantic/genai-prices`' provider list, bundled or its published data.json) as
 * Costwise price entries. What upstream matches by prefix, substring or loose pattern is NOT carried over:
 * a model answers to its own id, its `equals` ids, and dated snapshots of its id. Tier starts upstream
 * are exclusive ("more than N"), so a tier applies from N + 1. Upstream computes in floats; these are
 * integers.
 */
export interface UpstreamConversion {
  entries: PriceEntry[];
  /** Models left out, with why (no token price, malformed). */
  skipped: string[];
}

const FIRST_PARTY: Record<string, ProviderKind> = { openai: 'openai', anthropic: 'anthropic', google: 'gemini', deepseek: 'deepseek' };
const SINCE_ALWAYS = '2000-01-01';
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export class UpstreamDataError extends Error {}

/** The model's own exact ids from a match expression: `equals`, and `starts_with`/`regex` only where they name the id itself. */
function exactIds(match: unknown, id: string, out: Set<string>): boolean {
  if (!isObj(match)) return false;
  let snapshots = false;
  if (Array.isArray(match.or)) for (const m of match.or) snapshots = exactIds(m, id, out) || snapshots;
  if (typeof match.equals === 'string') out.add(match.equals.toLowerCase());
  if (typeof match.starts_with === 'string' && match.starts_with.toLowerCase() === id) snapshots = true;
  if (typeof match.regex === 'string' && match.regex === `^${id.replace(/\./g, '\\.')}-\\d{8}$`) snapshots = true;
  return snapshots;
}

/** One upstream price value (a number or `{ base, tiers: [{ start, price }] }`) at a tier start (0 = base). */
function valueAt(v: unknown, start: number): number | undefined {
  if (typeof v === 'number') return v;
  if (!isObj(v) || typeof v.base !== 'number' || !Array.isArray(v.tiers)) return undefined;
  let price = v.base;
  for (const t of v.tiers) if (isObj(t) && typeof t.start === 'number' && typeof t.price === 'number' && start >= t.start && start > 0) price = t.price;
  return price;
}

function tokenPrices(p: Obj, start: number, anthropic: boolean): TokenPrices | undefined {
  const usd = (k: string) => valueAt(p[k], start);
  const input = usd('input_mtok');
  const output = usd('output_mtok');
  if (input === undefined || output === undefined || !(input > 0) || !(output > 0)) return undefined;
  const t: TokenPrices = { input: usdToMicro(input), cachedRead: usdToMicro(usd('cache_read_mtok') ?? input), output: usdToMicro(output) };
  const write = usd('cache_write_mtok');
  // Anthropic's plain cache write is its 5-minute write; elsewhere a write has no duration.
  if (write !== undefined) t[anthropic ? 'cacheWrite5m' : 'cacheWrite'] = usdToMicro(write);
  const write1h = usd('cache_write_1h_mtok');
  if (write1h !== undefined) t.cacheWrite1h = usdToMicro(write1h);
  return t;
}

function tierStarts(p: Obj): number[] {
  const starts = new Set<number>();
  for (const v of Object.values(p)) if (isObj(v) && Array.isArray(v.tiers)) for (const t of v.tiers) if (isObj(t) && typeof t.start === 'number') starts.add(t.start);
  return [...starts].sort((a, b) => a - b);
}

function dailyWindow(constraint: Obj): Array<[string, string]> {
  const hhmm = (s: unknown) => String(s).slice(0, 5);
  const [a, b] = [hhmm(constraint.start_time), hhmm(constraint.end_time)];
  return a < b ? [[a, b]] : [[a, '24:00'], ['00:00', b]];
}

export function convertUpstream(providers: unknown): UpstreamConversion {
  if (!Array.isArray(providers) || !providers.every((p) => isObj(p) && typeof p.id === 'string' && Array.isArray(p.models))) {
    throw new UpstreamDataError('not a genai-prices provider list (an array of { id, models: [...] })');
  }
  const entries: PriceEntry[] = [];
  const skipped: string[] = [];
  for (const provider of providers as Obj[]) {
    const pid = String(provider.id);
    const kind = FIRST_PARTY[pid] ?? 'custom';
    for (const m of provider.models as unknown[]) {
      if (!isObj(m) || typeof m.id !== 'string') continue;
      const id = m.id.toLowerCase();
      // First-party ids as the APIs return them; other vendors' ids qualified by vendor (OpenRouter's are already `vendor/model`).
      const key = kind !== 'custom' || pid === 'openrouter' ? id : `${pid}:${id}`;
      const ids = new Set<string>();
      const snapshots = exactIds(m.match, id, ids);
      ids.delete(id);
      const periods = Array.isArray(m.prices) ? (m.prices as unknown[]).filter(isObj) : isObj(m.prices) ? [{ prices: m.prices }] : [];
      const dated = periods.filter((p) => !isObj(p.constraint) || p.constraint.type === 'start_date');
      const timed = periods.filter((p) => isObj(p.constraint) && p.constraint.type === 'time_of_date');
      const ctx = typeof m.context_window === 'number' && m.context_window > 0 ? m.context_window : 128_000;
      let rule: TimeWindows | undefined;
      let timedPrices: TokenPrices | undefined;
      if (timed.length) {
        rule = { id: `${pid}:${id}:utc-daily`, zone: 'UTC', weekdays: [1, 2, 3, 4, 5, 6, 7], windows: timed.flatMap((p) => dailyWindow(p.constraint as Obj)), holidays: [], label: 'peak', otherLabel: 'off-peak' };
        timedPrices = isObj(timed[timed.length - 1]!.prices) ? tokenPrices(timed[timed.length - 1]!.prices as Obj, 0, kind === 'anthropic') : undefined;
      }
      for (const p of dated) {
        const base = isObj(p.prices) ? tokenPrices(p.prices, 0, kind === 'anthropic') : undefined;
        if (!base) {
          skipped.push(`${pid}:${id}: no per-token input and output price`);
          break;
        }
        const tiers: ContextTier[] = [];
        for (const start of tierStarts(p.prices as Obj)) {
          const t = tokenPrices(p.prices as Obj, start, kind === 'anthropic');
          if (t) tiers.push({ fromPromptTokens: start + 1, prices: t });
        }
        const e: PriceEntry = {
          model: key,
          provider: kind,
          vendor: pid,
          effective: isObj(p.constraint) ? String(p.constraint.start_date) : SINCE_ALWAYS,
          source: `@pydantic/genai-prices (${pid})`,
          contextWindow: ctx,
          maxOutput: ctx,
          prices: base,
          reasoningBilledAsOutput: true,
        };
        if (tiers.length) e.tiers = tiers;
        if (rule && timedPrices) e.timed = { rule, prices: timedPrices };
        if (ids.size && kind !== 'custom') e.aliases = [...ids];
        if (snapshots && kind !== 'custom') e.snapshots = true;
        entries.push(e);
      }
    }
  }
  return { entries, skipped };
}
