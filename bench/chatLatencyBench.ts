import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatMessage, ToolSpec } from '../src/core/chat/chatProvider';
import { chatPosition } from '../src/core/chat/conversations';
import { requestText } from '../src/core/chat/requestText';
import { SpendLedger } from '../src/core/ledger/spendLedger';
import { runRequest } from '../src/core/requests/runRequest';
import { buildCandidates } from '../src/core/routing/registry';
import { route, UNRESTRICTED } from '../src/core/routing/router';
import { DEFAULT_TIERS } from '../src/core/routing/tiers';
import { parseSettings } from '../src/core/settings';
import { TokenEstimator } from '../src/core/tokens/tokenEstimator';
import { loadO200k } from '../src/node/gptTokenizer';
import { JsonlLedgerStore } from '../src/node/jsonlLedgerStore';
import { curatedCatalog } from '../src/node/priceBook';
import { systemClock } from '../src/node/systemClock';
import { OpenAICompatibleProvider } from '../src/providers/openAICompatible';
import { streamingServer } from './streamingServer';
import { percentile, table } from './table';


/** What VS Code's chat sends: a long system prompt, some history, and in Agent mode ~40 tools with schemas. */
function chatPayload(agent: boolean, turn: number): { messages: ChatMessage[]; tools: ToolSpec[] } {
  const system = Array.from({ length: 120 }, (_, i) => `Rule ${i}: follow the user's instructions about code carefully, cite files, keep answers short.`).join('\n');
  const history: ChatMessage[] = Array.from({ length: 4 }, (_, i) => [
    { role: 'user' as const, content: `Question ${i} about the function add(a, b) in sample.js?` },
    { role: 'assistant' as const, content: `Answer ${i}: it returns a + b. `.repeat(20) },
  ]).flat();
  const tools: ToolSpec[] = agent
    ? Array.from({ length: 40 }, (_, i) => ({
        name: `tool_${i}`,
        description: `Tool ${i}: ${'Reads, searches or edits files of the workspace and reports what it found. '.repeat(6)}`,
        inputSchema: { type: 'object', properties: { filePath: { type: 'string', description: 'The absolute path.' }, startLine: { type: 'number' }, endLine: { type: 'number' } }, required: ['filePath'] },
      }))
    : [];
  return { messages: [{ role: 'system', content: system }, ...history, { role: 'user', content: `What does add do? (turn ${turn})` }], tools };
}

/**
 * Time from a chat request to its first token: Costwise's chat path (what provideLanguageModelChatResponse
 * runs after VS Code hands over the messages: conversation key, prompt text and token estimate, routing over
 * the catalog's models, the month's fold, reserving the worst case in the JSONL ledger under its lock, then
 * the stream) against the same stream fetched by the plain openai SDK.
 */
export async function benchChatLatency(): Promise<void> {
  const { default: OpenAI } = await import('openai');
  const server = await streamingServer({ chunks: 20, model: 'gpt-6-luna', promptTokens: 4000 });
  const dir = mkdtempSync(join(tmpdir(), 'costwise-chat-bench-'));
  try {
    const estimator = new TokenEstimator(await loadO200k());
    const catalog = curatedCatalog();
    const ledger = new SpendLedger(new JsonlLedgerStore(dir), systemClock, randomUUID, `bench:${process.pid}:1`);
    const { settings } = parseSettings({ 'budget.monthlyUsd': 1000 });
    const provider = new OpenAICompatibleProvider({ id: 'openai', baseUrl: server.url, apiKey: 'k' });
    const raw = new OpenAI({ apiKey: 'k', baseURL: server.url, maxRetries: 0 });

    const costwise = async (agent: boolean, turn: number): Promise<number> => {
      const t = performance.now();
      const { messages, tools } = chatPayload(agent, turn);
      chatPosition(messages);
      const promptText = requestText({ messages, tools });
      const now = new Date();
      const candidates = buildCandidates(catalog, now, [{ provider: 'openai', endpoint: 'openai', enabled: true, keyPresent: true, reachable: true, latencyMs: 100 }], []);
      await ledger.fold();
      const decision = route(candidates, {
        task: agent ? 'agent' : 'chat',
        at: now,
        tier: 'standard',
        thresholds: DEFAULT_TIERS,
        promptTokens: (c) => estimator.prompt(promptText, c.model, c.provider).calibrated,
        expectedOutput: (c) => estimator.output.expected('chat', c.model, c.reasoning, c.maxOutput),
        maxOutputTokens: 4096,
        ...UNRESTRICTED,
      });
      const chosen = decision.chosen!;
      let first = 0;
      await runRequest(
        { ledger, clock: systemClock },
        {
          provider,
          price: chosen.candidate.price,
          request: { model: chosen.candidate.model, messages, maxOutputTokens: 4096, ...(tools.length ? { tools, toolMode: 'auto' as const } : {}) },
          promptEstimate: { raw: chosen.promptTokens, calibrated: chosen.promptTokens },
          task: agent ? 'agent' : 'chat',
          budget: settings.budget.policy,
          signal: new AbortController().signal,
          onEvent: (e) => {
            if (!first && e.type === 'text') first = performance.now() - t;
          },
        },
      );
      return first;
    };
    const direct = async (agent: boolean, turn: number): Promise<number> => {
      const t = performance.now();
      const { messages, tools } = chatPayload(agent, turn);
      const s = await raw.chat.completions.create({
        model: 'gpt-6-luna',
        messages: messages.map((m) => ({ role: m.role, content: m.content })),
        ...(tools.length ? { tools: tools.map((x) => ({ type: 'function' as const, function: { name: x.name, description: x.description, parameters: x.inputSchema as Record<string, unknown> } })) } : {}),
        stream: true,
        stream_options: { include_usage: true },
      });
      let first = 0;
      for await (const c of s) if (!first && c.choices[0]?.delta?.content) first = performance.now() - t;
      return first;
    };

    const rows: Array<Record<string, string | number>> = [];
    for (const agent of [false, true]) {
      for (let i = 0; i < 20; i++) await direct(agent, i), await costwise(agent, i); // warm up both
      const a: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < 100; i++) {
        a.push(await direct(agent, i));
        b.push(await costwise(agent, i));
      }
      const mode = agent ? 'Agent (40 tools)' : 'Ask (no tools)';
      rows.push({ request: mode, path: 'plain openai SDK, same stream', 'p50 ms': percentile(a, 50), 'p90 ms': percentile(a, 90) });
      rows.push({ request: mode, path: 'Costwise: route + reserve + stream', 'p50 ms': percentile(b, 50), 'p90 ms': percentile(b, 90) });
      rows.push({ request: mode, path: 'added by Costwise', 'p50 ms': percentile(b, 50) - percentile(a, 50), 'p90 ms': percentile(b, 90) - percentile(a, 90) });
    }
    table(`Chat: time to first token, Costwise's chat path vs the fixture stream fetched directly (100 interleaved runs each, ledger growing to ~${2 * 120} requests)`, rows);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
