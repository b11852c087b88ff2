import type { PriceEntry } from '../core/pricing/priceEntry';
import type { PriceService } from './priceService';
import { statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { teamStanding } from '../core/budget/teamBudgets';
import { localDayKey, localMonthKey } from '../core/ledger/periods';
import type { MonthSummary } from '../core/ledger/monthFold';
import type { SpendLedger } from '../core/ledger/spendLedger';
import { buildReport } from '../core/report/buildReport';
import type { ReportData } from '../shared/reportData';
import { reportCsv, reportJson } from '../core/report/reportExport';
import { adviseDistills } from '../core/runtime/hardwareAdvisor';
import { rollupInWorker } from '../node/ledgerRollup';
import { probeHardware } from '../runtime/hardware';
import { isReportViewToHost, type HostToReportView, type ReportViewState } from '../shared/reportProtocol';
import type { LocalModels } from './localModels';
import type { SettingsGateway } from './settingsGateway';
import { webviewHtml } from './webviewHtml';
import { REPORT_VIEW_TYPE } from './contributions';

export { REPORT_VIEW_TYPE };

export interface ReportDeps {
  extensionUri: vscode.Uri;
  ledger: SpendLedger;
  settings: SettingsGateway;
  local: LocalModels;
  prices: PriceService;
  /** The local JSON Lines ledger's folder; undefined on a team ledger (other months are folded through the ledger). */
  ledgerDir: string | undefined;
}

/**
 * "Show Spend Report": one webview panel per window, built from the ledger (so it covers every
 * workspace and window), refreshed when the ledger changes, restored after a reload with its month.
 */
export class ReportPanel implements vscode.Disposable {
  private static current: ReportPanel | undefined;
  private ready = false;
  private month: string;
  private data: ReportData | undefined;
  private readonly subs: vscode.Disposable[] = [];
  private refreshTimer: NodeJS.Timeout | undefined;

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly deps: ReportDeps,
    month: string | undefined,
  ) {
    this.month = month ?? localMonthKey(new Date());
    panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(deps.extensionUri, 'media')] };
    panel.webview.html = webviewHtml(panel.webview, deps.extensionUri, { title: 'Costwise: Spend Report', script: 'report.js', style: 'report.css' });
    this.subs.push(
      panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
      // Another window's request, or this one's: redraw, at most every half second.
    );
    const ledgerSub = deps.ledger.onDidChange(() => this.scheduleRefresh());
    this.subs.push({ dispose: () => ledgerSub.dispose() });
  }

  static show(deps: ReportDeps): ReportPanel {
    if (ReportPanel.current) {
      ReportPanel.current.panel.reveal();
      void ReportPanel.current.refresh();
      return ReportPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, 'Costwise: Spend Report', vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(deps.extensionUri, 'media')],
    });
    ReportPanel.current = new ReportPanel(panel, deps, undefined);
    return ReportPanel.current;
  }

  static revive(panel: vscode.WebviewPanel, deps: ReportDeps, state: unknown): ReportPanel {
    const month = (state as Partial<ReportViewState> | undefined)?.month;
    ReportPanel.current?.dispose();
    ReportPanel.current = new ReportPanel(panel, deps, typeof month === 'string' && /^\d{4}-\d{2}$/.test(month) ? month : undefined);
    return ReportPanel.current;
  }

  /** The data last sent to the webview (tests compare it with the ledger). */
  get shown(): ReportData | undefined {
    return this.data;
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.refresh();
    }, 500);
  }

  async refresh(): Promise<void> {
    if (!this.ready) return;
    try {
      this.data = await buildFor(this.deps, this.month);
      this.post({ type: 'data', data: this.data });
    } catch (e) {
      this.post({ type: 'error', message: `Costwise could not build the report: ${(e as Error).message}` });
    }
  }

  private post(m: HostToReportView): void {
    void this.panel.webview.postMessage(m);
  }

  private async receive(m: unknown): Promise<void> {
    if (!isReportViewToHost(m)) return; // untrusted: anything unexpected is ignored
    if (m.type === 'ready') {
      this.ready = true;
      await this.refresh();
    } else if (m.type === 'month') {
      this.month = m.month;
      await this.refresh();
    } else if (m.type === 'openSettings') {
      void vscode.commands.executeCommand('workbench.action.openSettings', 'costwise.budget');
    } else if (m.type === 'export') {
      await this.export(m.format);
    }
  }

  /** Asks where to save, then writes the month's requests as CSV or the report as JSON. */
  async export(format: 'csv' | 'json', target?: vscode.Uri): Promise<string | undefined> {
    const data = this.data ?? (await buildFor(this.deps, this.month));
    const uri =
      target ??
      (await vscode.window.showSaveDialog({
        title: `Export the ${data.month} spend report`,
        saveLabel: 'Export',
        defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir()), `costwise-${data.month}.${format}`),
        filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
      }));
    if (!uri) return undefined;
    await writeFile(uri.fsPath, format === 'csv' ? reportCsv(data) : reportJson(data), 'utf8');
    this.post({ type: 'exported', file: uri.fsPath, total: data.kpis.spend });
    return uri.fsPath;
  }

  dispose(): void {
    if (ReportPanel.current === this) ReportPanel.current = undefined;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    for (const s of this.subs) s.dispose();
    this.panel.dispose();
  }
}

