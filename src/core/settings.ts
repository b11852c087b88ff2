import type { BudgetPolicy, LimitRule, OnLimit } from './budget/budget';
import { DEFAULT_ALERT_PERCENTS } from './budget/alerts';
import { parseLedgerSettings, type LedgerSettings } from './ledgerSettings';
import { parseLocalSettings, type LocalRuntimeSettings } from './localSettings';
import { usdToMicro, type MicroUsd } from './money';
import { DEFAULT_ENERGY, type EnergyPrice } from './pricing/energy';
import type { PriceEntry } from './pricing/priceEntry';
import { parseRoutingSettings, type RoutingSettings } from './routingSettings';

import { TIERS, type Tier } from './routing/tiers';

export { TIERS, type Tier };
/** Default cap of one agent run: $0.50. */
export const DEFAULT_PER_RUN: MicroUsd = 500_000;


/** Settings after validation. A budget that failed validation is 0 (no paid calls), never unlimited. */
export interface CostwiseSettings {
  endpoint: { baseUrl: string; model: string };
  budget: { monthly: MicroUsd; daily: MicroUsd | undefined; policy: BudgetPolicy; /** Shares of a limit (%) that raise a notification once per period. */ alertPercents: number[]; /** Most one agent run (tool-calling requests with no new user message) may spend. */ perRun: MicroUsd };
  maxOutputTokens: number;
  priceOverrides: PriceEntry[];
  defaultTier: Tier;
  routing: RoutingSettings;
  /** How local inference is priced. */
  energy: EnergyPrice;
  /** How local models are run and found. */
  local: LocalRuntimeSettings;
  /** The upstream price data's update channel; `updateUrl` is undefined when the setting is not a usable URL (no updates). */
  prices: { autoUpdate: boolean; updateUrl: string | undefined };
  /** Where the ledger lives (this machine, or a team's PostgreSQL) and who spends. */
  ledger: LedgerSettings;
}

/** Where `@pydantic/genai-prices` publishes its data file (its REMOTE_DATA_JSON_URL; a unit test keeps them equal). */
export const DEFAULT_PRICE_UPDATE_URL = 'https://raw.githubusercontent.com/pydantic/genai-prices/main/prices/new_data/v2/data.json';

export interface SettingsProblem {
  setting: string;
  message: string;
}

export interface ParsedSettings {
  settings: CostwiseSettings;
  problems: SettingsProblem[];
}

/** Raw values as read from the editor's configuration, keyed by the setting's name without `costwise.`. */
export type RawSettings = Record<string, unknown>;

