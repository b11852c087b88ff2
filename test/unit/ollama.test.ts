import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { discoverOllama } from '../../src/providers/ollama';
import { FIXTURES } from '../harness/openAIServer';

const fixture = (f: string) => JSON.parse(readFileSync(join(FIXTURES, 'ollama', f), 'utf8')) as Record<string, unknown>;

describe('Ollama discovery against its documented responses', () => {
  let server: Server;
  let base: string;
  const asked: string[] = [];
  before(async () => {
    const show = fixture('show.json');
    server = createServer(async (req, res) => {
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
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('lists installed models with their identity from /api/show, and spots the R1 distills', async () => {
    const inv = await discoverOllama(base, AbortSignal.timeout(5000));
    assert.equal(inv.version, '0.12.6');
    assert.deepEqual(
      inv.models.map((m) => [m.name, m.family, m.parameterSize, m.quantization, m.contextLength, m.r1Distill, m.capabilities.includes('thinking')]),
      [
        ['deepseek-r1:7b', 'qwen2', '7.6B', 'Q4_K_M', 131072, true, true],
        ['deepseek-r1:8b', 'qwen3', '8.2B', 'Q4_K_M', 131072, true, true],
        ['llama3.2:3b', 'llama', '3.2B', 'Q4_K_M', 131072, false, false],
      ],
    );
    assert.deepEqual(asked.slice(0, 3), ['GET /api/version', 'GET /api/tags', 'POST /api/show']);
  });

  it('fails with a clear error when nothing answers', async () => {
    await assert.rejects(discoverOllama('http://127.0.0.1:9', AbortSignal.timeout(5000)), /fetch failed|ECONNREFUSED/);
  });
});
