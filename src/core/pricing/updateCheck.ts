import { instantMs } from './instants';
import type { PriceEntry, TokenPrices } from './priceEntry';
import { convertUpstream } from './upstreamPrices';

/**
 * Whether a fetched copy of the upstream price data may replace the one in use. Pure: the fetching and
 * storing are the caller's. A file that is not the upstream provider list, lacks a first-party provider,
 * or drops a paid price to 0 is rejected whole; a price that moves more than JUMP_LIMIT times either way
 * is held back (that model keeps the price in use) and reported, and the rest of the update applies.
 */
export const JUMP_LIMIT = 10;
export const REQUIRED_PROVIDERS = ['openai', 'anthropic', 'google', 'deepseek'] as const;

/** One token price of one model, before and after (USD per 1M tokens, for people). */
export interface PriceChange {
  model: string;
  field: string;
  old: string;
  new: string;
}

export interface UpstreamComparison {
  zeroed: PriceChange[];
  jumps: PriceChange[];
  added: string[];
  changed: string[];
}

export type UpdateVerdict =
  | { kind: 'rejected'; reason: string }
  | { kind: 'accepted'; providers: unknown[]; unchanged: boolean; heldBack: PriceChange[]; added: string[]; changed: string[] };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const FIRST_PARTY = new Set<string>(REQUIRED_PROVIDERS);
const FIELDS = ['input', 'cachedRead', 'cacheWrite', 'cacheWrite5m', 'cacheWrite1h', 'output'] as const;
const usd = (m: number) => `$${m / 1e6}/1M`;

/** The id a raw upstream model gets in the catalog (the same rule as convertUpstream). */
export function rawModelKey(providerId: string, modelId: string): string {
  const id = modelId.toLowerCase();
  return FIRST_PARTY.has(providerId) || providerId === 'openrouter' ? id : `${providerId}:${id}`;
}

/** The published file may leave a constraint's `type` implicit (the package adds it on load): make it explicit. */
export function withConstraintTypes(providers: unknown): unknown {
  if (!Array.isArray(providers)) return providers;
  const typed = (p: unknown) => {
    if (!isObj(p) || !isObj(p.constraint) || p.constraint.type !== undefined) return p;
    const c = p.constraint;
    const type = typeof c.start_date === 'string' ? 'start_date' : typeof c.start_time === 'string' ? 'time_of_date' : undefined;
    return type ? { ...p, constraint: { ...c, type } } : p;
  };
  return providers.map((pr) => (isObj(pr) && Array.isArray(pr.models) ? { ...pr, models: pr.models.map((m) => (isObj(m) && Array.isArray(m.prices) ? { ...m, prices: m.prices.map(typed) } : m)) } : pr));
}

/** Each model's period in force at `at`. */
function inForce(entries: readonly PriceEntry[], at: number): Map<string, PriceEntry> {
  const out = new Map<string, { e: PriceEntry; t: number }>();
  for (const e of entries) {
    let t: number;
    try {
      t = instantMs(e.effective);
    } catch {
      continue;
    }
    const cur = out.get(e.model);
    if (t <= at && (!cur || cur.t <= t)) out.set(e.model, { e, t });
  }
  return new Map([...out].map(([k, v]) => [k, v.e]));
}

/** Base, peak and long-context prices of an entry, by a field name people can read. */
function priceFields(e: PriceEntry): Map<string, number> {
  const out = new Map<string, number>();
  const add = (prefix: string, p: TokenPrices) => {
    for (const f of FIELDS) if (p[f] !== undefined) out.set(prefix + f, p[f]!);
  };
  add('', e.prices);
  if (e.timed) add(`${e.timed.rule.label} `, e.timed.prices);
  for (const t of e.tiers ?? []) add(`from ${t.fromPromptTokens} tokens `, t.prices);
  return out;
}

/**
 * What moving from `old` to `next` does to each model's prices at `at`. `nextModels`: every model id the
 * new raw file names, priced or not, so a model that lost its price is told apart from one left out.
 */
