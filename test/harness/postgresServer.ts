/**
 * A real PostgreSQL server for the tests: Debian's `postgresql` package's binaries, a fresh cluster in a
 * temporary folder, listening only on a unix socket inside it (no port, nothing on the network).
 * initdb and postgres refuse to run as root, so as root they run as the `postgres` user the package
 * creates (or `nobody`), through spawn's uid/gid.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './condition';

/** Where the server binaries are: $COSTWISE_PG_BIN, else the newest /usr/lib/postgresql/N/bin. */
export function postgresBinDir(): string {
  const env = process.env.COSTWISE_PG_BIN;
  if (env && existsSync(join(env, 'initdb'))) return env;
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((v) => /^\d+$/.test(v) && existsSync(join(base, v, 'bin', 'initdb'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (!versions.length) {
    throw new Error('PostgreSQL server binaries not found (no /usr/lib/postgresql/N/bin/initdb, COSTWISE_PG_BIN unset): install Debian\'s `postgresql` package (.ci/run does: apt-get install --no-install-recommends postgresql)');
  }
  return join(base, versions[0]!, 'bin');
}

function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
    if (line) {
      const [, , uid, gid] = line.split(':');
      return { uid: Number(uid), gid: Number(gid) };
    }
  }
  throw new Error('running as root and neither a postgres nor a nobody user exists to run PostgreSQL as');
}

export class PostgresServer {
  readonly dir: string;
  readonly data: string;
  private readonly bin = postgresBinDir();
  private readonly user = runAs();
  private child: ChildProcess | undefined;
  private log = '';

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'costwise-pg-'));
    this.data = join(this.dir, 'data');
    if (this.user) chownSync(this.dir, this.user.uid, this.user.gid);
    const r = spawnSync(join(this.bin, 'initdb'), ['-D', this.data, '-U', 'costwise', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-locale'], { encoding: 'utf8', ...(this.user ?? {}) });
    if (r.status !== 0) throw new Error(`initdb failed (${r.status}): ${r.stderr || r.error?.message}`);
  }

  /** Connection URL (unix socket in the temp folder, database `postgres`, user `costwise`). */
  url(database = 'postgres'): string {
    return `postgresql://costwise@localhost/${database}?host=${encodeURIComponent(this.dir)}`;
  }

  async start(): Promise<this> {
    if (this.child) return this;
    this.log = '';
    const child = spawn(join(this.bin, 'postgres'), ['-D', this.data, '-k', this.dir, '-c', "listen_addresses=", '-c', 'fsync=off', '-c', 'max_connections=200', '-c', 'shared_buffers=32MB'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(this.user ?? {}),
    });
    this.child = child;
    child.stdout!.on('data', (b: Buffer) => (this.log += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (this.log += b.toString()));
    const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`postgres exited (${code}) while starting:\n${this.log}`))));
    const isReady = async () => spawnSync(join(this.bin, 'pg_isready'), ['-h', this.dir, '-U', 'costwise', '-d', 'postgres', '-q'], { encoding: 'utf8' }).status === 0;
    const ready = eventually('postgres to accept connections', isReady, { timeoutMs: 60_000, everyMs: 50, detail: () => `\n${this.log}` });
    await Promise.race([ready, exited]);
    child.removeAllListeners('exit');
    return this;
  }

  /** Fast shutdown (SIGINT): clients are disconnected, committed data stays. Resolves when it has exited. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGINT');
    });
  }

  /** Runs SQL with psql and returns its unaligned output (for tests' own checks). */
  psql(sql: string, database = 'postgres'): string {
    const r = spawnSync(join(this.bin, 'psql'), ['-h', this.dir, '-U', 'costwise', '-d', database, '-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
    return r.stdout.trim();
  }

  /** A fresh database for one test. */
  createDatabase(name: string): string {
    this.psql(`CREATE DATABASE ${name}`);
    return this.url(name);
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
