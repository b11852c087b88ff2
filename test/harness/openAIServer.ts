import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** Where the recorded streams live (works from src and from compiled out/). */
export const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures');

export type WireApi = 'openai' | 'anthropic' | 'gemini';

export interface RecordedRequest {
  api: WireApi;
  path: string;
  /** The credential the request carried: Authorization, x-api-key or x-goog-api-key. */
  authorization: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
  /** When the response ended or its connection closed (ms since epoch). */
  closedAt?: number;
  /** Whether the whole recorded stream was sent. */
  completed?: boolean;
  /** Whether its stream is being held open (see FixtureServer.hold). */
  held?: boolean;
}

export interface FixtureServerOptions {
  /** Model id -> fixture file (without `.sse`). Unlisted models use `<model>.sse`. */
  fixtures?: Record<string, string>;
  /** Fixture for any model not in `fixtures` (when the model routing picks may vary). */
  anyModel?: string;
  /**
   * Fixtures whose stream ends by dropping the connection (no proper end): after their last event the
   * connection stays open until the test calls cut(), once its client has shown what it received.
   */
  cut?: string[];
  /** Answer every request with this HTTP status and the API's error body. */
  status?: number;
  /** Statuses for the first requests, in order (e.g. [503, 429]); later requests get the fixture. */
  statuses?: number[];
  /** Headers sent with error statuses (e.g. `retry-after`). */
  errorHeaders?: Record<string, string>;
  /** Milliseconds between SSE events. */
  delayMs?: number;
  /** Stop sending after this many events, keeping the connection open (a stalled stream). */
  stallAfterEvents?: number;
  /** Send one line of this many bytes after the first event (a runaway line). */
  hugeLineBytes?: number;
  /** Only this key is accepted, when set. */
  apiKey?: string;
  /** When set, `GET …/models` answers OpenAI's model list (`{ object: 'list', data: [{ id, … }] }`) with these ids. */
  models?: string[];
  /**
   * Answers a request with this recorded-format stream instead of a file (e.g. a tool call for a tool the
   * request offered, or text once a tool result came back); `undefined` falls back to the fixture file.
   */
  respond?: (request: RecordedRequest) => string | undefined;
}

const ERROR_BODIES: Record<WireApi, (status: number, message: string) => unknown> = {
  openai: (_s, message) => ({ error: { message, type: 'server_error', param: null, code: null } }),
  anthropic: (s, message) => ({ type: 'error', error: { type: s === 429 ? 'rate_limit_error' : s === 401 ? 'authentication_error' : s === 529 ? 'overloaded_error' : 'api_error', message } }),
  gemini: (s, message) => ({ error: { code: s, message, status: s === 429 ? 'RESOURCE_EXHAUSTED' : s === 401 ? 'UNAUTHENTICATED' : 'UNAVAILABLE' } }),
};

/**
 * A local HTTP server that speaks OpenAI's, Anthropic's and Gemini's streaming wire formats from
 * recorded SSE files, so the real SDK clients parse real bytes — including broken streams. Binds
 * 127.0.0.1 only.
 */
export class FixtureServer {
  readonly requests: RecordedRequest[] = [];
  private server: Server | undefined;
  /** While set, answers stop after this many events and stay open until release(). */
  private holdAfter: number | undefined;
  private gate: { opened: Promise<void>; open: () => void } | undefined;
  private heldWaiters: Array<{ n: number; resolve: () => void }> = [];
  private readonly closed = new WeakMap<RecordedRequest, Promise<void>>();
  private cutters: Array<() => void> = [];

  constructor(private readonly opts: FixtureServerOptions = {}) {}

  /** Serves another recorded stream for a model from now on. */
  setFixture(model: string, fixture: string): void {
    this.opts.fixtures = { ...this.opts.fixtures, [model]: fixture };
  }

  /** Answers with what `respond` returns from now on (undefined: the fixture files again). */
  setResponder(respond: FixtureServerOptions['respond']): void {
    this.opts.respond = respond;
  }

  /** Serves this recorded stream for every model without its own fixture from now on. */
  setAnyModel(fixture: string): void {
    this.opts.anyModel = fixture;
  }

  /** Requests for answers (not health checks or model lists). */
  get chats(): RecordedRequest[] {
    return this.requests.filter((r) => /\/chat\/completions$|\/v1\/messages$|:streamGenerateContent/.test(r.path.split('?')[0]!));
  }

  /**
   * From now on, every answer sends its first `afterEvents` events and then stays open, mid-stream,
   * until release(): a request is in flight for exactly as long as the test wants, never by timing.
   */
  hold(afterEvents = 1): void {
    this.holdAfter = afterEvents;
    if (!this.gate) {
      let open!: () => void;
      const opened = new Promise<void>((r) => (open = r));
      this.gate = { opened, open };
    }
  }

  /** Lets every held answer finish, and stops holding new ones. */
  release(): void {
    this.holdAfter = undefined;
    this.gate?.open();
    this.gate = undefined;
  }

  /** Drops the connection of every `cut` fixture stream that has sent all its events. */
  cut(): void {
    for (const c of this.cutters.splice(0)) c();
  }

  /** Cuts each `cut` fixture stream as soon as it has sent all its events (for tests that look only at the outcome). */
  cutWhenSent(): void {
    this.autoCut = true;
    this.cut();
  }
  private autoCut = false;

  /** Answers being held open right now. */
  get held(): RecordedRequest[] {
    return this.requests.filter((r) => r.held);
  }

