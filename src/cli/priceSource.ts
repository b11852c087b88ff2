import { dirname, join } from 'node:path';
import type { PriceEntry } from '../core/pricing/priceEntry';
import { loadPriceBook, type PriceBook } from '../node/priceBook';
import { PriceStore } from '../node/priceStore';
import { defaultLedgerDir } from './ledgerLocation';

/** The folder VS Code keeps price updates in (beside the ledger), so the CLI prices with the same data. */
export function defaultPriceDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.COSTWISE_PRICES_DIR ?? join(dirname(defaultLedgerDir(env)), 'prices');
}

export function loadCliPriceBook(now: Date, overrides: readonly PriceEntry[] = []): Promise<PriceBook> {
  const store = new PriceStore(defaultPriceDir());
  return loadPriceBook({ stored: async () => store.read(), overrides, now: now.getTime() });
}
