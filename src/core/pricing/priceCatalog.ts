import { instantMs } from './instants';
import type { PriceEntry, ProviderKind } from './priceEntry';

/** An id that points at another model from an instant on, and may stop being served (DeepSeek's `deepseek-chat`). */
export interface AliasMove {
  alias: string;
  provider: ProviderKind;
  moves: Array<{ from: string; to: string }>;
  retired?: string;
  source: string;
}

interface Dated {
  ms: number;
  entry: PriceEntry;
}

const SNAPSHOT = /^(.+)-(\d{4})-?(\d{2})-?(\d{2})$/;

function validDate(y: string, m: string, d: string): boolean {
  const t = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return t.getUTCFullYear() === Number(y) && t.getUTCMonth() === Number(m) - 1 && t.getUTCDate() === Number(d);
}

/**
 * Looks prices up by the exact model id an API returns — or an explicit alias, a moving alias, or a dated
 * snapshot (`<id>-YYYYMMDD`) of a model that has them — at the instant of use. Never by prefix:
 * `claude-sonnet-5-5` is not `claude-sonnet-5`, and an unknown id has no price (never $0).
 */
export class PriceCatalog {
  private readonly byId = new Map<string, Dated[]>();
  private readonly moving = new Map<string, { moves: Array<{ ms: number; to: string }>; retired?: string; provider: ProviderKind }>();

  /** `overrides` (from settings) win over the data's entries of the same model at any instant. */
  constructor(entries: readonly PriceEntry[], overrides: readonly PriceEntry[] = [], aliases: readonly AliasMove[] = []) {
    const overridden = new Set(overrides.map((o) => o.model));
    for (const e of entries) if (!overridden.has(e.model)) this.add(e);
    for (const e of overrides) this.add(e);
    for (const list of this.byId.values()) list.sort((a, b) => a.ms - b.ms);
    for (const a of aliases) {
      if (overridden.has(a.alias) || this.byId.has(a.alias)) continue;
      this.moving.set(a.alias, {
        provider: a.provider,
        moves: a.moves.map((m) => ({ ms: instantMs(m.from), to: m.to })).sort((x, y) => x.ms - y.ms),
        ...(a.retired ? { retired: a.retired } : {}),
      });
    }
  }

  private add(e: PriceEntry): void {
    const dated = { ms: instantMs(e.effective), entry: e };
    for (const id of [e.model, ...(e.aliases ?? [])]) {
      const list = this.byId.get(id) ?? [];
      list.push(dated);
      this.byId.set(id, list);
    }
  }

  private listFor(modelId: string): Dated[] | undefined {
    const list = this.byId.get(modelId);
    if (list) return list;
    const m = SNAPSHOT.exec(modelId);
    if (!m || !validDate(m[2]!, m[3]!, m[4]!)) return undefined;
    const base = this.byId.get(m[1]!);
    return base?.some((d) => d.entry.snapshots && d.entry.model === m[1]) ? base : undefined;
  }

  /** The entry in force at `at`, or undefined when the model is unpriced or not yet priced then. */
  lookup(modelId: string, at: Date | number): PriceEntry | undefined {
    const ms = typeof at === 'number' ? at : at.getTime();
    const move = this.moving.get(modelId);
    if (move) {
      let to: string | undefined;
      for (const m of move.moves) if (m.ms <= ms) to = m.to;
      const target = to === undefined ? undefined : this.lookup(to, ms);
      return target && move.retired ? { ...target, retired: move.retired } : target;
    }
    let found: PriceEntry | undefined;
    for (const d of this.listFor(modelId) ?? []) if (d.ms <= ms) found = d.entry;
    return found;
  }

  /** Whether the model (or alias) is retired at `at`: the API no longer serves it. */
  retiredAt(modelId: string, at: Date | number): string | undefined {
    const ms = typeof at === 'number' ? at : at.getTime();
    const retired = this.moving.get(modelId)?.retired ?? this.lookup(modelId, ms)?.retired;
    return retired !== undefined && instantMs(retired) <= ms ? retired : undefined;
  }

  /** The next price period of a model after `at` (a promotion's end, an announced change). */
  nextChange(modelId: string, at: Date | number): PriceEntry | undefined {
    const ms = typeof at === 'number' ? at : at.getTime();
    return this.listFor(modelId)?.find((d) => d.ms > ms)?.entry;
  }

  /** Every model's entry in force at `at` (one row per model; aliases that moved are left out), for listings and routing. */
  current(at: Date | number = Date.UTC(2100, 0, 1)): PriceEntry[] {
    const ms = typeof at === 'number' ? at : at.getTime();
    const rows = new Map<string, PriceEntry>();
    for (const [id, list] of this.byId) {
      let found: PriceEntry | undefined;
      for (const d of list) if (d.ms <= ms) found = d.entry;
      if (found && found.model === id) rows.set(id, found);
    }
    return [...rows.values()].sort((a, b) => a.provider.localeCompare(b.provider) || a.model.localeCompare(b.model));
  }

  /** Moving aliases (for listings): id, what it points at now, and when it retires. */
  movingAliases(at: Date | number): Array<{ alias: string; provider: ProviderKind; to: string | undefined; retired?: string }> {
    const ms = typeof at === 'number' ? at : at.getTime();
    return [...this.moving].map(([alias, m]) => ({ alias, provider: m.provider, to: [...m.moves].reverse().find((x) => x.ms <= ms)?.to, ...(m.retired ? { retired: m.retired } : {}) }));
  }
}
