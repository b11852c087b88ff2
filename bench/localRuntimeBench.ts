import { join } from 'node:path';
import { formatUsd } from '../src/core/money';
import { curatedCatalog } from '../src/node/priceBook';
import { DEFAULT_ENERGY, energyPer1kTokens } from '../src/core/pricing/energy';
import { EmbeddedProvider } from '../src/runtime/embeddedProvider';
import { EmbeddedRuntime } from '../src/runtime/embeddedRuntime';
import { tinyModels } from '../test/harness/testModels';
import { table } from './table';

const DECODE_TOKENS = 48;
const PROMPT = 'Explain what this function does:\nfunction median(xs) { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; }';

interface Row {
  path: string;
  threads: number;
  loadMs: number;
  decodeTps: number;
}

/** node-llama-cpp used directly: load, evaluate the prompt, then decode a fixed number of tokens. */
async function direct(modelPath: string, threads: number): Promise<Row> {
  const lib = (await import('node-llama-cpp')) as unknown as {
    getLlama(o: object): Promise<{ loadModel(o: object): Promise<Model>; dispose(): Promise<void> }>;
  };
  interface Model {
    tokenize(t: string): number[];
    createContext(o: object): Promise<{ getSequence(): { evaluate(tokens: number[], o?: object): AsyncGenerator<number> }; dispose(): Promise<void> }>;
    dispose(): Promise<void>;
  }
  const llama = await lib.getLlama({ gpu: false, build: 'never', logLevel: 'error', maxThreads: threads });
  const t0 = performance.now();
  const model = await llama.loadModel({ modelPath });
  const ctx = await model.createContext({ contextSize: 1024, threads, sequences: 1 });
  const loadMs = performance.now() - t0;
  const seq = ctx.getSequence();
  let n = 0;
  let firstAt = 0;
  for await (const _ of seq.evaluate(model.tokenize(PROMPT), { temperature: 0 })) {
    if (++n === 1) firstAt = performance.now();
    if (n > DECODE_TOKENS) break;
  }
  const decodeTps = (DECODE_TOKENS * 1000) / (performance.now() - firstAt);
  await ctx.dispose();
  await model.dispose();
  await llama.dispose();
  return { path: 'node-llama-cpp, in process', threads, loadMs, decodeTps };
}

/** Costwise's embedded runtime: child process, loopback HTTP + SSE, the OpenAI-compatible client. */
async function embedded(modelPath: string, threads: number): Promise<Row> {
  const runtime = new EmbeddedRuntime({ entry: join(__dirname, '..', 'src', 'runtime', 'childMain.js'), modelPath, threads, contextSize: 1024, idleMs: 60_000 });
  let loadMs = 0;
  const t0 = performance.now();
  const lease = await runtime.acquire();
  loadMs = performance.now() - t0;
  lease.release();
  let firstAt = 0;
  let chunks = 0;
  let outputTokens = 0;
  for await (const e of new EmbeddedProvider(runtime).stream({ model: 'x', messages: [{ role: 'user', content: PROMPT }], maxOutputTokens: DECODE_TOKENS + 1 }, new AbortController().signal)) {
    if ((e.type === 'text' || e.type === 'reasoning') && chunks++ === 0) firstAt = performance.now();
    if (e.type === 'usage') outputTokens = e.usage.outputTokens;
    if (e.type === 'error') throw e.error;
  }
  const decodeTps = ((outputTokens - 1) * 1000) / (performance.now() - firstAt);
  await runtime.stop();
  return { path: 'Costwise embedded runtime (child, HTTP, client)', threads, loadMs, decodeTps };
}

/**
 * The embedded runtime on a random-weight model of the real DeepSeek-R1-Distill-Qwen-1.5B shape (Q4_0,
 * ~1 GB, written on demand): load time and decode speed on one thread, directly and through Costwise's
 * child process, and what local tokens cost in energy next to the cheapest cloud R1.
 */
export async function benchLocalRuntime(): Promise<void> {
  const { ensureTestModel } = await tinyModels();
  const cache = process.env.COSTWISE_TOOLS_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(process.env.HOME ?? '/tmp', '.cache'), 'costwise-tools');
  const t = performance.now();
  const modelPath = ensureTestModel('r1-1.5b', join(cache, 'models'));
  const writeMs = performance.now() - t;
  const rows: Row[] = [await direct(modelPath, 1), await embedded(modelPath, 1), await direct(modelPath, 2)];
  table(`Local runtime: R1-Distill-Qwen-1.5B shape (random Q4_0 weights, ${DECODE_TOKENS} tokens decoded; model file ready in ${(writeMs / 1000).toFixed(1)} s)`, rows.map((r) => ({
    path: r.path,
    threads: r.threads,
    'load ms': Math.round(r.loadMs),
    'decode tok/s': Number(r.decodeTps.toFixed(2)),
  })));
  const oneThread = rows[1]!.decodeTps;
  const catalog = curatedCatalog();
  const now = new Date();
  const per1kOut = (model: string) => Math.round((catalog.lookup(model, now)!.prices.output * 1000) / 1_000_000);
  const energy = energyPer1kTokens(oneThread, DEFAULT_ENERGY);
  table(`Cost of 1,000 output tokens (local at ${DEFAULT_ENERGY.watts} W and $${DEFAULT_ENERGY.usdPerKwh}/kWh, the defaults, at the measured ${oneThread.toFixed(2)} tok/s)`, [
    { model: 'R1-Distill-Qwen-1.5B, embedded, 1 thread (energy)', cost: formatUsd(energy), 'micro-USD': energy },
    { model: 'deepseek-reasoner (list price, output)', cost: formatUsd(per1kOut('deepseek-reasoner')), 'micro-USD': per1kOut('deepseek-reasoner') },
    { model: 'o4-mini (list price, output)', cost: formatUsd(per1kOut('o4-mini')), 'micro-USD': per1kOut('o4-mini') },
  ]);
}
