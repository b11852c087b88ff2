import { listingKey, needsRefresh, usableListing, type ListingEntry } from '../core/modelListCache';
import type { RemoteProvider } from '../core/routingSettings';
import type { CostwiseSettings } from '../core/settings';
import type { Endpoint } from '../runtime/endpoints';
import { keyFingerprint } from '../node/modelListStore';
import { listModels, type ListApi, type ListOptions } from '../providers/modelLists';

/** One enabled provider, where it is and the key stored for it. */
export interface ListTarget {
  provider: RemoteProvider;
  baseUrl: string;
  apiKey: string | undefined;
}

/** The enabled providers with the keys found for them (the custom endpoint serves one model: no list). */
export function listTargets(settings: CostwiseSettings, endpoints: ReadonlyMap<string, Endpoint>): ListTarget[] {
  return settings.routing.providers.filter((p) => p.enabled && endpoints.has(p.provider)).map((p) => ({ provider: p.provider, baseUrl: p.baseUrl, apiKey: endpoints.get(p.provider)!.apiKey }));
}

interface Store {
  read(): ListingEntry[];
  write(entries: readonly ListingEntry[]): void;
}

const API: Record<RemoteProvider, ListApi> = { openai: 'openai-compatible', deepseek: 'openai-compatible', anthropic: 'anthropic', gemini: 'gemini' };

/**
 * Each enabled provider's model list for the user's key, cached for about a day per (provider, base URL,
 * key fingerprint) in global storage. Read in the background (never while activating, never in
 * local-only mode: callers decide) or on demand; a failed read keeps the last good list (up to a week)
 * or else the catalog default, with the failure kept as a note. No vscode here: unit-tested in Node.
 */
export class ModelListService {
  private entries: Map<string, ListingEntry> | undefined;
  private readonly inflight = new Map<string, Promise<ListingEntry>>();

  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
    private readonly list: (o: ListOptions) => Promise<string[]> = listModels,
  ) {}

  private key(t: ListTarget & { apiKey: string }): string {
    return listingKey(t.provider, t.baseUrl, keyFingerprint(t.apiKey));
  }

  private loaded(): Map<string, ListingEntry> {
    this.entries ??= new Map(this.store.read().map((e) => [listingKey(e.provider, e.baseUrl, e.keyFingerprint), e]));
    return this.entries;
  }

  /** The last read (or failed read) for this provider, address and key. */
  entry(t: ListTarget): ListingEntry | undefined {
    return t.apiKey ? this.loaded().get(this.key({ ...t, apiKey: t.apiKey })) : undefined;
  }

  /** The list routing uses for this provider, or undefined for the catalog default. */
  listing(t: ListTarget): { models: string[]; listedAt: string } | undefined {
    return usableListing(this.entry(t), this.now());
  }

  /** Reads the lists that are due (every one with `force`), one request per provider at a time. */
  async refresh(targets: readonly ListTarget[], force = false): Promise<ListingEntry[]> {
    const out: Array<Promise<ListingEntry>> = [];
    for (const t of targets) {
      if (!t.apiKey) continue;
      const target = { ...t, apiKey: t.apiKey };
      const k = this.key(target);
      const running = this.inflight.get(k);
      const current = this.loaded().get(k);
      if (running) out.push(running);
      else if (!force && current && !needsRefresh(current, this.now())) out.push(Promise.resolve(current));
      else {
        const p = this.read(target, k).finally(() => this.inflight.delete(k));
        this.inflight.set(k, p);
        out.push(p);
      }
    }
    return Promise.all(out);
  }

  /** Starts a refresh of what is due and returns at once; failures end up as notes, never thrown. */
  refreshInBackground(targets: readonly ListTarget[]): void {
    void this.refresh(targets).catch(() => undefined);
  }

  private async read(t: ListTarget & { apiKey: string }, k: string): Promise<ListingEntry> {
    const base = { provider: t.provider, baseUrl: t.baseUrl.replace(/\/+$/, ''), keyFingerprint: keyFingerprint(t.apiKey) };
    let entry: ListingEntry;
    try {
      const models = await this.list({ api: API[t.provider], baseUrl: t.baseUrl, apiKey: t.apiKey });
      const at = new Date(this.now()).toISOString();
      entry = { ...base, models, listedAt: at, checkedAt: at };
    } catch (e) {
      const last = this.loaded().get(k);
      const error = e instanceof Error ? e.message : String(e);
      entry = { ...base, ...(last?.models && last.listedAt ? { models: last.models, listedAt: last.listedAt } : {}), checkedAt: new Date(this.now()).toISOString(), error };
    }
    this.loaded().set(k, entry);
    this.save(k, entry);
    return entry;
  }

  /** Merges into what other windows wrote meanwhile, so each window's reads survive. */
  private save(k: string, entry: ListingEntry): void {
    try {
      const merged = new Map(this.store.read().map((e) => [listingKey(e.provider, e.baseUrl, e.keyFingerprint), e]));
      merged.set(k, entry);
      this.store.write([...merged.values()]);
    } catch {
      // Storage that cannot be written costs a re-read next time, nothing else.
    }
  }
}
