// A real HTTP server on 127.0.0.1 that speaks the npm registry's wire format for what Costwise uses:
// GET /<scoped%2fname> answers a packument; GET /tarballs/<file> answers the tarball, honouring Range.
// Tests build the tarballs themselves (makeTarball) and can make the server misbehave on purpose.
import { createHash } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

export interface TarEntry {
  name: string;
  /** '0' file (default), '5' folder, '2' symlink, '1' hard link, 'x' PAX header. */
  type?: string;
  body?: string | Buffer;
  linkname?: string;
  /** Claim this size in the header instead of the body's. */
  claimedSize?: number;
}

function header(e: TarEntry, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(e.name.slice(0, 100), 0, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write(e.type ?? '0', 156);
  if (e.linkname) h.write(e.linkname, 157);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

/** A gzipped ustar archive of the entries. */
export function makeTarball(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.from(e.body ?? '');
    parts.push(header(e, e.claimedSize ?? body.length), body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(parts));
}

/** A package tarball with package.json and dist/index.js as node-llama-cpp's binary packages have. */
export function packageTarball(name: string, version: string, indexJs: string, extra: TarEntry[] = []): Buffer {
  return makeTarball([
    { name: 'package/package.json', body: JSON.stringify({ name, version, type: 'module', main: 'dist/index.js', exports: { '.': { import: './dist/index.js' } } }) },
    { name: 'package/dist/index.js', body: indexJs },
    ...extra,
  ]);
}

export const sriOf = (b: Buffer) => `sha512-${createHash('sha512').update(b).digest('base64')}`;

export interface Published {
  name: string;
  version: string;
  tarball: Buffer;
  /** Published integrity; defaults to the tarball's own. */
  integrity?: string;
}

export interface LoopbackRegistry {
  url: string;
  /** Each request's path and Range header, in order. */
  requests: Array<{ path: string; range?: string }>;
  /** Send only this many bytes of the next tarball response, then hold the connection open. */
  stallAfter?: number;
  close(): Promise<void>;
}

export async function startLoopbackRegistry(published: Published[]): Promise<LoopbackRegistry> {
  const open = new Set<ServerResponse>();
  const reg: LoopbackRegistry = { url: '', requests: [], close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(req.url ?? '/');
    reg.requests.push({ path, ...(req.headers.range ? { range: req.headers.range } : {}) });
    const pkg = published.find((p) => path === `/${p.name}`);
    if (pkg) {
      const body = JSON.stringify({
        name: pkg.name,
        'dist-tags': { latest: pkg.version },
        versions: { [pkg.version]: { name: pkg.name, version: pkg.version, dist: { tarball: `${reg.url}/tarballs/${pkg.name.replace('/', '-')}-${pkg.version}.tgz`, integrity: pkg.integrity ?? sriOf(pkg.tarball), unpackedSize: 1234 } } },
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      return;
    }
    const tar = published.find((p) => path === `/tarballs/${p.name.replace('/', '-')}-${p.version}.tgz`)?.tarball;
    if (!tar) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const from = m ? Number(m[1]) : 0;
    if (from >= tar.length && m) return void res.writeHead(416, { 'content-range': `bytes */${tar.length}` }).end();
    const slice = tar.subarray(from);
    res.writeHead(m ? 206 : 200, { 'content-type': 'application/octet-stream', 'content-length': slice.length, ...(m ? { 'content-range': `bytes ${from}-${tar.length - 1}/${tar.length}` } : {}) });
    if (reg.stallAfter !== undefined) {
      const n = reg.stallAfter;
      reg.stallAfter = undefined;
      open.add(res);
      res.on('close', () => open.delete(res));
      res.write(slice.subarray(0, n));
      return; // held open until the client gives up or the server closes
    }
    res.end(slice);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  reg.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  reg.close = () =>
    new Promise<void>((resolve) => {
      for (const r of open) r.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return reg;
}
