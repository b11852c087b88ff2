import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename } from 'node:path';
import { BadRequest, chunk, errorBody, parseChatRequest, usageOf, type ChatCompletionRequest } from './chatCompletions';
import { assertLoopbackBind, isLoopbackHostHeader } from './loopback';

// node-llama-cpp is ESM-only and heavy: loaded with `await import()` and typed here by what we use.
interface Meter { usedInputTokens: number; usedOutputTokens: number }
interface Sequence { tokenMeter: { getState(): Meter }; clearHistory(): Promise<void> }
interface ResponseChunk { type: 'segment' | undefined; segmentType?: string; text: string }
interface ChatResponse { response: string; metadata: { stopReason: string } }
interface Chat {
  generateResponse(history: unknown[], o: { maxTokens?: number; signal?: AbortSignal; stopOnAbortSignal?: boolean; onResponseChunk?: (c: ResponseChunk) => void }): Promise<ChatResponse>;
  dispose(o?: { disposeSequence?: boolean }): void;
}
interface Model { tokenize(text: string): unknown[]; trainContextSize: number; dispose(): Promise<void> }
interface Llama { gpu: string | false; loadModel(o: { modelPath: string }): Promise<Model>; dispose(): Promise<void> }
interface NodeLlamaCpp {
  getLlama(o: Record<string, unknown>): Promise<Llama>;
  LlamaChat: new (o: { contextSequence: Sequence; autoDisposeSequence?: boolean }) => Chat;
}

export interface LlamaServerOptions {
  modelPath: string;
  /** Per-session secret every request must carry as `Authorization: Bearer …`. */
  token: string | undefined;
  /**
   * Serve without a token, like a stand-alone llama-server that other tools discover (tests and
   * `npm run serve-model`). The extension's own runtime never sets this.
   */
  openAccess?: boolean;
  threads: number;
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  contextSize?: number;
  /** Run on this GPU build (its packages must be resolvable); falls back to the CPU build, saying why. */
  gpu?: 'cuda' | 'vulkan';
  /** Called after each generation (measured speed for routing and pricing; tests time cancellation). */
  onGenerationEnd?: (g: GenerationReport) => void;
}

export interface GenerationReport {
  stopReason: string;
  promptTokens: number;
  completionTokens: number;
  generationMs: number;
  endedAt: number;
}

export interface LlamaServer {
  url: string;
  port: number;
  modelId: string;
  loadMs: number;
  contextSize: number;
  backend: 'cpu' | 'cuda' | 'vulkan';
  /** Why the requested GPU build is not in use, when it is not. */
  gpuFallback?: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;

function sameSecret(a: string, b: string): boolean {
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(a), h(b));
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (b: Buffer) => {
      size += b.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BadRequest(`the request body is over ${MAX_BODY_BYTES / 1024 / 1024} MB`, 413));
        req.destroy();
      } else parts.push(b);
    });
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function toHistory(messages: ChatCompletionRequest['messages']): unknown[] {
  return messages.map((m) => (m.role === 'assistant' ? { type: 'model', response: [m.content] } : { type: m.role, text: m.content }));
}

const describe = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300);

/**
 * node-llama-cpp on the requested GPU build (prebuilt only, never compiled), the model offloaded to it;
 * when the build or the model does not load there, the CPU build, with the reason.
 */
async function loadOnBackend(lib: NodeLlamaCpp, o: LlamaServerOptions): Promise<{ llama: Llama; model: Model; gpuFallback?: string }> {
  const cpu = () => lib.getLlama({ gpu: false, build: 'never', logLevel: 'error', maxThreads: o.threads });
  if (!o.gpu) {
    const llama = await cpu();
    return { llama, model: await llama.loadModel({ modelPath: o.modelPath }) };
  }
  let gpuFallback: string;
  try {
    const llama = await lib.getLlama({ gpu: o.gpu, build: 'never', usePrebuiltBinaries: true, progressLogs: false, logLevel: 'error', maxThreads: o.threads });
    if (llama.gpu !== o.gpu) {
      await llama.dispose();
      throw new Error(`node-llama-cpp loaded the ${String(llama.gpu)} build instead`);
    }
    try {
      return { llama, model: await llama.loadModel({ modelPath: o.modelPath }) };
    } catch (e) {
      await llama.dispose();
      gpuFallback = `the model did not load on the ${o.gpu} build (${describe(e)})`;
    }
  } catch (e) {
    gpuFallback = `the ${o.gpu} build did not load (${describe(e)})`;
  }
  const llama = await cpu();
  return { llama, model: await llama.loadModel({ modelPath: o.modelPath }), gpuFallback };
}

/**
 * Loads a GGUF model with node-llama-cpp and serves it as an OpenAI-compatible chat-completions
 * endpoint on loopback: streamed `reasoning_content` and `content` deltas and exact token usage, one
 * generation at a time (later requests wait their turn), cancelled when the client goes away.
 */
