/**
 * Runs inside a network namespace that has only `lo` (see test/unit/localOnlyNetns.test.ts): routes an
 * explain request in local-only mode with remote providers configured (keys present), with every
 * proxy variable pointing at a capture proxy, answers it with the embedded model, probes for local
 * servers, then prints what left: proxy hits, non-loopback interfaces and their byte counters.
 *   node localOnlyProbe.js <scripted-model.gguf> <child-entry.js> <ledger-dir>
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { SpendLedger } from '../../src/core/ledger/spendLedger';
import { curatedCatalog } from '../../src/node/priceBook';
import { DEFAULT_ENERGY, energyCost } from '../../src/core/pricing/energy';
import { explainMessages } from '../../src/core/requests/explainPrompt';
import { localPrice } from '../../src/core/requests/localPrice';
import { runRequest } from '../../src/core/requests/runRequest';
import { buildCandidates } from '../../src/core/routing/registry';
import { route, UNRESTRICTED } from '../../src/core/routing/router';
import { DEFAULT_TIERS } from '../../src/core/routing/tiers';
import { DEFAULT_BASE_URLS } from '../../src/core/routingSettings';
import { JsonlLedgerStore } from '../../src/node/jsonlLedgerStore';
import { systemClock } from '../../src/node/systemClock';
import { discoverLocalServers } from '../../src/runtime/discovery';
import { EmbeddedRuntime } from '../../src/runtime/embeddedRuntime';
import { providerFor, type Endpoint } from '../../src/runtime/endpoints';

function interfaces(): Array<{ name: string; rx: number; tx: number }> {
  return readFileSync('/proc/net/dev', 'utf8')
    .split('\n')
    .slice(2)
    .filter((l) => l.includes(':'))
    .map((l) => {
      const [name, rest] = l.split(':') as [string, string];
      const f = rest.trim().split(/\s+/).map(Number);
      return { name: name.trim(), rx: f[0]!, tx: f[8]! };
    });
}

async function main(): Promise<void> {
  const [model, entry, ledgerDir] = process.argv.slice(2) as [string, string, string];
  const step = (s: string) => process.env.COSTWISE_PROBE_DEBUG && process.stderr.write(`probe: ${s}\n`);
  const proxyHits: string[] = [];
  const proxy = createServer((req, res) => {
    proxyHits.push(`${req.method} ${req.url}`);
    res.writeHead(502).end();
  });
  proxy.on('connect', (req, socket) => {
    proxyHits.push(`CONNECT ${req.url}`);
    socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
  });
  // HTTP(S)_PROXY point here (set before Node started, with NODE_USE_ENV_PROXY=1: what VS Code's
  // http.proxy does for an extension host, Node does for fetch).
  const port = Number(new URL(process.env.HTTPS_PROXY!).port);
  await new Promise<void>((r) => proxy.listen(port, '127.0.0.1', r));

  const providers = (['openai', 'deepseek', 'anthropic', 'gemini'] as const).map((p) => ({ provider: p, endpoint: p, enabled: true, keyPresent: true, reachable: true }));
  const endpoints = new Map<string, Endpoint>(providers.map((p) => [p.provider, { id: p.provider, kind: p.provider === 'anthropic' ? 'anthropic' : p.provider === 'gemini' ? 'gemini' : 'openai-compatible', baseUrl: DEFAULT_BASE_URLS[p.provider], apiKey: 'sk-must-not-leave' }]));
  endpoints.set('embedded', { id: 'embedded', kind: 'embedded', baseUrl: 'http://127.0.0.1', apiKey: undefined });
  const candidates = buildCandidates(curatedCatalog(), new Date(), providers, [{ model: 'costwise-scripted', endpoint: 'embedded', contextWindow: 2048, maxOutput: 512, reachable: true, costPer1kTokens: 100, qualityKey: 'r1-distill-qwen-1.5b' }]);
  const messages = explainMessages({ text: 'const secret = readKey();', languageId: 'javascript', fileName: 'secret.js' });
  const decision = route(candidates, {
    ...UNRESTRICTED,
    privacy: { localOnly: true, fileIsPrivate: false, untrusted: false, untrustedApproved: false },
    at: new Date(),
    task: 'explain',
    tier: 'basic',
    thresholds: DEFAULT_TIERS,
    promptTokens: () => 50,
    expectedOutput: () => 100,
    maxOutputTokens: 256,
  });
  step('routed');
  const runtime = new EmbeddedRuntime({ entry, modelPath: model, threads: 1, contextSize: 2048, idleMs: 60_000 });
  const ledger = new SpendLedger(new JsonlLedgerStore(ledgerDir), systemClock, () => `id-${Math.random()}`, 'netns:1:1');
  const chosen = decision.chosen!.candidate;
  const result = await runRequest(
    { ledger, clock: systemClock },
    {
      provider: providerFor(endpoints.get(chosen.endpoint)!, () => runtime),
      price: chosen.price ?? localPrice(chosen),
      request: { model: chosen.model, messages, maxOutputTokens: 256 },
      task: 'explain',
      budget: { rules: [{ period: 'month', limit: 1_000_000, setting: 'test' }], warnRatio: 0.8, onLimit: 'ask' },
      costFor: (_u, ms) => energyCost(ms / 1000, DEFAULT_ENERGY),
      signal: new AbortController().signal,
      onEvent: () => undefined,
    },
  );
  step('answered');
  const servers = await discoverLocalServers({ timeoutMs: 300 });
  step('discovered');
  await runtime.stop();
  step('stopped');
  const before = interfaces();
  const duringRun = proxyHits.length;
  // The control: a remote request in this process does go to the proxy (so "0 hits" above means something).
  const control = await fetch('https://api.openai.com/v1/models', { signal: AbortSignal.timeout(5000) }).then(
    (r) => `HTTP ${r.status}`,
    (e: Error) => `failed: ${(e.cause as { code?: string } | undefined)?.code ?? e.message}`,
  );
  step('control done');
  proxy.close();
  process.stdout.write(
    JSON.stringify({
      chosen: chosen.model,
      local: chosen.local,
      rejectedRemote: decision.rejected.filter((r) => !r.candidate.local).map((r) => r.filter),
      answer: result.text,
      error: result.error?.message,
      proxyHitsDuringRun: duringRun,
      serversFound: servers.length,
      interfaces: before,
      controlProxyHits: proxyHits.length,
      control,
    }) + '\n',
    () => process.exit(0), // open keep-alive sockets must not keep the namespace's process alive
  );
}

main().catch((e: Error) => {
  process.stderr.write(`${e.stack ?? e.message}\n`);
  process.exit(1);
});
