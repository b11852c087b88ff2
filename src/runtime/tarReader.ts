import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { createReadStream } from 'node:fs';

export class TarError extends Error {}

export interface ExtractLimits {
  /** Refuse an archive whose files add up to more than this. */
  maxBytes: number;
  maxEntries: number;
}

/**
 * Extracts an npm package tarball (.tgz) into `dest`, stripping the leading `package/`. Only regular files
 * and directories are written: links, devices and FIFOs, absolute or `..` paths, names outside
 * `package/`, and archives past the limits are refused with the entry named. PAX and GNU long names are
 * read. A refused archive leaves what it wrote in `dest`, which the caller removes (it extracts to a
 * temporary folder).
 */
export async function extractNpmTarball(tgz: string, dest: string, limits: ExtractLimits): Promise<{ files: number; bytes: number }> {
  const gunzip = createReadStream(tgz).pipe(createGunzip());
  let buf: Buffer = Buffer.alloc(0);
  let entry: { path: string; left: number; pad: number; fh?: FileHandle; kind: 'file' | 'meta'; meta: Buffer[] } | undefined;
  let longName: string | undefined;
  let files = 0;
  let bytes = 0;
  let entries = 0;
  let ended = false;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      for (;;) {
        if (ended) break;
        if (entry) {
          if (entry.left > 0) {
            if (!buf.length) break;
            const take = buf.subarray(0, Math.min(entry.left, buf.length));
            if (entry.fh) await entry.fh.write(take);
            else entry.meta.push(Buffer.from(take));
            entry.left -= take.length;
            buf = buf.subarray(take.length);
            if (entry.left > 0) break;
          }
          if (buf.length < entry.pad) break;
          buf = buf.subarray(entry.pad);
          await entry.fh?.close();
          if (entry.kind === 'meta') longName = metaName(entry.path, Buffer.concat(entry.meta));
          entry = undefined;
          continue;
        }
        if (buf.length < 512) break;
        const h = buf.subarray(0, 512);
        buf = buf.subarray(512);
        if (h.every((b) => b === 0)) {
          ended = true;
          break;
        }
        checkSum(h);
        if (++entries > limits.maxEntries) throw new TarError(`The archive has more than ${limits.maxEntries} entries.`);
        const type = String.fromCharCode(h[156] || 48);
        const size = octal(h.subarray(124, 136), 'size');
        const pad = (512 - (size % 512)) % 512;
        const ustarPrefix = h.subarray(257, 263).toString('latin1').startsWith('ustar') ? cstr(h.subarray(345, 500)) : '';
        const rawName = longName ?? (ustarPrefix ? `${ustarPrefix}/${cstr(h.subarray(0, 100))}` : cstr(h.subarray(0, 100)));
        longName = undefined;
        if (type === 'x' || type === 'L') {
          if (size > 65536) throw new TarError(`A ${type === 'x' ? 'PAX' : 'long-name'} header of ${size} bytes is not plausible.`);
          entry = { path: type, left: size, pad, kind: 'meta', meta: [] };
          continue;
        }
        if (type === 'g') {
          entry = { path: 'g', left: size, pad, kind: 'meta', meta: [] };
          continue;
        }
        const rel = safeRelative(rawName);
        if (type === '5') {
          if (rel) await mkdir(join(dest, rel), { recursive: true });
          entry = { path: rawName, left: size, pad, kind: 'meta', meta: [] };
          continue;
        }
        if (type !== '0' && type !== '7') throw new TarError(`The archive entry ${JSON.stringify(rawName)} is a ${typeName(type)}; only files and folders are accepted.`);
        if (!rel) throw new TarError(`The archive entry ${JSON.stringify(rawName)} has no file name.`);
        bytes += size;
        if (bytes > limits.maxBytes) throw new TarError(`The archive unpacks to more than ${limits.maxBytes} bytes.`);
        await mkdir(dirname(join(dest, rel)), { recursive: true });
        const fh = await open(join(dest, rel), 'wx', 0o644);
        files++;
        entry = { path: rawName, left: size, pad, fh, kind: 'file', meta: [] };
      }
    }
  } catch (e) {
    gunzip.destroy();
    await entry?.fh?.close().catch(() => undefined);
    throw e;
  }
  if (entry?.fh) await entry.fh.close();
  if (entry || !ended) throw new TarError('The archive ends in the middle of an entry.');
  return { files, bytes };
}

function metaName(kind: string, body: Buffer): string | undefined {
  if (kind === 'L') return cstr(body);
  if (kind !== 'x') return undefined;
  // PAX records: "<len> key=value\n"
  let i = 0;
  let path: string | undefined;
  while (i < body.length) {
    const sp = body.indexOf(0x20, i);
    const len = Number(body.subarray(i, sp).toString('latin1'));
    if (sp < 0 || !Number.isInteger(len) || len <= 0 || i + len > body.length) throw new TarError('A PAX header is malformed.');
    const rec = body.subarray(sp + 1, i + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    if (rec.slice(0, eq) === 'path') path = rec.slice(eq + 1);
    if (rec.slice(0, eq) === 'linkpath') throw new TarError('The archive carries a link (PAX linkpath); links are not accepted.');
    i += len;
  }
  return path;
}

/** `package/a/b` → `a/b`; anything escaping, absolute or outside `package/` is refused. */
function safeRelative(name: string): string {
  if (name.includes('\0') || name.includes('\\')) throw new TarError(`The archive entry ${JSON.stringify(name)} has a forbidden character.`);
  if (name.startsWith('/')) throw new TarError(`The archive entry ${JSON.stringify(name)} is an absolute path.`);
  const parts = name.split('/').filter((p) => p && p !== '.');
  if (parts.includes('..')) throw new TarError(`The archive entry ${JSON.stringify(name)} climbs out of the package (..).`);
  if (parts[0] !== 'package') throw new TarError(`The archive entry ${JSON.stringify(name)} is outside package/.`);
  return parts.slice(1).join('/');
}

function cstr(b: Buffer): string {
  const z = b.indexOf(0);
  return b.subarray(0, z < 0 ? b.length : z).toString('utf8');
}

function octal(b: Buffer, what: string): number {
  if (b[0]! & 0x80) throw new TarError(`The archive uses a binary ${what} field (over 8 GB entries are not accepted).`);
  const s = cstr(b).trim();
  if (!/^[0-7]*$/.test(s)) throw new TarError(`The archive's ${what} field ${JSON.stringify(s)} is not octal.`);
  return s ? parseInt(s, 8) : 0;
}

function checkSum(h: Buffer): void {
  const want = octal(h.subarray(148, 156), 'checksum');
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  if (sum !== want) throw new TarError('The archive has a corrupt header (checksum mismatch).');
}

function typeName(t: string): string {
  return ({ '1': 'hard link', '2': 'symbolic link', '3': 'character device', '4': 'block device', '6': 'FIFO' } as Record<string, string>)[t] ?? `entry of type ${JSON.stringify(t)}`;
}
