import { renameSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const OPENMETRICS_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
const TEXT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * Serves `render()` at /metrics on a loopback address: OpenMetrics when the scraper asks for it (as
 * Prometheus does), else the plain text format (without the `# EOF` and `# UNIT` lines it lacks).
 */
export async function serveMetrics(host: string, port: number, render: () => Promise<string>): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Costwise serves /metrics\n');
      return;
    }
    const open = /application\/openmetrics-text/.test(req.headers.accept ?? '');
    render().then(
      (text) => res.writeHead(200, { 'content-type': open ? OPENMETRICS_TYPE : TEXT_TYPE }).end(open ? text : plainText(text)),
      (e: Error) => res.writeHead(503, { 'content-type': 'text/plain' }).end(`Costwise could not read the ledger: ${e.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const a = server.address() as AddressInfo;
  return { server, url: `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}/metrics` };
}

/** The Prometheus text format of the same samples (node_exporter's textfile collector reads this). */
export function plainText(openMetrics: string): string {
  return openMetrics
    .split('\n')
    .filter((l) => !l.startsWith('# UNIT ') && l !== '# EOF')
    .join('\n');
}

/** Writes the file whole (a temporary file renamed over it), so a collector never reads half of it. */
export function writeTextfile(path: string, openMetrics: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, plainText(openMetrics));
  renameSync(tmp, path);
}
