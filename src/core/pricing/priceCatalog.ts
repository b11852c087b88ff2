import type { PriceEntry } from './priceEntry';

/**
 * Looks prices up by the exact model id an API returns (or an explicit alias) and the date of use.
 * Never by prefix: `gpt-4.1` is not `gpt-4`, and an unknown id has no price (never $0).
 */
export class PriceCatalog {
  private readonly byId = new Map<string, PriceEntry[]>();

  /** `overrides` (from settings) win over built-in entries of the same model on any date. */
  constructor(builtin: readonly PriceEntry[], overrides: readonly PriceEntry[] = []) {
    const overridden = new Set(overrides.map((o) => o.model));
    for (const e of builtin) if (!overridden.has(e.model)) this.add(e);
    for (const e of overrides) this.add(e);
    for (const list of this.byId.values()) list.sort((a, b) => a.effective.localeCompare(b.effective));
  }

  private add(e: PriceEntry): void {
    for (const id of [e.model, ...(e.aliases ?? [])]) {
      const list = this.byId.get(id) ?? [];
      list.push(e);
      this.byId.set(id, list);
    }
  }

  /** The entry in force on `at` (UTC date), or undefined when the model is unpriced or not yet priced then. */
  lookup(modelId: string, at: Date): PriceEntry | undefined {
    const list = this.byId.get(modelId);
    if (!list) return undefined;
    const day = at.toISOString().slice(0, 10);
    let found: PriceEntry | undefined;
    for (const e of list) if (e.effective <= day) found = e;
    return found;
  }

  /** The latest entry of every model (one row per model), for listings. */
  current(): PriceEntry[] {
    const seen = new Map<string, PriceEntry>();
    for (const list of this.byId.values()) {
      const latest = list[list.length - 1];
      if (latest) seen.set(latest.model, latest);
    }
    return [...seen.values()].sort((a, b) => a.provider.localeCompare(b.provider) || a.model.localeCompare(b.model));
  }
}