export function parseSettings(raw: RawSettings): ParsedSettings {
  const problems: SettingsProblem[] = [];
  const bad = (setting: string, message: string) => problems.push({ setting: `costwise.${setting}`, message });

  const baseUrl = parseBaseUrl(raw['endpoint.baseUrl'], (m) => bad('endpoint.baseUrl', m));
  const model = typeof raw['endpoint.model'] === 'string' ? raw['endpoint.model'].trim() : '';
  if (!model) bad('endpoint.model', 'is empty: name the model the endpoint should run.');

  const monthly = parseBudget(raw['budget.monthlyUsd'], false, (m) => bad('budget.monthlyUsd', m)) ?? 0;
  const daily = parseBudget(raw['budget.dailyUsd'], true, (m) => bad('budget.dailyUsd', m));
  const perRun = parseBudget(raw['budget.perRunUsd'], true, (m) => bad('budget.perRunUsd', m)) ?? DEFAULT_PER_RUN;
  const rules: LimitRule[] = [{ period: 'month', limit: monthly, setting: 'costwise.budget.monthlyUsd' }];
  if (daily !== undefined) rules.push({ period: 'day', limit: daily, setting: 'costwise.budget.dailyUsd' });
  for (const [field, key] of [['provider', 'budget.perProvider'], ['model', 'budget.perModel']] as const) {
    rules.push(...parseScopedLimits(raw[key], field, key, (m) => bad(key, m)));
  }
  let warnRatio = 0.8;
  const warn = raw['budget.warnPercent'];
  if (warn !== undefined) {
    if (typeof warn === 'number' && Number.isFinite(warn) && warn >= 1 && warn <= 100) warnRatio = warn / 100;
    else bad('budget.warnPercent', `must be a percentage from 1 to 100 (got ${JSON.stringify(warn)}); using 80.`);
  }
  let alertPercents = [...DEFAULT_ALERT_PERCENTS];
  const ap = raw['budget.alertPercents'];
  if (ap !== undefined && ap !== null) {
    if (Array.isArray(ap) && ap.length <= 10 && ap.every((p) => typeof p === 'number' && Number.isFinite(p) && p > 0 && p <= 1000)) alertPercents = [...new Set(ap as number[])].sort((a, b) => a - b);
    else bad('budget.alertPercents', `must be a list of percentages above 0, e.g. [50, 80, 100] (got ${JSON.stringify(ap)}); using 50, 80, 100.`);
  }
  let onLimit: OnLimit = 'ask';
  const ol = raw['budget.onLimit'];
  if (ol === 'ask' || ol === 'downgrade' || ol === 'warn') onLimit = ol;
  else if (ol !== undefined) bad('budget.onLimit', `must be "ask", "downgrade" or "warn" (got ${JSON.stringify(ol)}); using "ask".`);

  let maxOutputTokens = 4096;
  const mot = raw['maxOutputTokens'];
  if (mot !== undefined) {
    if (typeof mot === 'number' && Number.isInteger(mot) && mot >= 64 && mot <= 65536) maxOutputTokens = mot;
    else bad('maxOutputTokens', `must be a whole number from 64 to 65536 (got ${JSON.stringify(mot)}); using 4096.`);
  }

  const tierRaw = raw['defaultTier'];
  let defaultTier: Tier = 'standard';
  if (typeof tierRaw === 'string' && (TIERS as readonly string[]).includes(tierRaw)) defaultTier = tierRaw as Tier;
  else if (tierRaw !== undefined) bad('defaultTier', `must be one of ${TIERS.join(', ')} (got ${JSON.stringify(tierRaw)}); using standard.`);

  const priceOverrides = parsePriceOverrides(raw['prices'], (m) => bad('prices', m));
  const routing = parseRoutingSettings(raw, bad, (v, setting) => parseBaseUrl(v, (m) => bad(setting, m)));
  const energyNumber = (key: 'watts' | 'usdPerKwh' | 'hardwareUsdPerHour', max: number): number => {
    const v = raw[`local.${key}`];
    if (v === undefined || v === null) return DEFAULT_ENERGY[key];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= max) return v;
    bad(`local.${key}`, `must be a number from 0 to ${max} (got ${JSON.stringify(v)}); using ${DEFAULT_ENERGY[key]}.`);
    return DEFAULT_ENERGY[key];
  };
  const energy: EnergyPrice = { watts: energyNumber('watts', 5000), usdPerKwh: energyNumber('usdPerKwh', 10), hardwareUsdPerHour: energyNumber('hardwareUsdPerHour', 1000) };

  const local = parseLocalSettings(raw, bad);
  const prices = parsePriceUpdates(raw, bad);
  const ledger = parseLedgerSettings(raw, bad);

  return {
    settings: { endpoint: { baseUrl: baseUrl ?? '', model }, budget: { monthly, daily, policy: { rules, warnRatio, onLimit }, alertPercents, perRun }, maxOutputTokens, priceOverrides, defaultTier, routing, energy, local, prices, ledger },
    problems,
  };
}

function parseBaseUrl(v: unknown, fail: (m: string) => void): string | undefined {
  if (typeof v !== 'string' || !v.trim()) {
    fail('is empty: set the base URL of an OpenAI-compatible endpoint.');
    return undefined;
  }
  let u: URL;
  try {
    u = new URL(v.trim());
  } catch {
    fail(`is not a URL: ${JSON.stringify(v)}.`);
    return undefined;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    fail(`must be an http(s) URL (got ${u.protocol}).`);
    return undefined;
  }
  if (u.username || u.password) {
    fail('must not contain a user name or password: store the key with "Costwise: Set API Key…".');
    return undefined;
  }
  return u.toString().replace(/\/+$/, '');
}

/** A budget in dollars; invalid values are reported and read as 0 (no paid calls), never as no limit. */
function parseBudget(v: unknown, optional: boolean, fail: (m: string) => void): MicroUsd | undefined {
  if (v === undefined || v === null) {
    if (optional) return undefined;
    fail('is not set: paid calls are blocked until a monthly budget is set.');
    return 0;
  }
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1_000_000) {
    fail(`must be a number of dollars from 0 to 1,000,000 (got ${JSON.stringify(v)}): paid calls are blocked until it is fixed.`);
    return 0;
  }
  return usdToMicro(v);
}

