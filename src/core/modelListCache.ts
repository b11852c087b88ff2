/** A provider's model list for one key at one address, as last read (or the note of why it could not be). */
export interface ListingEntry {
  provider: string;
  baseUrl: string;
  /** A hash of the key (never the key): another key gets its own list. */
  keyFingerprint: string;
  /** The last list read, and when (ISO). */
  models?: string[];
  listedAt?: string;
  /** The last attempt (ISO) and, when it failed, why. */
  checkedAt: string;
  error?: string;
}

/** A list is read again after about a day. */
export const LIST_TTL_MS = 24 * 3_600_000;
/** After a failed read, the next try waits an hour (no hammering a provider that refuses the key). */
export const RETRY_AFTER_FAILURE_MS = 3_600_000;
/** A list older than this is no longer trusted for routing (the catalog default comes back). */
export const LIST_MAX_AGE_MS = 7 * 24 * 3_600_000;

export function listingKey(provider: string, baseUrl: string, keyFingerprint: string): string {
  return `${provider} ${baseUrl.replace(/\/+$/, '')} ${keyFingerprint}`;
}

/** Whether the list should be read again now. */
export function needsRefresh(e: ListingEntry | undefined, now: number): boolean {
  if (!e) return true;
  const checked = Date.parse(e.checkedAt);
  if (!Number.isFinite(checked) || checked > now) return true;
  return now - checked >= (e.error ? RETRY_AFTER_FAILURE_MS : LIST_TTL_MS);
}

/** The list routing may use: the last one read, unless it is over a week old (then: the catalog default). */
export function usableListing(e: ListingEntry | undefined, now: number): { models: string[]; listedAt: string } | undefined {
  if (!e?.models || !e.listedAt) return undefined;
  const at = Date.parse(e.listedAt);
  return Number.isFinite(at) && now - at < LIST_MAX_AGE_MS ? { models: e.models, listedAt: e.listedAt } : undefined;
}

/** Entries read back from storage, keeping only well-formed ones (a damaged file costs a refresh, nothing else). */
export function parseListings(raw: unknown): ListingEntry[] {
  if (!Array.isArray(raw)) return [];
  const str = (v: unknown) => typeof v === 'string';
  return raw.filter(
    (e): e is ListingEntry =>
      typeof e === 'object' && e !== null &&
      str(e.provider) && str(e.baseUrl) && str(e.keyFingerprint) && str(e.checkedAt) &&
      (e.models === undefined || (Array.isArray(e.models) && e.models.every(str))) &&
      (e.listedAt === undefined || str(e.listedAt)) && (e.error === undefined || str(e.error)),
  );
}
