import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local OpenAI-format streaming server for benchmarks: `chunks` content deltas, then the usage chunk, as
 * fast as the socket takes them.
 */
export async function streamingServer(o: { chunks: number; model: string; promptTokens: number; finishChunk?: boolean }) {
  const chunk = (delta: object, extra: object = {}) => `data: ${JSON.stringify({ id: 'b', object: 'chat.completion.chunk', created: 1, model: o.model, choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;
  const body =
    [chunk({ role: 'assistant', content: '' }), ...Array.from({ length: o.chunks }, (_, i) => chunk({ content: `tok${i} ` }))].join('') +
    (o.finishChunk ? `data: ${JSON.stringify({ id: 'b', object: 'chat.completion.chunk', created: 1, model: o.model, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n` : '') +
    `data: ${JSON.stringify({ id: 'b', object: 'chat.completion.chunk', created: 1, model: o.model, choices: [], usage: { prompt_tokens: o.promptTokens, completion_tokens: o.chunks, total_tokens: o.promptTokens + o.chunks } })}\n\ndata: [DONE]\n\n`;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, close: () => new Promise<void>((r) => server.close(() => r())) };
}
