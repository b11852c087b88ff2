import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StoredUpdate, UpstreamOrigin } from './priceBook';

/**
 * The last good update of the upstream price data, kept in a folder (VS Code's global storage, shared
 * with the CLI): `upstream.json` (the data as fetched) and `upstream.meta.json` (where and when).
 * Written to a temporary name and renamed, so a reader never sees half a file.
 */
export class PriceStore {
  constructor(readonly dir: string) {}

  read(): StoredUpdate | undefined {
    let meta: UpstreamOrigin;
    let text: string;
    try {
      meta = JSON.parse(readFileSync(join(this.dir, 'upstream.meta.json'), 'utf8')) as UpstreamOrigin;
      text = readFileSync(join(this.dir, 'upstream.json'), 'utf8');
    } catch {
      return undefined;
    }
    try {
      return { origin: { kind: 'update', source: String(meta.source), date: String(meta.date) }, providers: JSON.parse(text) };
    } catch {
      return undefined;
    }
  }

  write(text: string, origin: UpstreamOrigin): void {
    mkdirSync(this.dir, { recursive: true });
    const tmp = (name: string) => join(this.dir, `.${name}.${process.pid}.tmp`);
    writeFileSync(tmp('upstream.json'), text);
    renameSync(tmp('upstream.json'), join(this.dir, 'upstream.json'));
    writeFileSync(tmp('upstream.meta.json'), JSON.stringify(origin));
    renameSync(tmp('upstream.meta.json'), join(this.dir, 'upstream.meta.json'));
  }
}
