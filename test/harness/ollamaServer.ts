import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { FIXTURES } from './openAIServer';

const fixture = (f: string) => JSON.parse(readFileSync(join(FIXTURES, 'ollama', f), 'utf8')) as Record<string, unknown>;

/** Serves Ollama's documented /api/version, /api/tags and /api/show responses (test/fixtures/ollama) on loopback. */
export async function startOllamaFixtureServer(port = 0): Promise<{ base: string; asked: string[]; close(): Promise<void> }> {
  const show = fixture('show.json');
  const asked: string[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    asked.push(`${req.method} ${req.url}`);
    const send = (o: unknown, status = 200) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(o));
    };
    if (req.url === '/api/version') return send(fixture('version.json'));
    if (req.url === '/api/tags') return send(fixture('tags.json'));
    if (req.url === '/api/show' && req.method === 'POST') {
      const { model } = JSON.parse(Buffer.concat(chunks).toString()) as { model: string };
      return show[model] ? send(show[model]) : send({ error: `model '${model}' not found` }, 404);
    }
    send({ error: 'not found' }, 404);
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    asked,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
