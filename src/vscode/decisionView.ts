import * as vscode from 'vscode';
import { formatUsd } from '../core/money';
import type { Decision, Scored } from '../core/routing/router';

export const DECISION_SCHEME = 'costwise-decision';

const esc = (s: string) => s.replace(/[|\\`*_<>[\]]/g, (c) => `\\${c}`);

/** The last decision as a readable Markdown table: chosen, fallbacks, and every rejection with its reason. */
export function decisionMarkdown(d: Decision, at: Date): string {
  const row = (mark: string, s: Scored, why: string) =>
    `| ${mark} | \`${esc(s.candidate.model)}\` | ${esc(s.candidate.local ? 'local' : s.candidate.endpoint)} | ${s.candidate.quality} | ${formatUsd(s.expectedCost)} | ${formatUsd(s.worstCase)} | ${esc(why)} |`;
  const lines = [
    `# Why this model?`,
    '',
    `${esc(d.summary)}`,
    '',
    `Task **${d.task}**, tier **${d.tier}**, decided ${at.toLocaleString()}. Expected cost uses the estimated prompt and the expected output (reasoning included); the worst case is what was reserved against your budget.`,
    '',
    '| | model | endpoint | quality | expected | worst case | verdict |',
    '|---|---|---|---:|---:|---:|---|',
    ...d.ranked.map((s, i) => row(i === 0 ? '→' : String(i), s, i === 0 ? (d.pinned ? 'pinned' : d.downgraded ? 'cheapest that fits the budget' : 'chosen: cheapest in tier') : 'fallback if the one above fails')),
    ...d.rejected.map((r) => row('×', r, r.reason)),
    '',
  ];
  if (d.counterfactual) lines.push(`Savings are counted against **${esc(d.counterfactual.candidate.model)}**, the most expensive model the tier allowed (about ${formatUsd(d.counterfactual.expectedCost)} for this request).`, '');
  lines.push('Quality scores: Aider Polyglot pass rate unless noted; change them with `costwise.routing.quality`, the tiers with `costwise.routing.tiers`.');
  return lines.join('\n');
}

/** Serves the decision document (read-only) so it can be shown in the Markdown preview. */
export class DecisionDocuments implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private text = '# Why this model?\n\nNo request has been routed in this window yet.';
  readonly uri = vscode.Uri.parse(`${DECISION_SCHEME}:/why-this-model.md`);

  provideTextDocumentContent(): string {
    return this.text;
  }

  update(d: Decision, at: Date): void {
    this.text = decisionMarkdown(d, at);
    this.changed.fire(this.uri);
  }
}
