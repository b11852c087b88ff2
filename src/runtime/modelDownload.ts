import { createWriteStream } from 'node:fs';
import { rename, rm, stat, truncate } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { readGgufInfo, type GgufInfo } from './ggufInfo';

export interface DownloadOptions {
  url: string;
  /** Where the finished file goes; the download grows in `${dest}.partial` and resumes from there. */
  dest: string;
  /** Expected size, bytes: a server offering something more than 10% off is refused before the transfer. */
  expectedBytes?: number;
  /** Expected GGUF architecture (qwen2, llama). */
  expectedArchitecture?: string;
  signal: AbortSignal;
  onProgress?: (p: { received: number; total: number | undefined }) => void;
  fetch?: typeof fetch;
}

export class DownloadError extends Error {}

function isLoopbackHttp(u: URL): boolean {
  return u.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(u.hostname);
}

/** Checks a finished file: a whole GGUF header, the expected architecture, the size the server announced. */
export async function verifyGguf(file: string, o: { expectedArchitecture?: string; expectedBytes?: number } = {}): Promise<GgufInfo> {
  let info: GgufInfo;
  try {
    info = await readGgufInfo(file);
  } catch (e) {
    throw new DownloadError(`The downloaded file is not a usable model: ${e instanceof Error ? e.message : String(e)}.`);
  }
  const arch = info.metadata['general.architecture'];
  if (o.expectedArchitecture && arch !== o.expectedArchitecture) throw new DownloadError(`The downloaded model is a ${String(arch)} model, not the expected ${o.expectedArchitecture}.`);
  if (o.expectedBytes !== undefined) {
    const size = (await stat(file)).size;
    if (size !== o.expectedBytes) throw new DownloadError(`The downloaded file is ${size} bytes; the server announced ${o.expectedBytes}.`);
  }
  if (!info.tensorCount) throw new DownloadError('The downloaded model has no tensors.');
  return info;
}

/**
 * Downloads a model over HTTPS (or loopback HTTP), resuming an interrupted download with a Range
 * request, reporting progress, stopping promptly when cancelled (the partial file stays for next time),
 * and verifying the file before it takes its final name.
 */
export async function downloadModel(o: DownloadOptions): Promise<{ file: string; bytes: number; resumedFrom: number; info: GgufInfo }> {
  const u = new URL(o.url);
  if (u.protocol !== 'https:' && !isLoopbackHttp(u)) throw new DownloadError(`Refusing to download a model over ${u.protocol} from ${u.host}: HTTPS only.`);
  const partial = `${o.dest}.partial`;
  const have = await stat(partial).then((s) => s.size, () => 0);
  const res = await (o.fetch ?? fetch)(o.url, { signal: o.signal, headers: have ? { range: `bytes=${have}-` } : {}, redirect: 'follow' });
  let resumedFrom = 0;
  let total: number | undefined;
  const length = Number(res.headers.get('content-length') ?? NaN);
  if (res.status === 206) {
    const m = /bytes (\d+)-\d+\/(\d+|\*)/.exec(res.headers.get('content-range') ?? '');
    if (!m || Number(m[1]) !== have) throw new DownloadError('The server resumed the download at the wrong place.');
    resumedFrom = have;
    total = m[2] === '*' ? undefined : Number(m[2]);
  } else if (res.status === 416 && have) {
    total = have; // already whole
  } else if (res.ok) {
    if (have) await truncate(partial, 0); // the server ignored the Range: start again
    total = Number.isFinite(length) ? length : undefined;
  } else {
    throw new DownloadError(`The download failed: HTTP ${res.status} from ${u.host}.`);
  }
  if (o.expectedBytes && total !== undefined && Math.abs(total - o.expectedBytes) > o.expectedBytes * 0.1) {
    await res.body?.cancel();
    throw new DownloadError(`The server offers ${total} bytes, but this model should be about ${o.expectedBytes}: refusing it.`);
  }
  let received = resumedFrom;
  if (res.status !== 416 && res.body) {
    const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream);
    body.on('data', (b: Buffer) => {
      received += b.length;
      o.onProgress?.({ received, total });
    });
    try {
      await pipeline(body, createWriteStream(partial, { flags: resumedFrom ? 'a' : 'w' }), { signal: o.signal });
    } catch (e) {
      if (o.signal.aborted) throw new DownloadError('The download was cancelled; it will resume where it stopped.');
      throw new DownloadError(`The download broke off after ${received} bytes (${e instanceof Error ? e.message : String(e)}); it will resume where it stopped.`);
    }
  }
  let info: GgufInfo;
  try {
    info = await verifyGguf(partial, { ...(o.expectedArchitecture ? { expectedArchitecture: o.expectedArchitecture } : {}), ...(total !== undefined ? { expectedBytes: total } : {}) });
  } catch (e) {
    await rm(partial, { force: true }); // a bad file must not be resumed into
    throw e;
  }
  await rename(partial, o.dest);
  return { file: o.dest, bytes: (await stat(o.dest)).size, resumedFrom, info };
}
