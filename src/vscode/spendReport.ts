import * as vscode from 'vscode';
import type { MonthFold } from '../core/ledger/monthFold';
import { formatUsd } from '../core/money';

export const REPORT_SCHEME = 'costwise-report';

const esc = (s: string) => s.replace(/[|\\`*_<>[\]]/g, (c) => `\\${c}`);
const n = (x: number) => x.toLocaleString('en-US');

/** The month as Markdown: totals, savings, and spend by provider, model, day and workspace. */
export function reportMarkdown(fold: MonthFold, limit: number): string {
  const s = fold.summary();
  const table = (title: string, rows: Array<{ key: string; cost: number; requests: number }>) =>
    rows.length
      ? [`## By ${title}`, '', `| ${title} | requests | cost | share |`, '|---|---:|---:|---:|', ...rows.map((r) => `| ${esc(r.key)} | ${n(r.requests)} | ${formatUsd(r.cost)} | ${s.total ? Math.round((r.cost / s.total) * 100) : 0} % |`), '']
      : [];
  const days = Object.entries(s.byDay).sort(([a], [b]) => a.localeCompare(b));
  return [
    `# Costwise spend — ${s.month}`,
    '',
    `| | |`,
    `|---|---:|`,
    `| Spent | **${formatUsd(s.total)}** of ${formatUsd(limit)} |`,
    `| Still reserved (requests in flight) | ${formatUsd(s.reserved)} |`,
    `| Requests | ${n(s.requests)} (${n(s.estimatedRequests)} settled at an estimate) |`,
    `| Tokens | ${n(s.tokens.input)} in · ${n(s.tokens.cachedRead)} cached · ${n(s.tokens.output)} out (${n(s.tokens.reasoning)} reasoning) |`,
    `| Saved by routing | ${formatUsd(s.saved)} against each tier's most expensive model |`,
    `| Local models (energy) | ${formatUsd(s.localCost)} |`,
    '',
    ...table('provider', s.byProvider),
    ...table('model', s.byModel),
    ...table('workspace', s.byWorkspace),
    ...(days.length ? ['## By day', '', '| day | cost |', '|---|---:|', ...days.map(([d, c]) => `| ${d} | ${formatUsd(c)} |`), ''] : []),
    s.corruptLines ? `> ${s.corruptLines} damaged ledger line(s) are left out of these figures; the file is kept as it is.\n` : '',
    '_The full report with charts and what-if pricing is on its way; `costwise report --csv` exports this month._',
  ].join('\n');
}

/** Serves the report document (read-only) for the Markdown preview. */
export class ReportDocuments implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  readonly uri = vscode.Uri.parse(`${REPORT_SCHEME}:/spend-report.md`);
  private text = '';

  provideTextDocumentContent(): string {
    return this.text;
  }

  update(fold: MonthFold, limit: number): void {
    this.text = reportMarkdown(fold, limit);
    this.changed.fire(this.uri);
  }
}
