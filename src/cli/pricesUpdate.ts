import { DEFAULT_PRICE_UPDATE_URL } from '../core/settings';
import { bundledUpstream } from '../node/priceBook';
import { PriceStore } from '../node/priceStore';
import { describeUpdate, fetchPriceUpdate, writeLastUpdate } from '../node/priceUpdates';
import { defaultPriceDir } from './priceSource';

/**
 * `costwise prices --update [--url U]`: fetches the upstream price data into the store the CLI and VS Code
 * share (the same checks as the extension's updater). Exit 0 when applied or unchanged, 1 when rejected.
 * The CLI has no local-only setting: it fetches only when asked to.
 */
export async function pricesUpdateCommand(values: Record<string, string | boolean | undefined>, now: Date, out: (s: string) => void): Promise<number> {
  const url = typeof values.url === 'string' ? values.url : DEFAULT_PRICE_UPDATE_URL;
  const store = new PriceStore(defaultPriceDir());
  const result = await fetchPriceUpdate({ url, store, previous: async () => store.read()?.providers ?? (await bundledUpstream()), now });
  try {
    writeLastUpdate(store.dir, { at: now.toISOString(), url, result });
  } catch {
    // Only the record of the attempt is lost; the data (if applied) is stored.
  }
  if (values.json) out(JSON.stringify({ store: store.dir, ...result }, null, 2));
  else out(`Price update: ${describeUpdate(result)}\nstore: ${store.dir}`);
  return result.kind === 'rejected' ? 1 : 0;
}
