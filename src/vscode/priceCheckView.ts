import { STALE_AFTER_DAYS } from '../core/pricing/priceAge';
import type { PriceBook } from '../node/priceBook';
import { describeUpdate, type LastUpdate } from '../node/priceUpdates';

const cell = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export interface PriceCheckFacts {
  book: PriceBook;
  age: { days: number; stale: boolean };
  last: LastUpdate | undefined;
  /** Why updates cannot run now (local-only mode, a bad URL), if they cannot. */
  blocked: string | undefined;
  autoUpdate: boolean;
  updateUrl: string | undefined;
}

/** The Check Prices view: the data's age and source, the last update, and every upstream/curated disagreement. */
export function priceCheckMarkdown(f: PriceCheckFacts): string {
  const { book, age } = f;
  const up = book.upstream;
  const lines = [
    '# Costwise prices',
    '',
    `**Upstream price data:** ${cell(up.source)}, ${up.kind === 'bundled' ? 'published with this version' : 'fetched'} ${cell(up.date)} — ${age.days} days old.`,
    '',
  ];
  if (age.stale) lines.push(`> **Older than ${STALE_AFTER_DAYS} days.** Costs shown may be below the bill: update the data (Update Now) or check the prices you rely on.`, '');
  lines.push(`**Curated corrections:** ${cell(book.curatedUpdated)} (always applied on top of the upstream data).`, '');
  const auto = f.blocked ? `off: ${f.blocked}` : f.autoUpdate ? `at most daily from ${f.updateUrl}` : 'off (`costwise.prices.autoUpdate`)';
  lines.push(`**Automatic updates:** ${cell(auto)}`, '');
  lines.push(`**Last update:** ${f.last ? `${cell(f.last.at)} — ${cell(describeUpdate(f.last.result))}` : 'none yet'}`, '');
  lines.push(`## ${book.disagreements.length} disagreement(s) between upstream and the curated layer`, '', 'The curated value is the one used.', '');
  if (book.disagreements.length) {
    lines.push('| model | what | upstream | curated (used) |', '|---|---|---|---|');
    for (const d of book.disagreements) lines.push(`| ${cell(d.model)} | ${cell(d.field)} | ${cell(d.upstream)} | ${cell(d.curated)} |`);
  }
  return lines.join('\n') + '\n';
}
