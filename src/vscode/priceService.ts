import type * as vscode from 'vscode';
import type { Clock } from '../core/clock';
import { priceAge } from '../core/pricing/priceAge';
import { loadPriceBook, type PriceBook } from '../node/priceBook';
import type { PriceStore } from '../node/priceStore';
import type { SettingsGateway } from './settingsGateway';

/**
 * The price book this window prices with, loaded on first use (never during activation) and again when
 * the price overrides in settings change or an update of the upstream data is stored.
 */
export class PriceService implements vscode.Disposable {
  private book: Promise<PriceBook> | undefined;
  private overrides = '';
  private readonly sub: { dispose(): void };

  constructor(
    private readonly settings: SettingsGateway,
    readonly store: PriceStore,
    private readonly clock: Clock,
  ) {
    this.sub = settings.onDidChange((p) => {
      if (JSON.stringify(p.settings.priceOverrides) !== this.overrides) this.invalidate();
    });
  }

  get(): Promise<PriceBook> {
    if (!this.book) {
      const overrides = this.settings.current().settings.priceOverrides;
      this.overrides = JSON.stringify(overrides);
      this.book = loadPriceBook({ stored: async () => this.store.read(), overrides, now: this.clock.now().getTime() });
      this.book.catch(() => (this.book = undefined));
    }
    return this.book;
  }

  /** How old the upstream data in use is; `stale` (over 60 days) is flagged wherever costs are shown. */
  async age(): Promise<{ days: number; stale: boolean; source: string; date: string }> {
    const { upstream } = await this.get();
    return { ...priceAge(upstream.date, this.clock.now().getTime()), source: upstream.source, date: upstream.date };
  }

  /** Forget the loaded book: the next request reads the data again (after an update or a settings change). */
  invalidate(): void {
    this.book = undefined;
  }

  dispose(): void {
    this.sub.dispose();
  }
}
