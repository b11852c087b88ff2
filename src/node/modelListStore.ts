import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseListings, type ListingEntry } from '../core/modelListCache';

/** A key's fingerprint for cache entries: a truncated SHA-256, never the key itself. */
export function keyFingerprint(key: string): string {
  return createHash('sha256').update(`costwise model list\0${key}`).digest('hex').slice(0, 16);
}

/**
 * The providers' model lists, kept in one JSON file in a folder (VS Code's global storage), written to a
 * temporary name and renamed so a reader never sees half a file.
 */
export class ModelListStore {
  constructor(readonly dir: string) {}

  private get file(): string {
    return join(this.dir, 'model-lists.json');
  }

  read(): ListingEntry[] {
    try {
      return parseListings(JSON.parse(readFileSync(this.file, 'utf8')));
    } catch {
      return [];
    }
  }

  write(entries: readonly ListingEntry[]): void {
    mkdirSync(this.dir, { recursive: true });
    const tmp = join(this.dir, `.model-lists.json.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify(entries, null, 1));
    renameSync(tmp, this.file);
  }
}