/** `{ "<provider or model>": { "monthlyUsd": n, "dailyUsd": n } }` into limit rules; a bad entry blocks its scope (limit 0). */
function parseScopedLimits(v: unknown, field: 'provider' | 'model', key: string, fail: (m: string) => void): LimitRule[] {
  if (v === undefined || v === null) return [];
  if (typeof v !== 'object' || Array.isArray(v)) {
    fail(`must be an object keyed by ${field} (e.g. { "openai": { "monthlyUsd": 5 } }); ignored.`);
    return [];
  }
  const rules: LimitRule[] = [];
  for (const [name, spec] of Object.entries(v as Record<string, unknown>)) {
    const s = (spec && typeof spec === 'object' ? spec : {}) as Record<string, unknown>;
    const setting = `costwise.${key}.${name}`;
    const periods = [['monthlyUsd', 'month'], ['dailyUsd', 'day']] as const;
    if (!periods.some(([k]) => s[k] !== undefined)) fail(`entry ${JSON.stringify(name)} has neither "monthlyUsd" nor "dailyUsd".`);
    for (const [k, period] of periods) {
      if (s[k] === undefined) continue;
      const limit = parseBudget(s[k], false, (m) => fail(`entry ${JSON.stringify(name)}: "${k}" ${m}`)) ?? 0;
      rules.push({ period, limit, [field]: name, setting });
    }
  }
  return rules;
}

/** `prices.autoUpdate` / `prices.updateUrl`: a bad URL is reported and turns updates off (never a guessed URL). */
function parsePriceUpdates(raw: RawSettings, bad: (setting: string, message: string) => void): CostwiseSettings['prices'] {
  const au = raw['prices.autoUpdate'];
  if (au !== undefined && typeof au !== 'boolean') bad('prices.autoUpdate', `must be true or false (got ${JSON.stringify(au)}); using true.`);
  const rawUrl = raw['prices.updateUrl'] ?? DEFAULT_PRICE_UPDATE_URL;
  let updateUrl: string | undefined;
  try {
    const u = new URL(String(rawUrl).trim());
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error();
    if (u.username || u.password) throw new Error();
    updateUrl = u.toString();
  } catch {
    bad('prices.updateUrl', `must be an http(s) URL without a user name or password (got ${JSON.stringify(rawUrl)}); price updates are off until it is fixed.`);
  }
  return { autoUpdate: au !== false, updateUrl };
}

/** Keys of `costwise.prices` that are the update channel's own settings, not model ids (VS Code nests them there). */
const PRICE_UPDATE_KEYS = new Set(['autoUpdate', 'updateUrl']);

function parsePriceOverrides(v: unknown, fail: (m: string) => void): PriceEntry[] {
  if (v === undefined || v === null) return [];
  if (typeof v !== 'object' || Array.isArray(v)) {
    fail('must be an object keyed by model id.');
    return [];
  }
  const out: PriceEntry[] = [];
  for (const [model, spec] of Object.entries(v as Record<string, unknown>)) {
    if (PRICE_UPDATE_KEYS.has(model)) continue;
    const s = (spec ?? {}) as Record<string, unknown>;
    const num = (k: string, required: boolean): number | undefined => {
      const x = s[k];
      if (x === undefined && !required) return undefined;
      if (typeof x !== 'number' || !Number.isFinite(x) || x < 0 || x > 10_000) throw new Error(`"${k}" must be a price in USD per 1M tokens`);
      return x;
    };
    try {
      if (!model.trim()) throw new Error('the model id is empty');
      const input = num('inputPerMTok', true)!;
      const output = num('outputPerMTok', true)!;
      const cached = num('cachedInputPerMTok', false) ?? input;
      const ctx = s['contextWindow'];
      if (ctx !== undefined && !(typeof ctx === 'number' && Number.isInteger(ctx) && ctx > 0)) throw new Error('"contextWindow" must be a positive whole number');
      out.push({
        model,
        provider: 'custom',
        effective: '0000-01-01',
        source: 'settings: costwise.prices',
        contextWindow: (ctx as number | undefined) ?? 128_000,
        maxOutput: (ctx as number | undefined) ?? 128_000,
        prices: { input: usdToMicro(input), cachedRead: usdToMicro(cached), output: usdToMicro(output) },
        reasoningBilledAsOutput: true,
      });
    } catch (e) {
      fail(`entry ${JSON.stringify(model)}: ${(e as Error).message}; this entry is ignored.`);
    }
  }
  return out;
}
