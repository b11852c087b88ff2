import type { LimitRule } from './budget';
import { parseSettings, type ParsedSettings, type RawSettings } from '../settings';

/** The settings that set a limit on spending: shared between windows, one stamp per setting. */
export const SHARED_LIMIT_KEYS = ['budget.monthlyUsd', 'budget.dailyUsd', 'budget.perProvider', 'budget.perModel'] as const;
export type SharedLimitKey = (typeof SHARED_LIMIT_KEYS)[number];

/** One limit setting as a window saw the user change it. */
export interface LimitStamp {
  value: unknown;
  /** When (ms since epoch). */
  at: number;
  /** Which process (`host:pid:start`). */
  by: string;
}

export type SharedLimits = Partial<Record<SharedLimitKey, LimitStamp>>;

/**
 * This window's settings, bounded by the limits other windows saw the user set. A window whose view of
 * the settings is stale (code-server does not pass a change made in one browser window to another)
 * must not spend against a limit the user has since lowered; so each limit setting another window
 * stamped with a different value adds its rules beside this window's own, and every request must fit
 * both. The result is never less strict than either view; a limit raised elsewhere applies here once
 * this window sees the change too (or the user changes it here).
 */
export function withSharedLimits(own: ParsedSettings, ownRaw: RawSettings, shared: SharedLimits, me: string): ParsedSettings {
  const extra: LimitRule[] = [];
  for (const key of SHARED_LIMIT_KEYS) {
    const stamp = shared[key];
    if (!stamp || stamp.by === me || JSON.stringify(stamp.value ?? null) === JSON.stringify(ownRaw[key] ?? null)) continue;
    extra.push(...stampRules(key, stamp.value, 'last set in another window', ownRaw));
  }
  if (!extra.length) return own;
  const budget = own.settings.budget;
  const tightest = (period: 'month' | 'day', start: number | undefined) =>
    extra.filter((r) => r.period === period && r.provider === undefined && r.model === undefined).reduce<number | undefined>((m, r) => (m === undefined ? r.limit : Math.min(m, r.limit)), start);
  return {
    ...own,
    settings: {
      ...own.settings,
      budget: { ...budget, monthly: tightest('month', budget.monthly)!, daily: tightest('day', budget.daily), policy: { ...budget.policy, rules: [...budget.policy.rules, ...extra] } },
    },
  };
}

/**
 * The limit rules VS Code's windows last stamped, for a process outside VS Code (the CLI): it spends
 * from the same ledger, so it is held to these as well as to its own budget.
 */
export function stampedLimitRules(shared: SharedLimits): LimitRule[] {
  return SHARED_LIMIT_KEYS.flatMap((key) => (shared[key] ? stampRules(key, shared[key].value, 'set in VS Code') : []));
}

/** The rules one limit setting's value makes, marked with where the value was set. */
function stampRules(key: SharedLimitKey, value: unknown, origin: string, base: RawSettings = {}): LimitRule[] {
  const setting = `costwise.${key}`;
  return parseSettings({ ...base, [key]: value })
    .settings.budget.policy.rules.filter((r) => r.setting === setting || r.setting.startsWith(`${setting}.`))
    .map((r) => ({ ...r, origin }));
}
