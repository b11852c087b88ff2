import { appendFileSync, closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLedgerLine, type LedgerRecord } from '../core/ledger/records';

/**
 * Records the team ledger could not take yet (the database was away), kept on this machine until they
 * are uploaded. One append-only JSON Lines file plus the byte offset up to which it was uploaded; the
 * offset only moves forward and is written after the upload committed, so a crash in between uploads
 * the same records again, which the database's one-reservation/one-closing-record indexes make a no-op.
 */
export class LedgerOutbox {
  readonly file: string;
  private readonly offsetFile: string;

  constructor(readonly dir: string) {
    this.file = join(dir, 'pending.jsonl');
    this.offsetFile = join(dir, 'uploaded-offset');
  }

  /** Appends records with one write (O_APPEND: writers on this machine never interleave within it). */
  add(records: readonly LedgerRecord[]): void {
    if (!records.length) return;
    mkdirSync(this.dir, { recursive: true });
    appendFileSync(this.file, records.map((r) => JSON.stringify(r) + '\n').join(''), { mode: 0o600 });
  }

  /** Records not uploaded yet, and the offset that marks them uploaded once the upload committed. */
  pending(): { records: LedgerRecord[]; end: number } {
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], end: 0 };
      throw e;
    }
    let buf: Buffer;
    let from: number;
    try {
      // Only what follows the uploaded offset is read: the file keeps what was uploaded, for the record.
      const size = fstatSync(fd).size;
      from = Math.min(this.uploadedOffset(), size);
      buf = Buffer.alloc(size - from);
      let got = 0;
      while (got < buf.length) {
        const n = readSync(fd, buf, got, buf.length - got, from + got);
        if (n === 0) break;
        got += n;
      }
    } finally {
      closeSync(fd);
    }
    const end = buf.lastIndexOf(0x0a) + 1; // a torn last line (a crash mid-write) waits
    if (end === 0) return { records: [], end: from };
    const records: LedgerRecord[] = [];
    for (const line of buf.toString('utf8', 0, end).split('\n')) {
      if (!line.trim()) continue;
      const parsed = parseLedgerLine(line);
      if (parsed.ok) records.push(parsed.record);
    }
    return { records, end: from + end };
  }

  /** Marks everything before `end` uploaded (never moves back). */
  markUploaded(end: number): void {
    if (end <= this.uploadedOffset()) return;
    const tmp = `${this.offsetFile}.${process.pid}.tmp`;
    writeFileSync(tmp, String(end));
    renameSync(tmp, this.offsetFile);
  }

  private uploadedOffset(): number {
    try {
      const n = Number(readFileSync(this.offsetFile, 'utf8'));
      return Number.isSafeInteger(n) && n > 0 ? n : 0;
    } catch {
      return 0;
    }
  }
}
