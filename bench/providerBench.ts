import { OpenAICompatibleProvider } from '../src/providers/openAICompatible';
import { streamingServer } from './streamingServer';
import { percentile, table } from './table';


const messages = [{ role: 'user' as const, content: 'explain' }];

export async function benchProviders(): Promise<void> {
  const { default: OpenAI } = await import('openai');
  const short = await streamingServer({ chunks: 20, model: 'bench', promptTokens: 10, finishChunk: true });
  const long = await streamingServer({ chunks: 20_000, model: 'bench', promptTokens: 10, finishChunk: true });
  try {
    const raw = new OpenAI({ apiKey: 'k', baseURL: short.url, maxRetries: 0 });
    const ours = new OpenAICompatibleProvider({ id: 'b', baseUrl: short.url, apiKey: 'k' });
    const rawTtft = async () => {
      const t = performance.now();
      const s = await raw.chat.completions.create({ model: 'bench', messages, stream: true, stream_options: { include_usage: true } });
      let first = 0;
      for await (const c of s) if (!first && c.choices[0]?.delta?.content) first = performance.now() - t;
      return first;
    };
    const oursTtft = async () => {
      const t = performance.now();
      let first = 0;
      for await (const e of ours.stream({ model: 'bench', messages, maxOutputTokens: 100 }, new AbortController().signal)) if (!first && e.type === 'text') first = performance.now() - t;
      return first;
    };
    for (let i = 0; i < 30; i++) await rawTtft(), await oursTtft(); // warm up both
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < 200; i++) {
      a.push(await rawTtft());
      b.push(await oursTtft());
    }
    table('Time to first token against a local streaming server (200 runs each, interleaved)', [
      { client: 'raw openai SDK', 'p50 ms': percentile(a, 50), 'p90 ms': percentile(a, 90) },
      { client: 'Costwise OpenAICompatibleProvider', 'p50 ms': percentile(b, 50), 'p90 ms': percentile(b, 90) },
      { client: 'added by Costwise', 'p50 ms': percentile(b, 50) - percentile(a, 50), 'p90 ms': percentile(b, 90) - percentile(a, 90) },
    ]);

    const rawLong = new OpenAI({ apiKey: 'k', baseURL: long.url, maxRetries: 0 });
    const oursLong = new OpenAICompatibleProvider({ id: 'b', baseUrl: long.url, apiKey: 'k' });
    const t1 = performance.now();
    let n1 = 0;
    for await (const c of await rawLong.chat.completions.create({ model: 'bench', messages, stream: true })) if (c.choices[0]?.delta?.content) n1++;
    const rawMs = performance.now() - t1;
    const t2 = performance.now();
    let n2 = 0;
    for await (const e of oursLong.stream({ model: 'bench', messages, maxOutputTokens: 100 }, new AbortController().signal)) if (e.type === 'text') n2++;
    const oursMs = performance.now() - t2;
    table('Chunk throughput: one stream of 20,000 content chunks', [
      { client: 'raw openai SDK', chunks: n1, ms: rawMs, 'chunks/s': Math.round((n1 / rawMs) * 1000) },
      { client: 'Costwise OpenAICompatibleProvider', chunks: n2, ms: oursMs, 'chunks/s': Math.round((n2 / oursMs) * 1000) },
    ]);
  } finally {
    await short.close();
    await long.close();
  }
}
