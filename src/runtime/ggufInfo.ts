import { open } from 'node:fs/promises';

/** What a GGUF file says about itself (header and scalar metadata; arrays are counted, not kept). */
export interface GgufInfo {
  version: number;
  tensorCount: number;
  metadata: Record<string, string | number | boolean | bigint>;
  arrayLengths: Record<string, number>;
}

export class GgufError extends Error {}

const SCALAR_SIZE: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

/**
 * Reads the header and metadata of a GGUF file (v2/v3), without loading tensors. Throws GgufError with
 * a specific reason for anything that is not a whole, well-formed GGUF header.
 */
export async function readGgufInfo(path: string, maxHeaderBytes = 64 * 1024 * 1024): Promise<GgufInfo> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const buf = Buffer.alloc(Math.min(size, maxHeaderBytes));
    await fh.read(buf, 0, buf.length, 0);
    return parseGgufHeader(buf);
  } finally {
    await fh.close();
  }
}

export function parseGgufHeader(buf: Buffer): GgufInfo {
  let at = 0;
  const need = (n: number) => {
    if (at + n > buf.length) throw new GgufError('the file ends inside its GGUF header (an incomplete download?)');
  };
  const u32 = () => (need(4), (at += 4), buf.readUInt32LE(at - 4));
  const u64 = () => (need(8), (at += 8), buf.readBigUInt64LE(at - 8));
  const str = () => {
    const n = Number(u64());
    if (n > 1 << 20) throw new GgufError('a GGUF string is implausibly long: the file is damaged');
    need(n);
    at += n;
    return buf.toString('utf8', at - n, at);
  };
  const scalar = (t: number): string | number | boolean | bigint => {
    if (t === 8) return str();
    const n = SCALAR_SIZE[t];
    if (n === undefined) throw new GgufError(`unknown GGUF value type ${t}`);
    need(n);
    at += n;
    const p = at - n;
    switch (t) {
      case 0: return buf.readUInt8(p);
      case 1: return buf.readInt8(p);
      case 2: return buf.readUInt16LE(p);
      case 3: return buf.readInt16LE(p);
      case 4: return buf.readUInt32LE(p);
      case 5: return buf.readInt32LE(p);
      case 6: return buf.readFloatLE(p);
      case 7: return buf.readUInt8(p) !== 0;
      case 10: return buf.readBigUInt64LE(p);
      case 11: return buf.readBigInt64LE(p);
      default: return buf.readDoubleLE(p);
    }
  };
  need(4);
  if (buf.toString('latin1', 0, 4) !== 'GGUF') throw new GgufError('not a GGUF file (its first bytes are not "GGUF")');
  at = 4;
  const version = u32();
  if (version !== 2 && version !== 3) throw new GgufError(`GGUF version ${version} is not supported (2 or 3)`);
  const tensorCount = Number(u64());
  const kvCount = Number(u64());
  if (kvCount > 100_000) throw new GgufError('the GGUF header claims an implausible number of entries: the file is damaged');
  const metadata: GgufInfo['metadata'] = {};
  const arrayLengths: GgufInfo['arrayLengths'] = {};
  for (let i = 0; i < kvCount; i++) {
    const key = str();
    const t = u32();
    if (t === 9) {
      const el = u32();
      const n = Number(u64());
      arrayLengths[key] = n;
      if (el === 8) for (let k = 0; k < n; k++) str();
      else {
        const size = SCALAR_SIZE[el];
        if (size === undefined) throw new GgufError(`unknown GGUF array type ${el}`);
        need(size * n);
        at += size * n;
      }
    } else metadata[key] = scalar(t);
  }
  return { version, tensorCount, metadata, arrayLengths };
}
