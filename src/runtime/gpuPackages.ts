import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { packumentUrl, releaseOf, type PackageRelease } from '../core/runtime/npmPackument';
import { extractNpmTarball } from './tarReader';

export class GpuPackageError extends Error {}

export interface FetchPackageOptions {
  /** The npm registry's base URL (costwise.local.gpuRegistry). */
  registry: string;
  name: string;
  version: string;
  /** Global storage folder; packages go to `<dir>/gpu/<version>/<name>`. */
  storageDir: string;
  signal: AbortSignal;
  onProgress?: (p: { name: string; received: number; total: number | undefined }) => void;
  fetch?: typeof fetch;
}

const MARKER = '.costwise-verified.json';
/** The CUDA -ext package unpacks to ~360 MB; leave room, refuse anything absurd. */
const LIMITS = { maxBytes: 2 * 1024 ** 3, maxEntries: 5000 };

const folderName = (name: string) => name.replace('/', '+');

export function packageDir(storageDir: string, name: string, version: string): string {
  return join(storageDir, 'gpu', version, folderName(name));
}

/** The entry (dist/index.js) of each package when all of them are installed and verified, else undefined. */
export function installedEntries(storageDir: string, names: string[], version: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const name of names) {
    const dir = packageDir(storageDir, name, version);
    try {
      const m = JSON.parse(readFileSync(join(dir, MARKER), 'utf8')) as { name?: string; version?: string };
      if (m.name !== name || m.version !== version || !existsSync(join(dir, 'dist', 'index.js'))) return undefined;
    } catch {
      return undefined;
    }
    out[name] = pathToFileURL(join(dir, 'dist', 'index.js')).href;
  }
  return out;
}

export async function fetchRelease(o: Pick<FetchPackageOptions, 'registry' | 'name' | 'version' | 'signal' | 'fetch'>): Promise<PackageRelease> {
  const url = packumentUrl(o.registry, o.name);
  let res: Response;
  try {
    res = await (o.fetch ?? fetch)(url, { signal: o.signal, headers: { accept: 'application/json' } });
  } catch (e) {
    if (o.signal.aborted) throw new GpuPackageError('The download was cancelled.');
    throw new GpuPackageError(`The npm registry at ${new URL(url).host} did not answer (${e instanceof Error ? e.message : String(e)}).`);
  }
  if (!res.ok) throw new GpuPackageError(`The npm registry answered HTTP ${res.status} for ${o.name}.`);
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new GpuPackageError(`The npm registry's answer for ${o.name} is not JSON.`);
  }
  return releaseOf(body, o.name, o.version);
}

/**
 * Downloads one package's tarball (resuming a partial one with an HTTP Range request), checks its sha512
 * against the registry's published integrity, unpacks it into a temporary folder, checks its package.json,
 * and moves it into place. Cancelling keeps the partial download; a file that fails the check is deleted.
 */
export async function fetchGpuPackage(o: FetchPackageOptions): Promise<{ dir: string; bytes: number; resumedFrom: number }> {
  const release = await fetchRelease(o);
  const downloads = join(o.storageDir, 'gpu', 'downloads');
  await mkdir(downloads, { recursive: true });
  const partial = join(downloads, `${folderName(o.name)}-${o.version}.tgz.partial`);
  const resumedFrom = await download(release, partial, o);
  const digest = await sha512File(partial);
  if (digest !== release.sha512) {
    await rm(partial, { force: true });
    throw new GpuPackageError(`${o.name}@${o.version} failed its integrity check (sha512 ${digest.slice(0, 16)}…, the registry publishes ${release.sha512.slice(0, 16)}…); the file was deleted.`);
  }
  const dest = packageDir(o.storageDir, o.name, o.version);
  const tmp = `${dest}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  try {
    await extractNpmTarball(partial, tmp, LIMITS);
    const pkg = JSON.parse(await readFile(join(tmp, 'package.json'), 'utf8')) as { name?: string; version?: string };
    if (pkg.name !== o.name || pkg.version !== o.version) throw new GpuPackageError(`The tarball holds ${String(pkg.name)}@${String(pkg.version)}, not ${o.name}@${o.version}.`);
    if (!existsSync(join(tmp, 'dist', 'index.js'))) throw new GpuPackageError(`${o.name}@${o.version} has no dist/index.js.`);
    await writeFile(join(tmp, MARKER), JSON.stringify({ name: o.name, version: o.version, sha512: release.sha512, at: new Date().toISOString() }));
    await rm(dest, { recursive: true, force: true });
    await rename(tmp, dest);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    await rm(partial, { force: true });
    if (e instanceof GpuPackageError) throw e;
    throw new GpuPackageError(`${o.name}@${o.version} could not be unpacked: ${e instanceof Error ? e.message : String(e)}`);
  }
  const bytes = (await stat(partial)).size;
  await rm(partial, { force: true });
  return { dir: dest, bytes, resumedFrom };
}

async function download(release: PackageRelease, partial: string, o: FetchPackageOptions): Promise<number> {
  const have = await stat(partial).then((s) => s.size, () => 0);
  let res: Response;
  try {
    res = await (o.fetch ?? fetch)(release.tarball, { signal: o.signal, headers: have ? { range: `bytes=${have}-` } : {}, redirect: 'follow' });
  } catch (e) {
    if (o.signal.aborted) throw new GpuPackageError('The download was cancelled; it will resume where it stopped.');
    throw new GpuPackageError(`The tarball download failed (${e instanceof Error ? e.message : String(e)}).`);
  }
  let resumedFrom = 0;
  let total: number | undefined;
  if (res.status === 206) {
    const m = /bytes (\d+)-\d+\/(\d+|\*)/.exec(res.headers.get('content-range') ?? '');
    if (!m || Number(m[1]) !== have) {
      await res.body?.cancel();
      await rm(partial, { force: true });
      throw new GpuPackageError('The server resumed the download at the wrong place; the partial file was deleted.');
    }
    resumedFrom = have;
    total = m[2] === '*' ? undefined : Number(m[2]);
  } else if (res.status === 416 && have) {
    await res.body?.cancel();
    return have; // already whole; the integrity check decides
  } else if (res.ok) {
    if (have) await truncate(partial, 0); // the server ignored the Range: start again
    const length = Number(res.headers.get('content-length') ?? NaN);
    total = Number.isFinite(length) ? length : undefined;
  } else {
    await res.body?.cancel();
    throw new GpuPackageError(`The tarball download failed: HTTP ${res.status}.`);
  }
  if (!res.body) throw new GpuPackageError('The server sent no tarball.');
  let received = resumedFrom;
  const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream);
  body.on('data', (b: Buffer) => {
    received += b.length;
    if (received > LIMITS.maxBytes) body.destroy(new GpuPackageError(`The tarball is larger than ${LIMITS.maxBytes} bytes.`));
    o.onProgress?.({ name: o.name, received, total });
  });
  try {
    await pipeline(body, createWriteStream(partial, { flags: resumedFrom ? 'a' : 'w' }), { signal: o.signal });
  } catch (e) {
    if (o.signal.aborted) throw new GpuPackageError('The download was cancelled; it will resume where it stopped.');
    if (e instanceof GpuPackageError) throw e;
    throw new GpuPackageError(`The download broke off after ${received} bytes (${e instanceof Error ? e.message : String(e)}); it will resume where it stopped.`);
  }
  return resumedFrom;
}

async function sha512File(file: string): Promise<string> {
  const h = createHash('sha512');
  for await (const b of createReadStream(file)) h.update(b as Buffer);
  return h.digest('base64');
}
