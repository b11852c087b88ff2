import { pick } from '../core/lazyModule';
import { PriceCatalog } from '../core/pricing/priceCatalog';
import type { PriceEntry } from '../core/pricing/priceEntry';
import { parsePriceLayer, type PriceLayer } from '../core/pricing/priceData';
import { mergeLayers, type Disagreement } from '../core/pricing/priceLayers';
import { convertUpstream } from '../core/pricing/upstreamPrices';

/** Where the upstream layer of the prices in use came from. */
export interface UpstreamOrigin {
  kind: 'bundled' | 'update';
  /** `@pydantic/genai-prices 0.1.8`, or the URL an update came from. */
  source: string;
  /** When the data was fetched (updates) or published (bundled package), YYYY-MM-DD or ISO. */
  date: string;
}

/** Everything a price question needs: the catalog, and what it is made of. */
export interface PriceBook {
  catalog: PriceCatalog;
  upstream: UpstreamOrigin;
  curatedUpdated: string;
  disagreements: Disagreement[];
  skipped: string[];
}

export const UPSTREAM_PACKAGE = '@pydantic/genai-prices';
/** The pinned package's version and publication day (package.json pins it exactly). */
export const BUNDLED_UPSTREAM: UpstreamOrigin = { kind: 'bundled', source: `${UPSTREAM_PACKAGE} 0.1.8`, date: '2026-09-23' };

let curated: PriceLayer | undefined;

/** The curated corrections shipped with Costwise (data/prices.curated.json), parsed once, on first use. */
export function curatedLayer(): PriceLayer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  curated ??= parsePriceLayer(require('../../data/prices.curated.json'));
  return curated;
}

/** A catalog of the curated layer alone (no upstream): quick, synchronous, for tests and benchmarks. */
export function curatedCatalog(overrides: readonly PriceEntry[] = []): PriceCatalog {
  const c = curatedLayer();
  return new PriceCatalog(c.entries, overrides, c.aliases);
}

let bundled: Promise<unknown> | undefined;

/** The upstream package's bundled provider list, loaded on first use (it is ~0.5 MB of code). */
export function bundledUpstream(): Promise<unknown> {
  // Named exports or `default` (a CJS vendor bundle through import()): `pick` takes either.
  bundled ??= import('@pydantic/genai-prices').then((m) => pick<() => Promise<unknown>>(m, 'waitForUpdate')());
  return bundled;
}

/** Merges an upstream provider list with the curated layer into a price book. */
export function bookFrom(upstreamProviders: unknown, origin: UpstreamOrigin, overrides: readonly PriceEntry[], now: number): PriceBook {
  const up = convertUpstream(upstreamProviders);
  const layer = curatedLayer();
  const merged = mergeLayers(up.entries, layer, now);
  return {
    catalog: new PriceCatalog(merged.entries, overrides, merged.aliases),
    upstream: origin,
    curatedUpdated: layer.updated,
    disagreements: merged.disagreements,
    skipped: up.skipped,
  };
}

/** A stored update: the upstream data file fetched by the update channel, with where and when it came from. */
export interface StoredUpdate {
  origin: UpstreamOrigin;
  providers: unknown;
}

/**
 * The price book in use: the last good stored update of the upstream data if there is one (else the
 * package's bundled data), with the curated corrections always laid on top, and settings overrides over both.
 */
export async function loadPriceBook(o: { stored?: () => Promise<StoredUpdate | undefined>; overrides?: readonly PriceEntry[]; now: number }): Promise<PriceBook> {
  const stored = await o.stored?.().catch(() => undefined);
  if (stored) {
    try {
      return bookFrom(stored.providers, stored.origin, o.overrides ?? [], o.now);
    } catch {
      // A stored file that no longer converts is ignored: the bundled data answers.
    }
  }
  return bookFrom(await bundledUpstream(), BUNDLED_UPSTREAM, o.overrides ?? [], o.now);
}
