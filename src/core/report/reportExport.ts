import { formatUsdExact } from '../money';
import type { ReportData } from '../../shared/reportData';

/** A spreadsheet cell that cannot run as a formula (=, +, -, @, tab, CR lead to a quote). */
export function csvCell(s: string): string {
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Every request of the month as CSV, with a last line that totals the cost column. */
export function reportCsv(d: ReportData): string {
  const r = d.requests;
  const lines = ['time,file,model,provider,tier,input_tokens,output_tokens,reasoning_tokens,cost_usd,cost_micro_usd,usage,outcome'];
  let total = 0;
  for (let i = 0; i < r.at.length; i++) {
    total += r.cost[i]!;
    lines.push(
      [r.at[i]!, r.file[i]!, r.model[i]!, r.provider[i]!, r.tier[i]!, String(r.input[i]), String(r.output[i]), String(r.reasoning[i]), formatUsdExact(r.cost[i]!).slice(1), String(r.cost[i]), r.estimated[i] ? 'estimated' : 'reported', r.outcome[i]!]
        .map(csvCell)
        .join(','),
    );
  }
  lines.push(['total', '', '', '', '', '', '', '', formatUsdExact(total).slice(1), String(total), '', ''].join(','));
  return lines.join('\n') + '\n';
}

/** The month's report as JSON (what the webview shows, requests as rows). */
export function reportJson(d: ReportData): string {
  const r = d.requests;
  const requests = r.at.map((at, i) => ({ at, file: r.file[i], model: r.model[i], provider: r.provider[i], tier: r.tier[i], inputTokens: r.input[i], outputTokens: r.output[i], reasoningTokens: r.reasoning[i], costMicroUsd: r.cost[i], usage: r.estimated[i] ? 'estimated' : 'reported', outcome: r.outcome[i] }));
  return JSON.stringify({ month: d.month, budgetMicroUsd: d.budget, kpis: d.kpis, breakdowns: d.breakdowns, whatIf: d.whatIf, requests }, null, 2) + '\n';
}
