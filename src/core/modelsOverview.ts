import type { ListingEntry } from './modelListCache';
import type { PriceCatalog } from './pricing/priceCatalog';
import type { PriceEntry } from './pricing/priceEntry';
import { modelsFromListing } from './routing/modelListing';
import { qualityPairs } from './routing/registry';
import type { RemoteProvider } from './routingSettings';

export interface ProviderModels {
  provider: RemoteProvider;
  baseUrl: string;
  keyPresent: boolean;
  /** The last read of its list (or why it failed), and the list routing uses (undefined: the catalog default). */
  entry: ListingEntry | undefined;
  listing: { models: string[]; listedAt: string } | undefined;
}

/** How a price for an unlisted or new id is given: the exact setting, with placeholders. */
export function priceHint(model: string): string {
  return `add a price in \`costwise.prices\`: \`"${model}": { "inputPerMTok": …, "outputPerMTok": … }\` (USD per 1M tokens, from the provider’s price page)`;
}

const usd = (micro: number) => `$${micro / 1e6}`;
const priceText = (p: PriceEntry) => `${usd(p.prices.input)} / ${usd(p.prices.output)}${p.timed ? ` (${p.timed.rule.label}: ${usd(p.timed.prices.input)} / ${usd(p.timed.prices.output)})` : ''}`;
const day = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

/**
 * "Show Available Models": per enabled provider, the models routing may use — its own list for the key
 * when known, else the catalog — each with its price (USD per 1M tokens, in / out), score, and whether it
 * is routed, retired, unscored, not available to the key, or unpriced (with how to price it).
 */
export function modelsOverviewMarkdown(catalog: PriceCatalog, at: Date, providers: readonly ProviderModels[], quality: Readonly<Record<string, number | Record<string, number>>>, localOnly: boolean): string {
  const lines = ['# Available models', ''];
  if (localOnly) lines.push('Local-only mode is on (`costwise.privacy.localOnly`): no remote model is used and no model list is read.', '');
  if (!providers.length) lines.push('No provider is enabled (`costwise.providers.*`). Run **Costwise: Set API Key…** to enable one.');
  for (const p of providers) {
    lines.push(`## ${p.provider} — ${p.baseUrl}`, '');
    if (!p.keyPresent) lines.push('No API key (**Costwise: Set API Key…**): the catalog’s models are shown; none can be used yet.', '');
    else if (p.listing) lines.push(`Models your key can use, from ${p.provider}’s model list read ${day(p.listing.listedAt)} (${p.listing.models.length} listed; read again about daily).`, '');
    else lines.push(`${p.provider}’s model list for your key is not known${p.entry ? '' : ' yet'}: every catalog model of ${p.provider} is offered.`, '');
    if (p.entry?.error) lines.push(`> The last read (${day(p.entry.checkedAt)}) failed: ${p.entry.error}${p.listing ? ' — the last good list is used.' : ' — the catalog default is used.'}`, '');
    const l = p.listing && modelsFromListing(catalog, at, p.provider, p.listing.models, p.listing.listedAt);
    const models = l ? [...l.models, ...l.notListed.keys()] : catalog.current(at).filter((e) => e.provider === p.provider).map((e) => e.model);
    const unpriced: string[] = [];
    lines.push('| model | USD per 1M (in / out) | score (effort) | status |', '|---|---|---|---|');
    for (const model of models) {
      const price = catalog.lookup(model, at);
      const retired = catalog.retiredAt(model, at);
      const scores = qualityPairs(model, quality, 'explain').map((q) => `${q.score}${q.effort ? ` (${q.effort})` : ''}`);
      const status = retired
        ? `retired ${retired.slice(0, 10)}`
        : l?.notListed.has(model)
          ? 'not available to your key'
          : !price
            ? '**unpriced**: not routed'
            : !scores.length
              ? 'unscored: used only when pinned or scored (`costwise.routing.quality`)'
              : 'routed';
      if (!price && !l?.notListed.has(model)) unpriced.push(model);
      lines.push(`| \`${model}\` | ${price ? priceText(price) : '—'} | ${scores.join(', ') || '—'} | ${status} |`);
    }
    if (unpriced.length) lines.push('', ...unpriced.map((m) => `- \`${m}\` is unpriced (Costwise never guesses a price or uses $0): ${priceHint(m)}.`));
    lines.push('');
  }
  return lines.join('\n');
}
