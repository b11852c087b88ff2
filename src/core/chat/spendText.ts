import type { BudgetPolicy } from '../budget/budget';
import type { Bucket, SpendScope } from '../ledger/monthFold';
import { formatUsd, type MicroUsd } from '../money';

/** A conversation's short, stable name in tables (its hash's first 8 digits; the text is never stored). */
export function conversationName(hash: string): string {
  return `conversation ${hash.slice(0, 8)}`;
}

const esc = (s: string) => s.replace(/[|\\`*_<>[\]]/g, (c) => `\\${c}`);

function table(title: string, rows: readonly Bucket[], max = 10): string[] {
  if (!rows.length) return [];
  const shown = rows.slice(0, max);
  const rest = rows.slice(max);
  const lines = [`| ${title} | requests | cost |`, '|---|---:|---:|', ...shown.map((b) => `| ${esc(b.key)} | ${b.requests} | ${formatUsd(b.cost)} |`)];
  if (rest.length) lines.push(`| ${rest.length} more | ${rest.reduce((n, b) => n + b.requests, 0)} | ${formatUsd(rest.reduce((n, b) => n + b.cost, 0))} |`);
  return [...lines, ''];
}

export interface CostView {
  month: { label: string; total: MicroUsd; requests: number; byModel: readonly Bucket[]; bySurface: readonly Bucket[] };
  /** `name` is how the report's "By conversation" table names it. */
  conversation?: { name: string; spent: MicroUsd; requests: number; byModel: ReadonlyMap<string, MicroUsd> } | undefined;
}

/** `/cost`: the latest chat conversation and this month, by model and by surface. */
export function costMarkdown(v: CostView): string {
  const lines: string[] = [];
  if (v.conversation) {
    lines.push(`**This conversation** (the latest one answered by a Costwise model; "${v.conversation.name}" in the report): ${formatUsd(v.conversation.spent)} in ${v.conversation.requests} request${v.conversation.requests === 1 ? '' : 's'}.`, '');
    const models = [...v.conversation.byModel].sort((a, b) => b[1] - a[1]);
    lines.push('| model | cost |', '|---|---:|', ...models.map(([m, c]) => `| ${esc(m)} | ${formatUsd(c)} |`), '');
  } else lines.push('No chat conversation has been answered by a Costwise model in this window yet.', '');
  lines.push(`**${v.month.label}**: ${formatUsd(v.month.total)} in ${v.month.requests} request${v.month.requests === 1 ? '' : 's'}.`, '');
  lines.push(...table('surface', v.month.bySurface), ...table('model', v.month.byModel));
  return lines.join('\n');
}

/** `/budget`: each limit, what is spent or reserved under it, and what is left. */
export function budgetMarkdown(policy: BudgetPolicy, perRun: MicroUsd, spentIn: (scope: SpendScope) => MicroUsd, today: string): string {
  const lines = ['| limit | spent or reserved | left | setting |', '|---|---:|---:|---|'];
  for (const r of policy.rules) {
    const scope: SpendScope = { ...(r.provider !== undefined ? { provider: r.provider } : {}), ...(r.model !== undefined ? { model: r.model } : {}), ...(r.period === 'day' ? { day: today } : {}) };
    const spent = spentIn(scope);
    const what = `${r.period === 'day' ? 'daily' : 'monthly'}${r.model ? ` · ${r.model}` : r.provider ? ` · ${r.provider}` : ''}`;
    lines.push(`| ${esc(what)} ${formatUsd(r.limit)} | ${formatUsd(spent)} | ${formatUsd(Math.max(0, r.limit - spent))} | \`${r.setting}\`${r.origin ? ` (${esc(r.origin)})` : ''} |`);
  }
  lines.push('', `Each agent run may spend at most ${formatUsd(perRun)} (\`costwise.budget.perRunUsd\`). At a limit Costwise ${policy.onLimit === 'downgrade' ? 'moves to the cheapest model that fits' : policy.onLimit === 'warn' ? 'warns and sends' : 'refuses in chat (and asks, for Explain Selection)'} (\`costwise.budget.onLimit\`).`);
  return lines.join('\n');
}