/** Past months never change once closed: their summaries are kept by file size and time. */
const yearCache = new Map<string, { stamp: string; summary: MonthSummary }>();

/** The other months of `month`'s year, folded in worker threads (a year of a heavy user is ~750k records). */
async function otherMonthsOf(deps: ReportDeps, month: string, months: string[]): Promise<MonthSummary[]> {
  const wanted = months.filter((m) => m.slice(0, 4) === month.slice(0, 4) && m !== month);
  const dir = deps.ledgerDir;
  if (dir === undefined) return Promise.all(wanted.map(async (m) => (await deps.ledger.fold(m)).summary()));
  const stampOf = (m: string) => {
    try {
      const st = statSync(join(dir, `spend-${m}.jsonl`));
      return `${st.size}:${st.mtimeMs}`;
    } catch {
      return 'missing';
    }
  };
  const stale = wanted.filter((m) => yearCache.get(m)?.stamp !== stampOf(m));
  if (stale.length) {
    const fresh = await rollupInWorker(dir, stale, vscode.Uri.joinPath(deps.extensionUri, 'dist', 'ledgerRollupWorker.js').fsPath);
    for (const s of fresh) yearCache.set(s.month, { stamp: stampOf(s.month), summary: s });
  }
  return wanted.map((m) => yearCache.get(m)!.summary);
}

/** Everything the report needs for a month, read from the ledger and the settings. */
export async function buildFor(deps: ReportDeps, month: string): Promise<ReportData> {
  const { settings } = deps.settings.current();
  const [fold, months, hw] = await Promise.all([deps.ledger.fold(month), deps.ledger.months(), probeHardware()]);
  const otherMonths = await otherMonthsOf(deps, month, months).catch(() => []);
  const now = new Date();
  const runtime = deps.local.runtime(settings);
  const local = adviseDistills(hw)
    .filter((a) => a.tokensPerSecond)
    .map((a) => ({ label: `${a.distill.label} (local)`, tokensPerSecond: (a.tokensPerSecond![0] + a.tokensPerSecond![1]) / 2, ...(a.source ? { source: a.source } : {}) }));
  if (runtime?.measuredTokensPerSecond) local.unshift({ label: 'Your embedded model (measured)', tokensPerSecond: runtime.measuredTokensPerSecond });
  const data = buildReport(fold, {
    months: [...new Set([...months, localMonthKey(now), month])].sort().reverse(),
    now,
    today: localDayKey(now),
    budget: settings.budget.monthly,
    catalog: (await deps.prices.get()).catalog.current(now).filter((e: PriceEntry) => e.provider !== 'custom' && !e.retired),
    local,
    energy: settings.energy,
    otherMonths,
  });
  // On a team ledger: this person's budget beside the team's (the month read above, the limits as shown now).
  const team = teamStanding(settings.budget.policy.rules, (scope) => fold.spent(scope));
  return team ? { ...data, team } : data;
}
