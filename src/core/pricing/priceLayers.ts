import { formatUsdExact } from '../money';
import { PriceCatalog } from './priceCatalog';
import type { PriceEntry } from './priceEntry';
import type { PriceLayer } from './priceData';

/** Where upstream and the curated layer disagree about a model, at one instant. */
export interface Disagreement {
  model: string;
  field: string;
  upstream: string;
  curated: string;
}

export interface MergedPrices {
  entries: PriceEntry[];
  aliases: PriceLayer['aliases'];
  disagreements: Disagreement[];
}

const FIELDS = ['input', 'cachedRead', 'cacheWrite', 'cacheWrite5m', 'cacheWrite1h', 'output'] as const;
const perMTok = (v: number | undefined) => (v === undefined ? '–' : `${formatUsdExact(v)}/1M`);

/**
 * The curated layer over upstream: a curated model replaces every upstream period of that id (its
 * history is curated whole), a curated moving alias hides the upstream model of the same id, and an
 * upstream `equals` alias that names a curated model is dropped. Differences at `at` are listed.
 */
export function mergeLayers(upstream: readonly PriceEntry[], curated: PriceLayer, at: number): MergedPrices {
  const curatedIds = new Set([...curated.entries.map((e) => e.model), ...curated.aliases.map((a) => a.alias)]);
  const kept = upstream
    .filter((e) => !curatedIds.has(e.model))
    .map((e) => (e.aliases?.some((a) => curatedIds.has(a)) ? { ...e, aliases: e.aliases.filter((a) => !curatedIds.has(a)) } : e));
  const up = new PriceCatalog(upstream);
  const cur = new PriceCatalog(curated.entries, [], curated.aliases);
  const disagreements: Disagreement[] = [];
  for (const id of [...new Set(curated.entries.map((e) => e.model))].sort()) {
    const u = upstream.some((e) => e.model === id) ? up.lookup(id, at) : undefined;
    const c = cur.lookup(id, at);
    if (!u || !c) continue;
    for (const f of FIELDS) {
      if (u.prices[f] !== c.prices[f] && !(f === 'cacheWrite' && u.prices[f] === undefined)) disagreements.push({ model: id, field: f, upstream: perMTok(u.prices[f]), curated: perMTok(c.prices[f]) });
    }
    const edge = (e: PriceEntry) => (e.tiers ?? []).map((t) => t.fromPromptTokens).join(', ') || 'none';
    if (edge(u) !== edge(c)) disagreements.push({ model: id, field: 'long-context tier at', upstream: edge(u), curated: edge(c) });
    const win = (e: PriceEntry) => (e.timed ? `${e.timed.rule.zone} ${e.timed.rule.windows.map((w) => w.join('–')).join(', ')} days ${e.timed.rule.weekdays.join('')}${e.timed.rule.holidays.length ? ' excl. holidays' : ''}` : 'none');
    if (win(u) !== win(c)) disagreements.push({ model: id, field: 'peak hours', upstream: win(u), curated: win(c) });
    if (u.contextWindow !== c.contextWindow) disagreements.push({ model: id, field: 'context window', upstream: String(u.contextWindow), curated: String(c.contextWindow) });
  }
  for (const a of curated.aliases) {
    if (upstream.some((e) => e.model === a.alias)) disagreements.push({ model: a.alias, field: 'lifecycle', upstream: 'priced as a current model', curated: `alias${a.retired ? `, retired ${a.retired}` : ''}` });
  }
  return { entries: [...kept, ...curated.entries], aliases: curated.aliases, disagreements };
}
