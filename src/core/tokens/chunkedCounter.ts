/** Counts tokens of a text; the real implementation (gpt-tokenizer, o200k) is injected and loaded lazily. */
export interface Tokenizer {
  count(text: string): number;
}

const MIN_CHUNK = 2048;
const MAX_CHUNK = 32768;

/**
 * Token counts cached per content-defined chunk: a chunk ends after a line whose (length, first and
 * last characters) hash hits a pattern, so an edit changes only the chunk around it and a re-count
 * after typing one character re-tokenizes a few KB, not the document. Chunks split at line ends,
 * where BPE merges almost never cross, so the sum matches a whole-text count within a few tokens.
 */
export class ChunkedCounter {
  private readonly cache = new Map<string, number>();
  private cachedChars = 0;

  constructor(
    private readonly tokenizer: Tokenizer,
    private readonly maxCachedChars = 64 * 1024 * 1024,
  ) {}

  count(text: string): number {
    if (text.length <= MIN_CHUNK) return this.tokenizer.count(text);
    let total = 0;
    for (const chunk of chunks(text)) total += this.countChunk(chunk);
    return total;
  }

  private countChunk(chunk: string): number {
    const hit = this.cache.get(chunk);
    if (hit !== undefined) return hit;
    const n = this.tokenizer.count(chunk);
    this.cache.set(chunk, n);
    this.cachedChars += chunk.length;
    // Oldest first out (Map keeps insertion order) once the cache holds too much text.
    for (const key of this.cache.keys()) {
      if (this.cachedChars <= this.maxCachedChars) break;
      this.cache.delete(key);
      this.cachedChars -= key.length;
    }
    return n;
  }
}

export function* chunks(text: string): Generator<string> {
  let start = 0;
  let lineStart = 0;
  while (lineStart < text.length) {
    let nl = text.indexOf('\n', lineStart);
    if (nl < 0) nl = text.length - 1;
    const len = nl - lineStart;
    const size = nl + 1 - start;
    const h = (len * 2654435761 + text.charCodeAt(lineStart) * 40503 + text.charCodeAt(nl > lineStart ? nl - 1 : lineStart)) >>> 0;
    lineStart = nl + 1;
    if ((size >= MIN_CHUNK && (h & 31) === 0) || size >= MAX_CHUNK) {
      yield text.slice(start, lineStart);
      start = lineStart;
    }
  }
  if (start < text.length) yield text.slice(start);
}
