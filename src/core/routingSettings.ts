import { DEFAULT_TIERS, type TierThresholds } from './routing/tiers';

export type RemoteProvider = 'openai' | 'deepseek' | 'anthropic' | 'gemini';
export const REMOTE_PROVIDERS: readonly RemoteProvider[] = ['openai', 'deepseek', 'anthropic', 'gemini'];

export const DEFAULT_BASE_URLS: Record<RemoteProvider, string> = {
  openai: 'https://api.openai.com/v1',
  deepseek: 'https://api.deepseek.com',
  anthropic: 'https://api.anthropic.com',
  gemini: 'https://generativelanguage.googleapis.com',
};

export interface ProviderSetting {
  provider: RemoteProvider;
  enabled: boolean;
  baseUrl: string;
}

export interface RoutingSettings {
  providers: ProviderSetting[];
  allow: string[];
  deny: string[];
  pinned: string | undefined;
  /** Per model: one score for every task kind, or scores by task kind. */
  quality: Record<string, number | Record<string, number>>;
  thresholds: TierThresholds;
  localOnly: boolean;
  localOnlyFiles: string[];
}

export const DEFAULT_LOCAL_ONLY_FILES = ['**/.env', '**/.env.*', '**/*.pem', '**/*.key', '**/id_rsa*', '**/secrets/**'];

type Fail = (setting: string, message: string) => void;

const strings = (v: unknown, setting: string, fail: Fail, fallback: string[] = []): string[] => {
  if (v === undefined || v === null) return fallback;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.map((x) => x.trim()).filter(Boolean);
  fail(setting, 'must be a list of strings; ignored.');
  return fallback;
};

/** Providers, routing and privacy settings; a malformed value is reported and replaced by the safe default. */
export function parseRoutingSettings(raw: Record<string, unknown>, fail: Fail, validUrl: (v: unknown, setting: string) => string | undefined): RoutingSettings {
  const providers = REMOTE_PROVIDERS.map((provider): ProviderSetting => {
    const key = `providers.${provider}`;
    const v = raw[key];
    if (v === undefined || v === null) return { provider, enabled: false, baseUrl: DEFAULT_BASE_URLS[provider] };
    if (typeof v !== 'object' || Array.isArray(v)) {
      fail(key, 'must be an object like { "enabled": true }; the provider stays off.');
      return { provider, enabled: false, baseUrl: DEFAULT_BASE_URLS[provider] };
    }
    const o = v as { enabled?: unknown; baseUrl?: unknown };
    const baseUrl = o.baseUrl === undefined ? DEFAULT_BASE_URLS[provider] : validUrl(o.baseUrl, `${key}.baseUrl`);
    return { provider, enabled: o.enabled === true && baseUrl !== undefined, baseUrl: baseUrl ?? DEFAULT_BASE_URLS[provider] };
  });
  const quality: Record<string, number | Record<string, number>> = {};
  const q = raw['routing.quality'];
  const isScore = (x: unknown): x is number => typeof x === 'number' && x >= 0 && x <= 100;
  if (q && typeof q === 'object' && !Array.isArray(q)) {
    for (const [model, score] of Object.entries(q)) {
      if (isScore(score)) quality[model] = score;
      else if (score && typeof score === 'object' && !Array.isArray(score) && Object.values(score).every(isScore)) quality[model] = score as Record<string, number>;
      else fail('routing.quality', `"${model}" must have a score from 0 to 100 (or scores by task, e.g. { "explain": 70 }); ignored.`);
    }
  } else if (q !== undefined && q !== null) fail('routing.quality', 'must be an object of model id -> score; ignored.');
  let thresholds = DEFAULT_TIERS;
  const t = raw['routing.tiers'];
  if (t !== undefined && t !== null) {
    const o = t as Record<string, unknown>;
    const ok = typeof t === 'object' && ['basic', 'standard', 'premium'].every((k) => typeof o[k] === 'number' && (o[k] as number) >= 0 && (o[k] as number) <= 100);
    if (ok && (o.basic as number) <= (o.standard as number) && (o.standard as number) <= (o.premium as number)) thresholds = { basic: o.basic as number, standard: o.standard as number, premium: o.premium as number };
    else fail('routing.tiers', 'must give basic <= standard <= premium, each 0–100; using 0 / 72 / 80.');
  }
  const pinnedRaw = raw['routing.pinnedModel'];
  const pinned = typeof pinnedRaw === 'string' && pinnedRaw.trim() ? pinnedRaw.trim() : undefined;
  const localOnlyRaw = raw['privacy.localOnly'];
  if (localOnlyRaw !== undefined && typeof localOnlyRaw !== 'boolean') fail('privacy.localOnly', 'must be true or false; treated as true until fixed.');
  return {
    providers,
    allow: strings(raw['routing.allow'], 'routing.allow', fail),
    deny: strings(raw['routing.deny'], 'routing.deny', fail),
    pinned,
    quality,
    thresholds,
    // A malformed local-only setting errs on the side of keeping code on the machine.
    localOnly: localOnlyRaw === undefined ? false : localOnlyRaw !== false,
    localOnlyFiles: strings(raw['privacy.localOnlyFiles'], 'privacy.localOnlyFiles', fail, DEFAULT_LOCAL_ONLY_FILES),
  };
}

