import * as vscode from 'vscode';
import { SHARED_LIMIT_KEYS, withSharedLimits, type SharedLimitKey } from '../core/budget/sharedLimits';
import { withTeamBudgets, type TeamBudgets } from '../core/budget/teamBudgets';
import { Emitter, type Disposable } from '../core/events';
import { parseSettings, type ParsedSettings, type RawSettings, type Tier } from '../core/settings';
import { parseLedgerSettings, type LedgerSettings } from '../core/ledgerSettings';
import { deferred } from '../node/deferred';
import type { SharedLimitStamps } from '../node/sharedLimitStamps';

const KEYS = [
  'endpoint.baseUrl',
  'endpoint.model',
  'budget.monthlyUsd',
  'budget.dailyUsd',
  'budget.perProvider',
  'budget.perModel',
  'budget.warnPercent',
  'budget.onLimit',
  'budget.alertPercents',
  'budget.perRunUsd',
  'maxOutputTokens',
  'prices',
  'prices.autoUpdate',
  'prices.updateUrl',
  'defaultTier',
  'providers.openai',
  'providers.deepseek',
  'providers.anthropic',
  'providers.gemini',
  'routing.allow',
  'routing.deny',
  'routing.pinnedModel',
  'routing.quality',
  'routing.tiers',
  'privacy.localOnly',
  'privacy.localOnlyFiles',
  'local.watts',
  'local.usdPerKwh',
  'local.hardwareUsdPerHour',
  'local.embedded',
  'local.modelPath',
  'local.gpu',
  'local.gpuRegistry',
  'local.threads',
  'local.contextSize',
  'local.idleMinutes',
  'local.discovery',
  'local.serverUrls',
  'ledger.backend',
  'ledger.postgresUrl',
  'ledger.offlineAllowanceUsd',
  'identity',
] as const;

/** `obj.a.b` for the key `a.b` (VS Code nests a section's dotted keys). */
function at(obj: Record<string, unknown> | undefined, key: string): unknown {
  let v: unknown = obj;
  for (const part of key.split('.')) {
    if (!v || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/**
 * The one place that reads Costwise's configuration. Money- and endpoint-moving settings are
 * application-scoped in package.json; here they are read from the user (global) level only, so a
 * workspace's `.vscode/settings.json` can never redirect code or lift a budget even if the editor
 * were to merge it.
 */
export class SettingsGateway implements vscode.Disposable {
  private readonly changed = new Emitter<ParsedSettings>();
  readonly onDidChange = this.changed.event;
  private readonly subs: Disposable[] = [];

  /**
   * `shared`: limit settings as other windows saw the user change them (see withSharedLimits); this
   * window stamps each limit setting the user changes here.
   */
  constructor(
    private readonly shared?: SharedLimitStamps,
    private readonly me = 'this-window',
  ) {
    this.subs.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('costwise')) return;
        this.stampLimits(SHARED_LIMIT_KEYS.filter((k) => e.affectsConfiguration(`costwise.${k}`)));
        this.changed.fire(this.current());
      }),
    );
    // Watching starts after activation returns (a watcher is I/O, not object construction).
    if (shared) this.subs.push(deferred(() => shared.watch(() => this.changed.fire(this.current()))));
  }

  /**
   * Read afresh on every call (a cache could lag behind a change just written), with one lookup of the
   * whole `costwise` section rather than one per setting: under a burst of requests, 40 lookups each
   * cost the extension host seconds.
   */
  current(): ParsedSettings {
    const raw = this.ownRaw();
    const own = parseSettings(raw);
    const shared = this.shared ? withSharedLimits(own, raw, this.shared.read(), this.me) : own;
    return this.team ? withTeamBudgets(shared, this.team.budgets, this.team.person) : shared;
  }

  /**
   * Only where the ledger lives and who spends — what activation needs to open the ledger, without
   * reading the limit stamps. Problems in these settings are reported with the rest by current().
   */
  ledger(): LedgerSettings {
    return parseLedgerSettings(this.ownRaw(), () => undefined);
  }

  private team: { person: string; budgets: TeamBudgets | undefined } | undefined;

  /**
   * At activation, on a team ledger: this person's own limits count only their spend, before anything
   * reads the settings (no change is announced; the team's budgets follow with useTeamBudgets).
   */
  joinTeam(person: string): void {
    this.team ??= { person, budgets: undefined };
  }

  /** On a team ledger: this person's own limits count only their spend, and the team's budgets apply too. */
  useTeamBudgets(person: string, budgets: TeamBudgets | undefined): void {
    const next = { person, budgets };
    if (JSON.stringify(next) === JSON.stringify(this.team)) return;
    this.team = next;
    this.changed.fire(this.current());
  }

  private ownRaw(): RawSettings {
    const section = vscode.workspace.getConfiguration().inspect<Record<string, unknown>>('costwise');
    const raw: RawSettings = {};
    for (const key of KEYS) {
      const user = at(section?.globalValue, key);
      raw[key] = user !== undefined ? user : at(section?.defaultValue, key);
    }
    return raw;
  }

  private stampLimits(keys: readonly SharedLimitKey[]): void {
    if (!this.shared || !keys.length) return;
    const raw = this.ownRaw();
    const at = Date.now();
    try {
      this.shared.write(Object.fromEntries(keys.map((k) => [k, { value: raw[k] ?? null, at, by: this.me }])));
    } catch {
      /* the ledger folder is not writable: the ledger itself will say so on the next request */
    }
  }

  async setDefaultTier(tier: Tier): Promise<void> {
    await vscode.workspace.getConfiguration('costwise').update('defaultTier', tier, vscode.ConfigurationTarget.Global);
  }

  async setBudget(key: 'budget.monthlyUsd' | 'budget.dailyUsd', usd: number): Promise<void> {
    await vscode.workspace.getConfiguration('costwise').update(key, usd, vscode.ConfigurationTarget.Global);
    this.stampLimits([key]); // the user chose it here, now: the newest, even if this window already had it
  }

  /** Turns a provider on, keeping whatever else its setting says (e.g. a custom baseUrl). */
  async enableProvider(provider: 'openai' | 'deepseek' | 'anthropic' | 'gemini'): Promise<void> {
    const cfg = vscode.workspace.getConfiguration('costwise');
    const current = cfg.inspect<Record<string, unknown>>(`providers.${provider}`)?.globalValue ?? {};
    await cfg.update(`providers.${provider}`, { ...current, enabled: true }, vscode.ConfigurationTarget.Global);
  }

  async setLocalOnly(on: boolean): Promise<void> {
    await vscode.workspace.getConfiguration('costwise').update('privacy.localOnly', on, vscode.ConfigurationTarget.Global);
  }

  async setLocalModelPath(path: string): Promise<void> {
    await vscode.workspace.getConfiguration('costwise').update('local.modelPath', path, vscode.ConfigurationTarget.Global);
  }

  dispose(): void {
    for (const d of this.subs) d.dispose();
    this.changed.dispose();
  }
}
