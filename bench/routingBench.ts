import { curatedCatalog } from '../src/node/priceBook';
import { buildCandidates } from '../src/core/routing/registry';
import { route, UNRESTRICTED } from '../src/core/routing/router';
import { DEFAULT_TIERS } from '../src/core/routing/tiers';
import { TokenEstimator } from '../src/core/tokens/tokenEstimator';
import { loadO200k } from '../src/node/gptTokenizer';
import { percentile, table } from './table';

/** 30 candidates (the catalog's remote models plus local distills) and a ~2,000-token selection. */
export async function benchRouting(): Promise<void> {
  const estimator = new TokenEstimator(await loadO200k());
  const catalog = curatedCatalog();
  const providers = (['openai', 'deepseek', 'anthropic', 'gemini'] as const).map((provider) => ({ provider, endpoint: provider, enabled: true, keyPresent: true, reachable: true, latencyMs: 100 }));
  const locals = ['1.5b', '7b', '8b', '14b', '32b', '70b', '1.5b-q8', '7b-q8', '8b-q8', '14b-q8', '32b-q8', '70b-q8'].map((size) => ({
    model: `deepseek-r1:${size}`,
    endpoint: 'local',
    contextWindow: 32_768,
    maxOutput: 8_192,
    reachable: true,
    costPer1kTokens: 40,
    qualityKey: `r1-distill-qwen-${size.replace(/-q8$/, '')}`,
  }));
  const candidates = buildCandidates(catalog, new Date(), providers, locals);
  let selection = '';
  for (let i = 0; estimator.count(selection) < 2_000; i++) selection += `function f${i}(a, b) {\n  const s = a + b * ${i};\n  return s > ${i} ? s : -s;\n}\n`;
  const decideOnce = (text: string) =>
    route(candidates, {
      task: 'explain',
      at: new Date(),
      tier: 'standard',
      thresholds: DEFAULT_TIERS,
      promptTokens: (c) => estimator.prompt(text, c.model, c.provider).calibrated,
      expectedOutput: (c) => estimator.output.expected('explain', c.model, c.reasoning, c.maxOutput),
      maxOutputTokens: 4096,
      ...UNRESTRICTED,
    });
  for (let i = 0; i < 200; i++) decideOnce(selection);
  const times: number[] = [];
  for (let i = 0; i < 1000; i++) {
    // A different selection each time (the cursor moved), so the prompt is really re-estimated.
    const text = `${selection}// ${i}\n`;
    const t = performance.now();
    decideOnce(text);
    times.push(performance.now() - t);
  }
  table(`Routing decision: ${candidates.length} candidates, ~2,000-token selection, estimation included (1,000 runs after warm-up)`, [
    { 'p50 ms': percentile(times, 50), 'p90 ms': percentile(times, 90), 'p99 ms': percentile(times, 99) },
  ]);
}
