import * as vscode from 'vscode';
import type { Clock } from '../core/clock';
import { bundledUpstream } from '../node/priceBook';
import { describeUpdate, fetchPriceUpdate, readLastUpdate, writeLastUpdate, type PriceUpdateResult } from '../node/priceUpdates';
import type { MarkdownDocument } from './markdownDocument';
import { priceCheckMarkdown } from './priceCheckView';
import type { PriceService } from './priceService';
import type { SettingsGateway } from './settingsGateway';

export type UpdateOutcome = PriceUpdateResult | { kind: 'refused'; reason: string };

const DAY_MS = 86_400_000;

/**
 * Keeps the upstream price data current without a release: the first check runs well after activation,
 * then hourly looks whether a day has passed since the last attempt (recorded beside the data, so all
 * windows share it). Never in local-only mode, never with `costwise.prices.autoUpdate` off. Failures go
 * to the log, not to a notification; the data in use stays as it was.
 */
export class PriceUpdater implements vscode.Disposable {
  private log: vscode.LogOutputChannel | undefined;
  private running: Promise<UpdateOutcome> | undefined;
  private seenLast: string | undefined;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly settings: SettingsGateway,
    private readonly prices: PriceService,
    private readonly clock: Clock,
    /** The Check Prices view (registered as a document with the activation bundle). */
    readonly view: MarkdownDocument,
    schedule = { firstMs: 30_000, everyMs: 3_600_000 },
  ) {
    const look = () => void this.updateIfDue().catch((e: Error) => this.output().error(`scheduled price update: ${e.message}`));
    const first = setTimeout(() => {
      look();
      this.timers.push(setInterval(look, schedule.everyMs));
    }, schedule.firstMs);
    this.timers.push(first);
  }

  /** Why an update may not run now, if it may not. */
  blocked(): string | undefined {
    const s = this.settings.current().settings;
    if (s.routing.localOnly) return 'local-only mode is on: nothing is fetched from the network';
    if (!s.prices.updateUrl) return '`costwise.prices.updateUrl` is not a usable URL';
    return undefined;
  }

  /** The scheduled check: at most one attempt a day, and only when automatic updates are allowed. Undefined: not due. */
  async updateIfDue(): Promise<UpdateOutcome | undefined> {
    const last = readLastUpdate(this.prices.store.dir);
    // Another window stored an update since this one last looked: price with it from the next request on.
    if (last && last.at !== this.seenLast && last.result.kind !== 'rejected') this.prices.invalidate();
    this.seenLast = last?.at;
    if (!this.settings.current().settings.prices.autoUpdate || this.blocked()) return undefined;
    const lastAt = last ? Date.parse(last.at) : NaN;
    const now = this.clock.now().getTime();
    if (lastAt <= now && now - lastAt < DAY_MS) return undefined;
    return this.updateNow();
  }

  /** Fetch, vet and store an update now (one at a time); the price book is reloaded after a success. */
  updateNow(): Promise<UpdateOutcome> {
    const reason = this.blocked();
    if (reason) return Promise.resolve({ kind: 'refused', reason });
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(): Promise<UpdateOutcome> {
    const url = this.settings.current().settings.prices.updateUrl!;
    const store = this.prices.store;
    const now = this.clock.now();
    let result: PriceUpdateResult;
    try {
      result = await fetchPriceUpdate({ url, store, previous: async () => store.read()?.providers ?? (await bundledUpstream()), now });
    } catch (e) {
      result = { kind: 'rejected', reason: `the update failed: ${(e as Error).message}` };
    }
    if (result.kind !== 'rejected') this.prices.invalidate();
    try {
      writeLastUpdate(store.dir, { at: now.toISOString(), url, result });
      this.seenLast = now.toISOString();
    } catch (e) {
      this.output().warn(`could not record the update attempt: ${(e as Error).message}`);
    }
    const line = `price update from ${url}: ${describeUpdate(result)}`;
    if (result.kind === 'rejected') this.output().error(line);
    else this.output().info(line);
    return result;
  }

  private output(): vscode.LogOutputChannel {
    this.log ??= vscode.window.createOutputChannel('Costwise Prices', { log: true });
    return this.log;
  }

  /** "Check Prices…": the data's age, source, disagreements and last update, with Update Now. Returns the view's text (for tests). */
  async checkPrices(arg?: { update?: boolean }): Promise<string> {
    await this.render();
    await this.view.show();
    const age = await this.prices.age();
    // `arg` (tests, keybindings) answers the prompt: `{ update: true }` updates at once, `{ update: false }` only shows.
    const action = arg ? (arg.update ? 'Update Now' : undefined) : await vscode.window.showInformationMessage(`Costwise: price data from ${age.date.slice(0, 10)} (${age.days} days old${age.stale ? ', STALE' : ''}).`, 'Update Now');
    if (action === 'Update Now') {
      const r = await this.updateNow();
      await this.render();
      const say = r.kind === 'refused' ? `Costwise: no price update — ${r.reason}.` : `Costwise: price update ${describeUpdate(r)}`;
      if (r.kind === 'refused' || r.kind === 'rejected') void vscode.window.showWarningMessage(say);
      else void vscode.window.showInformationMessage(say);
    }
    return this.view.provideTextDocumentContent();
  }

  private async render(): Promise<void> {
    const s = this.settings.current().settings.prices;
    const [book, age] = [await this.prices.get(), await this.prices.age()];
    this.view.set(priceCheckMarkdown({ book, age, last: readLastUpdate(this.prices.store.dir), blocked: this.blocked(), autoUpdate: s.autoUpdate, updateUrl: s.updateUrl }));
  }

  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    this.log?.dispose();
  }
}
