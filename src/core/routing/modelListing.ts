import type { PriceCatalog } from '../pricing/priceCatalog';
import type { ProviderKind } from '../pricing/priceEntry';

/** Why a catalog model is passed over when the provider's own list for the key does not have it. */
export function notListedReason(provider: ProviderKind, listedAt: string): string {
  return `not available to your key (${provider}'s model list, ${listedAt.slice(0, 10)})`;
}

/**
 * A provider's candidates once its model list for the user's key is known: exactly the listed models.
 * A catalog model counts as listed when the list has its id or an id the catalog resolves to it (a dated
 * snapshot, an alias); it is then offered under its catalog id. A listed id the catalog does not price is
 * offered as is (the router refuses it as unpriced, never at $0). Catalog models of the provider that the
 * list lacks come back in `notListed` with the reason, so the trace can say why they were passed over.
 */
export function modelsFromListing(
  catalog: PriceCatalog,
  at: Date,
  provider: ProviderKind,
  listed: readonly string[],
  listedAt: string,
): { models: string[]; notListed: Map<string, string> } {
  const catalogIds = catalog.current(at).filter((e) => e.provider === provider).map((e) => e.model);
  const known = new Set(catalogIds);
  const reached = new Set<string>();
  const extra: string[] = [];
  for (const id of new Set(listed)) {
    const target = catalog.lookup(id, at)?.model;
    if (known.has(id)) reached.add(id);
    else if (target !== undefined && known.has(target)) reached.add(target);
    else extra.push(id);
  }
  const reason = notListedReason(provider, listedAt);
  const notListed = new Map(catalogIds.filter((m) => !reached.has(m)).map((m) => [m, reason] as const));
  return { models: [...catalogIds.filter((m) => reached.has(m)), ...extra.sort()], notListed };
}
