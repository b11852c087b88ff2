import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { vetUpstreamUpdate, type PriceChange } from '../core/pricing/updateCheck';
import type { UpstreamOrigin } from './priceBook';
import type { PriceStore } from './priceStore';

/** What one attempt to update the upstream price data did. Nothing is written unless it says applied/unchanged. */
export type PriceUpdateResult =
  | { kind: 'applied'; origin: UpstreamOrigin; added: string[]; changed: string[] }
  | { kind: 'applied-with-held-back'; origin: UpstreamOrigin; added: string[]; changed: string[]; heldBack: PriceChange[] }
  | { kind: 'unchanged'; origin: UpstreamOrigin }
  | { kind: 'rejected'; reason: string };

export interface PriceUpdateOptions {
  url: string;
  store: PriceStore;
  /** The upstream provider list in use now (the stored update, else the bundled data): the yardstick. */
  previous: () => Promise<unknown>;
  now: Date;
  fetch?: typeof fetch;
  /** The whole download, headers and body, must finish within this. */
  timeoutMs?: number;
  maxBytes?: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
/** The published file is ~0.5 MB; 20 MB leaves room to grow and stops a hostile endless body. */
export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

/** GET `url` as text, refusing a body over `maxBytes` and giving up after `timeoutMs`. */
async function download(url: string, f: typeof fetch, timeoutMs: number, maxBytes: number): Promise<string> {
  const res = await f(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw new Error(`the server answered HTTP ${res.status}`);
  }
  const declared = Number(res.headers.get('content-length'));
  const tooBig = () => new Error(`the file is larger than ${maxBytes} bytes`);
  if (declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw tooBig();
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooBig();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function why(e: unknown, timeoutMs: number): string {
  const err = e as Error & { cause?: Error };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return `no complete answer within ${timeoutMs / 1000} s`;
  return err?.cause?.message ? `${err.message} (${err.cause.message})` : String(err?.message ?? e);
}

/**
 * Fetches the upstream price data from `url`, vets it against the data in use, and stores it when it
 * passes (models whose prices jump more than 10x keep the prices in use, and are reported). On any
 * failure the stored data is left exactly as it was.
 */
export async function fetchPriceUpdate(o: PriceUpdateOptions): Promise<PriceUpdateResult> {
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let u: URL;
  try {
    u = new URL(o.url);
  } catch {
    return { kind: 'rejected', reason: `the update URL is not a URL: ${JSON.stringify(o.url)}` };
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return { kind: 'rejected', reason: `the update URL must be http(s), not ${u.protocol}` };
  let text: string;
  try {
    text = await download(u.toString(), o.fetch ?? fetch, timeoutMs, o.maxBytes ?? DEFAULT_MAX_BYTES);
  } catch (e) {
    return { kind: 'rejected', reason: `could not fetch ${u}: ${why(e, timeoutMs)}` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return { kind: 'rejected', reason: `not JSON: ${(e as Error).message}` };
  }
  const verdict = vetUpstreamUpdate(parsed, await o.previous(), o.now.getTime());
  if (verdict.kind === 'rejected') return verdict;
  const origin: UpstreamOrigin = { kind: 'update', source: u.toString(), date: o.now.toISOString() };
  // Written even when unchanged: the date says the data was current then.
  o.store.write(JSON.stringify(verdict.providers), origin);
  if (verdict.unchanged) return { kind: 'unchanged', origin };
  const { added, changed, heldBack } = verdict;
  return heldBack.length ? { kind: 'applied-with-held-back', origin, added, changed, heldBack } : { kind: 'applied', origin, added, changed };
}

/** The last attempt (any outcome), kept beside the data: when updates last ran, and what happened. */
export interface LastUpdate {
  at: string;
  url: string;
  result: PriceUpdateResult;
}

const LAST = 'last-update.json';

export function readLastUpdate(dir: string): LastUpdate | undefined {
  try {
    const v = JSON.parse(readFileSync(join(dir, LAST), 'utf8')) as LastUpdate;
    return typeof v?.at === 'string' && v.result && typeof v.result.kind === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

export function writeLastUpdate(dir: string, last: LastUpdate): void {
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${LAST}.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify(last));
  renameSync(tmp, join(dir, LAST));
}

/** One line for people: the CLI prints it, the log and the Check Prices view show it. */
export function describeUpdate(r: PriceUpdateResult): string {
  const list = (xs: string[]) => (xs.length ? `${xs.length} (${xs.slice(0, 5).join(', ')}${xs.length > 5 ? ', …' : ''})` : '0');
  switch (r.kind) {
    case 'rejected':
      return `rejected, the data in use is kept: ${r.reason}`;
    case 'unchanged':
      return `unchanged: the data from ${r.origin.source} is current as of ${r.origin.date}`;
    default: {
      const base = `applied from ${r.origin.source} (${r.origin.date}): models added ${list(r.added)}, prices changed ${list(r.changed)}`;
      if (r.kind === 'applied') return base;
      return `${base}; held back (a jump of more than 10x; the price in use is kept): ${r.heldBack.map((h) => `${h.model} ${h.field} ${h.old} -> ${h.new}`).join('; ')}`;
    }
  }
}