  /** Resolves once at least `n` answers are being held open (their first events sent). */
  whenHeld(n: number): Promise<void> {
    if (this.held.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.heldWaiters.push({ n, resolve }));
  }

  /** Resolves when the response to `request` has ended or its connection closed. */
  whenClosed(request: RecordedRequest): Promise<void> {
    return this.closed.get(request) ?? Promise.reject(new Error('not a request to this server'));
  }

  private heldChanged(): void {
    const now = this.held.length;
    this.heldWaiters = this.heldWaiters.filter((w) => (now >= w.n ? (w.resolve(), false) : true));
  }

  get origin(): string {
    const a = this.server?.address() as AddressInfo | null;
    if (!a) throw new Error('server not started');
    return `http://127.0.0.1:${a.port}`;
  }

  /** Base URL for OpenAI-compatible clients. */
  get url(): string {
    return `${this.origin}/v1`;
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
    this.release();
    if (!this.server) return;
    this.server.closeAllConnections?.();
    await new Promise<void>((r) => this.server!.close(() => r()));
    this.server = undefined;
  }

  private route(req: IncomingMessage): { api: WireApi; model: string; list?: true } | undefined {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET' && this.opts.models && /^(\/v1)?\/models$/.test(url.pathname)) return { api: 'openai', model: '', list: true };
    if (req.method === 'POST' && url.pathname.endsWith('/chat/completions')) return { api: 'openai', model: '' };
    if (req.method === 'POST' && url.pathname.endsWith('/v1/messages')) return { api: 'anthropic', model: '' };
    const g = /\/models\/([^/:]+):streamGenerateContent$/.exec(url.pathname);
    if (req.method === 'POST' && g) return { api: 'gemini', model: decodeURIComponent(g[1]!) };
    return undefined;
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
    const route = this.route(req);
    const api = route?.api ?? 'openai';
    const credential = (req.headers.authorization ?? req.headers['x-api-key'] ?? req.headers['x-goog-api-key']) as string | undefined;
    const record: RecordedRequest = { api, path: req.url ?? '', authorization: credential, headers: { ...req.headers }, body };
    this.requests.push(record);
    this.closed.set(
      record,
      new Promise<void>((resolve) =>
        res.on('close', () => {
          record.closedAt = Date.now();
          if (record.held) {
            record.held = false;
            this.heldChanged();
          }
          resolve();
        }),
      ),
    );
    const fail = (status: number, message: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(ERROR_BODIES[api](status, message)));
    };
    if (!route) return fail(404, `Unknown path ${req.url}`);
    if (api === 'gemini' && new URL(req.url ?? '/', 'http://x').searchParams.has('key')) return fail(400, 'The key must not travel in the URL.');
    const accepted = api === 'gemini' ? [this.opts.apiKey] : api === 'openai' ? [`Bearer ${this.opts.apiKey}`] : [this.opts.apiKey, `Bearer ${this.opts.apiKey}`];
    if (this.opts.apiKey && !accepted.includes(credential)) return fail(401, 'Incorrect API key provided.');
    if (route.list) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ object: 'list', data: this.opts.models!.map((id) => ({ id, object: 'model', created: 1_760_000_000, owned_by: 'system' })) }));
    }
    const scripted = this.opts.statuses?.[this.requests.length - 1];
    const status = scripted ?? this.opts.status;
    if (status && status !== 200) return fail(status, status === 429 ? 'Rate limit reached.' : 'The server is overloaded.', this.opts.errorHeaders);
    const model = route.model || String(body.model ?? '');
    const name = this.opts.fixtures?.[model] ?? this.opts.anyModel ?? model;
    let sse: string;
    try {
      sse = this.opts.respond?.(record) ?? readFileSync(join(FIXTURES, api, `${name}.sse`), 'utf8');
    } catch {
      return fail(404, `The model \`${model}\` does not exist.`);
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.flushHeaders();
    const sep = sse.includes('\r\n\r\n') ? '\r\n\r\n' : '\n\n'; // Gemini ends events with CRLF CRLF
    const events = sse.split(sep).filter((e) => e.trim());
    for (const [i, e] of events.entries()) {
      if (res.destroyed || res.writableEnded || record.closedAt) return;
      if (this.opts.stallAfterEvents !== undefined && i >= this.opts.stallAfterEvents) return; // never ends
      const gate = this.gate;
      if (gate && this.holdAfter !== undefined && i === this.holdAfter) {
        record.held = true;
        this.heldChanged();
        await Promise.race([gate.opened, new Promise((r) => res.once('close', r))]);
        if (res.destroyed || record.closedAt) return;
        record.held = false;
        this.heldChanged();
      }
      res.write(e + sep);
      if (i === 0 && this.opts.hugeLineBytes) res.write('data: ' + 'x'.repeat(this.opts.hugeLineBytes) + '\n\n');
      if (this.opts.delayMs) await new Promise((r) => setTimeout(r, this.opts.delayMs));
    }
    if (this.opts.cut?.includes(name)) {
      // The client has read what was sent when the test says so (see cut()); then the connection goes
      // without the response's last chunk.
      // Automatic cuts wait until what was written has left for the client (a destroy drops unsent data).
      await new Promise<void>((r) => (this.autoCut ? res.write('', () => r()) : this.cutters.push(r)));
      res.socket?.destroy();
    } else {
      record.completed = true;
      res.end();
    }
  }
}

/** The OpenAI-format server of the earlier tests: the same server. */
export { FixtureServer as OpenAIServer, type FixtureServerOptions as OpenAIServerOptions };
