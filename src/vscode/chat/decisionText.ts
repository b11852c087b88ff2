import { decisionSheet } from '../../core/routing/decisionSheet';
import type { Decision } from '../../core/routing/router';

const esc = (s: string) => s.replace(/([\\`*_[\]|<>])/g, '\\$1');

/**
 * A routing decision as chat markdown: a list, not a table, so it reads in the narrow chat view — the
 * summary, time-of-day and price-data notes, the chosen model and fallbacks, then the first rejections.
 */
export function decisionText(d: Decision, heading: string, maxRejections = 8): string {
  const v = decisionSheet(d);
  const pair = (r: { model: string; effort?: string }) => `\`${esc(r.model)}\`${r.effort ? ` at ${r.effort}` : ''}`;
  const lines = [`**${heading}**`, '', esc(v.summary), '', `Tier ${v.tier} (${v.thresholds}), decided ${v.decidedAt}.`];
  for (const n of v.timeNotes) lines.push(`- ${esc(n)}`);
  if (v.priceData) lines.push(`- ${v.priceData.stale ? '⚠ ' : ''}${esc(v.priceData.text)}`);
  lines.push('');
  for (const r of v.rows.filter((x) => x.kind !== 'rejected')) lines.push(`- ${r.kind === 'chosen' ? '→' : '↳'} ${pair(r)} (${r.endpoint}, quality ${r.quality}): about ${r.expected}, at most ${r.worstCase}`);
  const rejected = v.rows.filter((x) => x.kind === 'rejected');
  for (const r of rejected.slice(0, maxRejections)) lines.push(`- ✗ ${pair(r)}: ${esc(r.reason)}`);
  if (rejected.length > maxRejections) lines.push(`- … and ${rejected.length - maxRejections} more (Costwise: Why This Model? shows them all)`);
  if (v.savings) lines.push('', esc(v.savings));
  return lines.join('\n');
}
