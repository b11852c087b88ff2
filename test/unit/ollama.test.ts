import * as assert from 'node:assert/strict';
import { discoverOllama } from '../../src/providers/ollama';
import { startOllamaFixtureServer } from '../harness/ollamaServer';

describe('Ollama discovery against its documented responses', () => {
  let server: Awaited<ReturnType<typeof startOllamaFixtureServer>>;
  let base: string;
  let asked: string[];
  before(async () => {
    server = await startOllamaFixtureServer();
    base = server.base;
    asked = server.asked;
  });
  after(() => server.close());

  it('lists installed models with their identity from /api/show, and spots the R1 distills', async () => {
    const inv = await discoverOllama(base, AbortSignal.timeout(5000));
    assert.equal(inv.version, '0.12.6');
    assert.deepEqual(
      inv.models.map((m) => [m.name, m.family, m.parameterSize, m.quantization, m.contextLength, m.r1Distill, m.capabilities.includes('thinking')]),
      [
        ['deepseek-r1:7b', 'qwen2', '7.6B', 'Q4_K_M', 131072, true, true],
        ['deepseek-r1:8b', 'qwen3', '8.2B', 'Q4_K_M', 131072, true, true],
        ['llama3.2:3b', 'llama', '3.2B', 'Q4_K_M', 131072, false, false],
        ['qwen3.6:27b', 'qwen3', '27.3B', 'Q4_K_M', 262144, false, true],
        ['my-qwen3.6-27b-finetune:latest', 'qwen3', '27.3B', 'Q4_K_M', 262144, false, false],
      ],
    );
    assert.deepEqual(asked.slice(0, 3), ['GET /api/version', 'GET /api/tags', 'POST /api/show']);
  });

  it('fails with a clear error when nothing answers', async () => {
    await assert.rejects(discoverOllama('http://127.0.0.1:9', AbortSignal.timeout(5000)), /fetch failed|ECONNREFUSED/);
  });
});
