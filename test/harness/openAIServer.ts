import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** Where the recorded OpenAI-format streams live (works from src and from compiled out/). */
export const OPENAI_FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'openai');

export interface RecordedRequest {
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
  /** When the response ended or its connection closed (ms since epoch). */
  closedAt?: number;
  /** Whether the whole recorded stream was sent. */
  completed?: boolean;
}

export interface OpenAIServerOptions {
  /** Model id -> fixture file (without `.sse`). Unlisted models use `<model>.sse`. */
  fixtures?: Record<string, string>;
  /** Fixtures whose stream ends by destroying the socket (no [DONE]). */
  cut?: string[];
  /** Answer every request with this HTTP status and an OpenAI-style error body. */
  status?: number;
  /** Milliseconds between SSE events. */
  delayMs?: number;
  /** Only this bearer token is accepted, when set. */
  apiKey?: string;
}

/**
 * A local HTTP server speaking OpenAI's Chat Completions streaming format from recorded SSE files,
 * so the real `openai` SDK parses real bytes. Binds 127.0.0.1 only.
 */
export class OpenAIServer {
  readonly requests: RecordedRequest[] = [];
  private server: Server | undefined;

  constructor(private readonly opts: OpenAIServerOptions = {}) {}

  get url(): string {
    const a = this.server?.address() as AddressInfo | null;
    if (!a) throw new Error('server not started');
    return `http://127.0.0.1:${a.port}/v1`;
  }

  get port(): number {
    return (this.server!.address() as AddressInfo).port;
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections?.();
    await new Promise<void>((r) => this.server!.close(() => r()));
    this.server = undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    } catch {
      /* recorded as empty */
    }
    const record: RecordedRequest = { path: req.url ?? '', authorization: req.headers.authorization, body };
    this.requests.push(record);
    res.on('close', () => (record.closedAt = Date.now()));
    const fail = (status: number, message: string, type: string) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message, type, param: null, code: null } }));
    };
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) return fail(404, `Unknown path ${req.url}`, 'invalid_request_error');
    if (this.opts.apiKey && req.headers.authorization !== `Bearer ${this.opts.apiKey}`) return fail(401, 'Incorrect API key provided.', 'invalid_request_error');
    if (this.opts.status) return fail(this.opts.status, 'The server is overloaded.', 'server_error');
    const model = String(body.model ?? '');
    const name = this.opts.fixtures?.[model] ?? model;
    let sse: string;
    try {
      sse = readFileSync(join(OPENAI_FIXTURES, `${name}.sse`), 'utf8');
    } catch {
      return fail(404, `The model \`${model}\` does not exist.`, 'invalid_request_error');
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const events = sse.split('\n\n').filter((e) => e.trim());
    for (const e of events) {
      if (res.destroyed || res.writableEnded || record.closedAt) return;
      res.write(e + '\n\n');
      if (this.opts.delayMs) await new Promise((r) => setTimeout(r, this.opts.delayMs));
    }
    if (this.opts.cut?.includes(name)) {
      // Let the client read what was sent, then drop the connection without ending the response.
      await new Promise((r) => setTimeout(r, 50));
      res.socket?.destroy();
    } else {
      record.completed = true;
      res.end();
    }
  }
}
