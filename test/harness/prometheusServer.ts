/**
 * A real Prometheus (Debian's `prometheus` package) for the tests: its own config and data folder in
 * a temp dir, its web API on a loopback port, scraping the given targets every second.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './condition';

export function prometheusBinary(): string {
  const p = process.env.COSTWISE_PROMETHEUS || '/usr/bin/prometheus';
  if (!existsSync(p)) throw new Error(`Prometheus not found at ${p}: install Debian's \`prometheus\` package (.ci/run does) or set COSTWISE_PROMETHEUS`);
  return p;
}

/** A free loopback port (the kernel's pick, released for the server to take). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export class PrometheusServer {
  private readonly dir = mkdtempSync(join(tmpdir(), 'costwise-prom-'));
  private child: ChildProcess | undefined;
  private log = '';
  port = 0;

  async start(targets: string[]): Promise<this> {
    writeFileSync(
      join(this.dir, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\n  scrape_timeout: 900ms\nscrape_configs:\n  - job_name: costwise\n    static_configs:\n      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]\n`,
    );
    this.port = await freePort();
    const child = spawn(prometheusBinary(), [`--config.file=${join(this.dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(this.dir, 'data')}`, `--web.listen-address=127.0.0.1:${this.port}`, '--log.level=warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout!.on('data', (b: Buffer) => (this.log += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (this.log += b.toString()));
    await eventually('prometheus ready', async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}):\n${this.log}`);
      return fetch(`http://127.0.0.1:${this.port}/-/ready`).then((r) => r.ok, () => false);
    }, { timeoutMs: 60_000, everyMs: 100, detail: () => this.log });
    return this;
  }

  /** An instant query through the HTTP API: the vector's samples as { labels, value }. */
  async query(promql: string): Promise<Array<{ metric: Record<string, string>; value: number }>> {
    const r = await fetch(`http://127.0.0.1:${this.port}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await r.json()) as { status: string; error?: string; data?: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
    if (body.status !== 'success') throw new Error(`query ${promql} failed: ${body.error}`);
    return body.data!.result.map((s) => ({ metric: s.metric, value: Number(s.value[1]) }));
  }

  /** Targets as Prometheus sees them (health, last error). */
  async targets(): Promise<Array<{ health: string; lastError: string; scrapeUrl: string }>> {
    const r = await fetch(`http://127.0.0.1:${this.port}/api/v1/targets`);
    return ((await r.json()) as { data: { activeTargets: Array<{ health: string; lastError: string; scrapeUrl: string }> } }).data.activeTargets;
  }

  async dispose(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