export async function startLlamaServer(o: LlamaServerOptions): Promise<LlamaServer> {
  const host = o.host ?? '127.0.0.1';
  assertLoopbackBind(host);
  if (!o.openAccess && (!o.token || o.token.length < 16)) throw new Error('The embedded runtime needs a session token of at least 16 characters.');
  const started = Date.now();
  const lib = (await import('node-llama-cpp')) as unknown as NodeLlamaCpp;
  const { llama, model, gpuFallback } = await loadOnBackend(lib, o);
  const backend = llama.gpu === false ? 'cpu' : (llama.gpu as 'cuda' | 'vulkan');
  const contextSize = Math.min(o.contextSize ?? 8192, model.trainContextSize || 8192);
  const context = await (model as unknown as { createContext(o: Record<string, unknown>): Promise<{ getSequence(): Sequence; dispose(): Promise<void> }> }).createContext({
    contextSize,
    threads: o.threads,
    sequences: 1,
  });
  const sequence = context.getSequence();
  const loadMs = Date.now() - started;
  const modelId = basename(o.modelPath).replace(/\.gguf$/i, '');
  let turn: Promise<void> = Promise.resolve();

  async function complete(req: ChatCompletionRequest, res: ServerResponse, signal: AbortSignal): Promise<void> {
    const promptChars = req.messages.reduce((a, m) => a + m.content.length, 0);
    const roughPromptTokens = promptChars > contextSize ? model.tokenize(req.messages.map((m) => m.content).join('\n')).length : 0;
    if (roughPromptTokens >= contextSize) throw new BadRequest(`the prompt is about ${roughPromptTokens} tokens; the local model's context holds ${contextSize}`, 413);
    await sequence.clearHistory();
    const chat = new lib.LlamaChat({ contextSequence: sequence, autoDisposeSequence: false });
    const before = sequence.tokenMeter.getState();
    const id = `chatcmpl-${Date.now().toString(36)}`;
    const created = Math.floor(Date.now() / 1000);
    let reasoningTokens = 0;
    let lastOutput = before.usedOutputTokens;
    let carried = 0;
    let reasoning = '';
    const write = (delta: Record<string, string>) => res.write(`data: ${JSON.stringify(chunk(id, modelId, created, delta))}\n\n`);
    if (req.stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.flushHeaders();
      write({ role: 'assistant', content: '' });
    }
    const t0 = Date.now();
    let result: ChatResponse;
    try {
      result = await chat.generateResponse(toHistory(req.messages), {
        ...(req.maxTokens ? { maxTokens: req.maxTokens } : {}),
        signal,
        stopOnAbortSignal: true,
        onResponseChunk: (c) => {
          const out = sequence.tokenMeter.getState().usedOutputTokens;
          const thought = c.type === 'segment' && c.segmentType === 'thought';
          // A token that shows no text (<think>, </think>) belongs to the segment of the chunk after it.
          if (thought) reasoningTokens += carried;
          carried = 0;
          if (c.text) {
            if (thought) reasoningTokens += out - lastOutput;
          } else carried = out - lastOutput;
          lastOutput = out;
          if (!c.text) return;
          if (thought) reasoning += c.text;
          if (req.stream && !signal.aborted) write(thought ? { reasoning_content: c.text } : { content: c.text });
        },
      });
    } finally {
      chat.dispose({ disposeSequence: false });
    }
    const after = sequence.tokenMeter.getState();
    const promptTokens = after.usedInputTokens - before.usedInputTokens;
    const completionTokens = after.usedOutputTokens - before.usedOutputTokens;
    const stopReason = signal.aborted ? 'abort' : result.metadata.stopReason;
    o.onGenerationEnd?.({ stopReason, promptTokens, completionTokens, generationMs: Date.now() - t0, endedAt: Date.now() });
    if (signal.aborted) return;
    const finish = stopReason === 'maxTokens' ? 'length' : 'stop';
    const usage = usageOf(promptTokens, 0, completionTokens, reasoningTokens);
    if (req.stream) {
      res.write(`data: ${JSON.stringify(chunk(id, modelId, created, {}, finish))}\n\n`);
      if (req.includeUsage) res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: modelId, choices: [], usage })}\n\n`);
      res.end('data: [DONE]\n\n');
    } else {
      sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model: modelId,
        choices: [{ index: 0, message: { role: 'assistant', content: result.response, ...(reasoning ? { reasoning_content: reasoning } : {}) }, finish_reason: finish }],
        usage,
      });
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse, port: number): Promise<void> {
    if (!isLoopbackHostHeader(req.headers.host, port)) return sendJson(res, 403, errorBody('this server answers only requests addressed to its loopback address'));
    const auth = req.headers.authorization ?? '';
    if (!o.openAccess && (!auth.startsWith('Bearer ') || !sameSecret(auth.slice(7), o.token!))) return sendJson(res, 401, errorBody('missing or wrong bearer token', 'authentication_error'));
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/health') return sendJson(res, 200, { status: 'ok', model: modelId, loadMs, contextSize });
    if (req.method === 'GET' && path === '/v1/models') return sendJson(res, 200, { object: 'list', data: [{ id: modelId, object: 'model', created: Math.floor(started / 1000), owned_by: 'costwise-embedded' }] });
    if (req.method !== 'POST' || path !== '/v1/chat/completions') return sendJson(res, 404, errorBody(`no route ${req.method} ${path}`));
    const parsed = parseChatRequest(await readBody(req));
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const mine = turn.then(() => (abort.signal.aborted ? undefined : complete(parsed, res, abort.signal)));
    turn = mine.catch(() => undefined);
    await mine;
  }

  const server = createServer((req, res) => {
    const port = (server.address() as AddressInfo).port;
    handle(req, res, port).catch((e: unknown) => {
      const status = e instanceof BadRequest ? e.status : 500;
      const message = e instanceof Error ? e.message : String(e);
      if (!res.headersSent) sendJson(res, status, errorBody(message, status === 500 ? 'server_error' : 'invalid_request_error'));
      else if (!res.writableEnded) res.end(`data: ${JSON.stringify(errorBody(message, 'server_error'))}\n\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/v1`,
    port,
    modelId,
    loadMs,
    contextSize,
    backend,
    ...(gpuFallback ? { gpuFallback } : {}),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    },
  };
}
