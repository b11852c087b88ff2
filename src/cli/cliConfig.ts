import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_BASE_URLS } from '../core/routingSettings';
import { usdToMicro, type MicroUsd } from '../core/money';
import type { ProviderKind } from '../core/pricing/priceEntry';

export type RemoteProvider = Exclude<ProviderKind, 'local' | 'custom'>;
export const REMOTE_PROVIDERS: readonly RemoteProvider[] = ['openai', 'deepseek', 'anthropic', 'gemini'];

/**
 * The CLI's own configuration (the extension's settings live in VS Code). Keys come from
 * `COSTWISE_<PROVIDER>_API_KEY` or this file — never from OPENAI_API_KEY and friends, so a key another
 * tool put in the environment is not spent by accident; base URLs only from this file.
 */
export interface CliConfig {
  file: string;
  monthlyBudget: MicroUsd;
  providers: Array<{ provider: RemoteProvider; baseUrl: string; apiKey: string | undefined }>;
  local: { modelPath: string | undefined; threads: number | undefined };
}

export class ConfigError extends Error {}

export function defaultConfigFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.COSTWISE_CONFIG ?? join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'costwise', 'config.json');
}

export function loadCliConfig(file: string, env: NodeJS.ProcessEnv = process.env): CliConfig {
  let raw: Record<string, unknown> = {};
  if (existsSync(file)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
      raw = JSON.parse(text) as Record<string, unknown>;
    } catch (e) {
      throw new ConfigError(`${file} is not valid JSON: ${(e as Error).message}`);
    }
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`${file} must hold a JSON object`);
    const hasKeys = text.includes('"apiKey"');
    if (hasKeys && process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
      throw new ConfigError(`${file} holds API keys but other users can read it: run chmod 600 ${JSON.stringify(file)}`);
    }
  }
  const budget = (raw.budget as { monthlyUsd?: unknown } | undefined)?.monthlyUsd;
  if (budget !== undefined && !(typeof budget === 'number' && Number.isFinite(budget) && budget >= 0)) throw new ConfigError(`${file}: budget.monthlyUsd must be a number >= 0`);
  const providersRaw = (raw.providers ?? {}) as Record<string, { baseUrl?: unknown; apiKey?: unknown } | undefined>;
  for (const name of Object.keys(providersRaw)) {
    if (!REMOTE_PROVIDERS.includes(name as RemoteProvider)) throw new ConfigError(`${file}: unknown provider "${name}" (known: ${REMOTE_PROVIDERS.join(', ')})`);
  }
  const providers = REMOTE_PROVIDERS.map((provider) => {
    const p = providersRaw[provider] ?? {};
    const baseUrl = p.baseUrl === undefined ? DEFAULT_BASE_URLS[provider] : String(p.baseUrl);
    try {
      new URL(baseUrl);
    } catch {
      throw new ConfigError(`${file}: providers.${provider}.baseUrl is not a URL`);
    }
    const fromEnv = env[`COSTWISE_${provider.toUpperCase()}_API_KEY`]?.trim();
    const apiKey = fromEnv || (typeof p.apiKey === 'string' && p.apiKey.trim() ? p.apiKey.trim() : undefined);
    return { provider, baseUrl, apiKey };
  });
  const local = (raw.local ?? {}) as { modelPath?: unknown; threads?: unknown };
  return {
    file,
    // No budget configured = no paid calls (local models still answer).
    monthlyBudget: usdToMicro(typeof budget === 'number' ? budget : 0),
    providers,
    local: {
      modelPath: typeof local.modelPath === 'string' && local.modelPath ? local.modelPath : undefined,
      threads: typeof local.threads === 'number' && Number.isInteger(local.threads) && local.threads > 0 ? local.threads : undefined,
    },
  };
}