export function compareUpstream(old: readonly PriceEntry[], next: readonly PriceEntry[], nextModels: ReadonlySet<string>, at: number): UpstreamComparison {
  const before = inForce(old, at);
  const after = inForce(next, at);
  const r: UpstreamComparison = { zeroed: [], jumps: [], added: [], changed: [] };
  for (const model of after.keys()) if (!before.has(model)) r.added.push(model);
  for (const [model, o] of before) {
    const n = after.get(model);
    if (!n) {
      if (nextModels.has(model)) r.zeroed.push({ model, field: 'input and output', old: `${usd(o.prices.input)} / ${usd(o.prices.output)}`, new: 'no price' });
      continue;
    }
    const of = priceFields(o);
    const nf = priceFields(n);
    let differs = false;
    for (const [field, ov] of of) {
      const nv = nf.get(field);
      if (nv === undefined) continue;
      if (nv !== ov) differs = true;
      const change = { model, field, old: usd(ov), new: usd(nv) };
      if (ov > 0 && nv === 0) r.zeroed.push(change);
      else if (ov > 0 && (nv > ov * JUMP_LIMIT || nv * JUMP_LIMIT < ov)) r.jumps.push(change);
    }
    if (differs || of.size !== nf.size || [...nf.keys()].some((f) => !of.has(f))) r.changed.push(model);
  }
  return r;
}

/** `next` with each model in `models` replaced by its raw entry in `prev` (the data in use). */
export function holdBack(next: readonly Obj[], prev: readonly unknown[], models: ReadonlySet<string>): Obj[] {
  const old = new Map<string, unknown>();
  for (const p of prev) if (isObj(p) && Array.isArray(p.models)) for (const m of p.models) if (isObj(m) && typeof m.id === 'string') old.set(rawModelKey(String(p.id), m.id), m);
  return next.map((p) => ({
    ...p,
    models: (p.models as unknown[]).map((m) => {
      const key = isObj(m) && typeof m.id === 'string' ? rawModelKey(String(p.id), m.id) : '';
      return models.has(key) && old.has(key) ? old.get(key) : m;
    }),
  }));
}

/** The verdict on a fetched provider list (`nextRaw`, parsed JSON) against the list in use (`prevRaw`), at `at`. */
export function vetUpstreamUpdate(nextRaw: unknown, prevRaw: unknown, at: number): UpdateVerdict {
  const next = withConstraintTypes(nextRaw);
  let conv;
  try {
    conv = convertUpstream(next);
  } catch (e) {
    return { kind: 'rejected', reason: `not price data: ${(e as Error).message}` };
  }
  const providers = next as Obj[];
  for (const id of REQUIRED_PROVIDERS) {
    const p = providers.find((x) => x.id === id);
    if (!p || !conv.entries.some((e) => e.vendor === id)) return { kind: 'rejected', reason: `the file has no priced models of provider "${id}"` };
  }
  const prev = Array.isArray(prevRaw) ? (withConstraintTypes(prevRaw) as unknown[]) : [];
  let prevEntries: PriceEntry[] = [];
  try {
    prevEntries = convertUpstream(prev).entries;
  } catch {
    // Data in use that no longer converts is no yardstick: the new file is judged on its own.
  }
  const names = new Set(providers.flatMap((p) => (p.models as unknown[]).filter(isObj).filter((m) => typeof m.id === 'string').map((m) => rawModelKey(String(p.id), m.id as string))));
  const cmp = compareUpstream(prevEntries, conv.entries, names, at);
  if (cmp.zeroed.length) {
    const z = cmp.zeroed;
    return { kind: 'rejected', reason: `prices would fall to 0: ${z.slice(0, 5).map((c) => `${c.model} ${c.field} ${c.old} -> ${c.new}`).join('; ')}${z.length > 5 ? ` (and ${z.length - 5} more)` : ''}` };
  }
  const held = new Set(cmp.jumps.map((j) => j.model));
  const kept = held.size ? holdBack(providers, prev, held) : providers;
  const unchanged = JSON.stringify(convertUpstream(kept).entries) === JSON.stringify(prevEntries);
  return { kind: 'accepted', providers: kept, unchanged, heldBack: cmp.jumps, added: cmp.added, changed: cmp.changed.filter((m) => !held.has(m)) };
}
