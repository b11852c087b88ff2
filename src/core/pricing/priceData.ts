import { usdToMicro } from '../money';
import { instantMs, isInstant } from './instants';
import type { AliasMove } from './priceCatalog';
import type { ContextTier, PriceEntry, ProviderKind, ServiceTier, TimeWindows, TokenPrices } from './priceEntry';
import { hhmmToMinutes } from './timeWindows';
import { checkZone } from './zonedTime';

/**
 * Costwise's own price file (`costwise-prices/1`): the curated corrections laid over the upstream data.
 * Every model names its source and the day it was verified; prices are USD per 1M tokens as published,
 * turned into integer micro-dollars here. A malformed file is rejected whole, with the path of each fault.
 */
export interface PriceLayer {
  updated: string;
  entries: PriceEntry[];
  aliases: AliasMove[];
}

const PROVIDERS: readonly ProviderKind[] = ['openai', 'deepseek', 'anthropic', 'gemini', 'custom'];
const SERVICE_TIERS: readonly ServiceTier[] = ['batch', 'flex', 'priority', 'regional'];
type Obj = Record<string, unknown>;

export class PriceDataError extends Error {
  constructor(readonly faults: string[]) {
    super(`price data rejected: ${faults.slice(0, 5).join('; ')}${faults.length > 5 ? ` (and ${faults.length - 5} more)` : ''}`);
  }
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parsePriceLayer(raw: unknown): PriceLayer {
  const faults: string[] = [];
  const fault = (path: string, msg: string) => faults.push(`${path}: ${msg}`);
  if (!isObj(raw) || raw.schema !== 'costwise-prices/1') throw new PriceDataError(['the file is not costwise-prices/1 data']);
  const usd = (v: unknown, path: string): number => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 100_000) return fault(path, 'must be USD per 1M tokens, 0 to 100,000'), 0;
    const micro = usdToMicro(v);
    if (Math.abs(micro - v * 1e6) > 1e-6 * Math.max(1, micro)) fault(path, 'has more than 6 decimals');
    return micro;
  };
  const prices = (v: unknown, path: string): TokenPrices => {
    if (!isObj(v)) return fault(path, 'must be { in, read, out, … }'), { input: 0, cachedRead: 0, output: 0 };
    const t: TokenPrices = { input: usd(v.in, `${path}.in`), cachedRead: usd(v.read ?? v.in, `${path}.read`), output: usd(v.out, `${path}.out`) };
    if (t.input === 0 || t.output === 0) fault(path, 'a paid model cannot cost 0 per token');
    if (v.write !== undefined) t.cacheWrite = usd(v.write, `${path}.write`);
    if (v.write5m !== undefined) t.cacheWrite5m = usd(v.write5m, `${path}.write5m`);
    if (v.write1h !== undefined) t.cacheWrite1h = usd(v.write1h, `${path}.write1h`);
    return t;
  };
  const instant = (v: unknown, path: string): string => (isInstant(v) ? v : (fault(path, 'must be YYYY-MM-DD or an ISO instant with zone'), '2000-01-01'));

  const calendars = new Map<string, string[]>();
  for (const [name, c] of Object.entries(isObj(raw.calendars) ? raw.calendars : {})) {
    const dates = isObj(c) && Array.isArray(c.dates) ? c.dates : [];
    if (!dates.every((d) => typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d))) fault(`calendars.${name}`, 'dates must be YYYY-MM-DD');
    calendars.set(name, dates as string[]);
  }
  const windows = new Map<string, TimeWindows>();
  for (const [id, w] of Object.entries(isObj(raw.timeWindows) ? raw.timeWindows : {})) {
    const path = `timeWindows.${id}`;
    if (!isObj(w)) {
      fault(path, 'must be an object');
      continue;
    }
    try {
      checkZone(String(w.zone));
    } catch {
      fault(`${path}.zone`, `unknown time zone ${JSON.stringify(w.zone)}`);
    }
    const weekdays = Array.isArray(w.weekdays) && w.weekdays.every((d) => Number.isInteger(d) && d >= 1 && d <= 7) ? (w.weekdays as number[]) : (fault(`${path}.weekdays`, 'must be numbers 1 (Monday) to 7'), []);
    const spans = Array.isArray(w.windows) ? w.windows : [];
    for (const s of spans) {
      try {
        if (!Array.isArray(s) || s.length !== 2 || hhmmToMinutes(String(s[0])) >= hhmmToMinutes(String(s[1]))) throw new Error();
      } catch {
        fault(`${path}.windows`, `${JSON.stringify(s)} is not a [start, end) pair of HH:MM`);
      }
    }
    const cal = w.holidays === undefined ? [] : calendars.get(String(w.holidays));
    if (!cal) fault(`${path}.holidays`, `no calendar ${JSON.stringify(w.holidays)}`);
    windows.set(id, { id, zone: String(w.zone), weekdays, windows: spans as Array<[string, string]>, holidays: cal ?? [], label: String(w.label ?? 'peak'), otherLabel: String(w.otherLabel ?? 'off-peak') });
  }

  const entries: PriceEntry[] = [];
  (Array.isArray(raw.models) ? raw.models : []).forEach((m: unknown, i) => {
    const path = `models[${i}]`;
    if (!isObj(m) || typeof m.model !== 'string' || !m.model) return fault(path, 'needs a "model" id');
    const at = `${path} (${m.model})`;
    if (!PROVIDERS.includes(m.provider as ProviderKind)) fault(`${at}.provider`, `must be one of ${PROVIDERS.join(', ')}`);
    if (typeof m.source !== 'string' || !m.source) fault(`${at}.source`, 'every curated price names its source');
    if (typeof m.verified !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(m.verified)) fault(`${at}.verified`, 'every curated price says when it was verified (YYYY-MM-DD)');
    const ctx = m.contextWindow;
    if (!(Number.isInteger(ctx) && (ctx as number) > 0)) fault(`${at}.contextWindow`, 'must be a positive whole number');
    const service: Partial<Record<ServiceTier, string>> = {};
    for (const [k, v] of Object.entries(isObj(m.serviceTiers) ? m.serviceTiers : {})) {
      if (!SERVICE_TIERS.includes(k as ServiceTier) || typeof v !== 'string' || !/^\d+(\.\d{1,9})?$/.test(v)) fault(`${at}.serviceTiers.${k}`, 'must be batch/flex/priority/regional: "decimal"');
      else service[k as ServiceTier] = v;
    }
    const periods = Array.isArray(m.periods) && m.periods.length ? m.periods : (fault(`${at}.periods`, 'needs at least one period'), []);
    let last = -Infinity;
    periods.forEach((p: unknown, j) => {
      const pp = `${at}.periods[${j}]`;
      if (!isObj(p)) return fault(pp, 'must be an object');
      const from = instant(p.from, `${pp}.from`);
      if (instantMs(from) <= last) fault(`${pp}.from`, 'periods must be in time order');
      last = instantMs(from);
      const tiers: ContextTier[] = (Array.isArray(p.tiers) ? p.tiers : []).map((t: unknown, k) => {
        const tp = `${pp}.tiers[${k}]`;
        const o = isObj(t) ? t : {};
        if (!(Number.isInteger(o.fromPromptTokens) && (o.fromPromptTokens as number) > 0)) fault(`${tp}.fromPromptTokens`, 'must be the first prompt size (inclusive) the tier applies to');
        return { fromPromptTokens: o.fromPromptTokens as number, prices: prices(o.prices, `${tp}.prices`) };
      });
      const e: PriceEntry = {
        model: m.model as string,
        provider: m.provider as ProviderKind,
        effective: from,
        source: typeof p.source === 'string' ? p.source : String(m.source),
        verified: String(m.verified),
        contextWindow: ctx as number,
        maxOutput: Number.isInteger(m.maxOutput) ? (m.maxOutput as number) : (ctx as number),
        prices: prices(p.prices, `${pp}.prices`),
        reasoningBilledAsOutput: true,
      };
      if (tiers.length) e.tiers = tiers.sort((a, b) => a.fromPromptTokens - b.fromPromptTokens);
      if (p.peak !== undefined) {
        const pk = isObj(p.peak) ? p.peak : {};
        const rule = windows.get(String(pk.window));
        if (!rule) fault(`${pp}.peak.window`, `no time window ${JSON.stringify(pk.window)}`);
        else e.timed = { rule, prices: prices(pk.prices, `${pp}.peak.prices`) };
      }
      if (p.promoUntil !== undefined) e.promoUntil = instant(p.promoUntil, `${pp}.promoUntil`);
      if (Array.isArray(m.aliases)) e.aliases = m.aliases.map(String);
      if (m.snapshots === true) e.snapshots = true;
      if (m.retired !== undefined) e.retired = instant(m.retired, `${at}.retired`);
      if (Object.keys(service).length) e.serviceTiers = service;
      entries.push(e);
    });
  });

  const aliases: AliasMove[] = [];
  (Array.isArray(raw.aliases) ? raw.aliases : []).forEach((a: unknown, i) => {
    const path = `aliases[${i}]`;
    if (!isObj(a) || typeof a.alias !== 'string' || !Array.isArray(a.moves) || !a.moves.length) return fault(path, 'needs "alias" and "moves"');
    const moves = a.moves.map((mv: unknown, j) => {
      const o = isObj(mv) ? mv : {};
      if (typeof o.to !== 'string' || !entries.some((e) => e.model === o.to)) fault(`${path}.moves[${j}].to`, `${JSON.stringify(o.to)} is not a model in this file`);
      return { from: instant(o.from, `${path}.moves[${j}].from`), to: String(o.to) };
    });
    aliases.push({ alias: a.alias, provider: (a.provider as ProviderKind) ?? 'custom', moves, ...(a.retired !== undefined ? { retired: instant(a.retired, `${path}.retired`) } : {}), source: String(a.source ?? '') });
  });
  if (faults.length) throw new PriceDataError(faults);
  return { updated: typeof raw.updated === 'string' ? raw.updated : '', entries, aliases };
}
