import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ListWire = 'openai' | 'anthropic' | 'gemini';

export interface ModelListServerOptions {
  wire: ListWire;
  apiKey: string;
  /** Model ids; for Gemini, each with the generation methods it supports (default generateContent). */
  models: Array<string | { id: string; methods: string[] }>;
  /** Models per page (Anthropic `limit`, Gemini `pageSize` are honoured when smaller). */
  pageSize?: number;
  /** Send this body (status 200) instead of the list. */
  rawBody?: string;
  /** Accept the request and never answer. */
  hang?: boolean;
  /** Answer with a 302 to this URL. */
  redirectTo?: string;
  /** Answer every page with "more follows" and the same cursor. */
  loopPages?: boolean;
}

/**
 * A loopback server speaking each provider's documented model-list format: OpenAI/DeepSeek `GET /models`
 * (`{ object: 'list', data: [{ id, object: 'model', created, owned_by }] }`, Bearer key), Anthropic
 * `GET /v1/models` (`{ data: [{ type, id, display_name, created_at }], has_more, first_id, last_id }`, pages
 * by `after_id` and `limit`, x-api-key + anthropic-version), Gemini `GET /v1beta/models`
 * (`{ models: [{ name: 'models/…', supportedGenerationMethods }], nextPageToken }`, x-goog-api-key,
 * `pageSize`/`pageToken`), with each API's error body for a bad key.
 */
export class ModelListServer {
  readonly requests: Array<{ path: string; headers: IncomingMessage['headers'] }> = [];
  private server: Server | undefined;
  private readonly held: ServerResponse[] = [];

  constructor(private readonly o: ModelListServerOptions) {}

  get origin(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    return this;
  }

  async stop(): Promise<void> {
    for (const r of this.held) r.destroy();
    this.server?.closeAllConnections?.();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    this.requests.push({ path: req.url ?? '', headers: req.headers });
    const { wire, apiKey } = this.o;
    const path = { openai: /^(\/v1)?\/models$/, anthropic: /^\/v1\/models$/, gemini: /^\/v1beta\/models$/ }[wire];
    if (req.method !== 'GET' || !path.test(url.pathname)) return this.send(res, 404, { error: { message: `Unknown path ${url.pathname}` } });
    if (wire === 'openai' && req.headers.authorization !== `Bearer ${apiKey}`)
      return this.send(res, 401, { error: { message: `Incorrect API key provided: ${String(req.headers.authorization).slice(7)}.`, type: 'invalid_request_error', code: 'invalid_api_key' } });
    if (wire === 'anthropic' && (req.headers['x-api-key'] !== apiKey || req.headers['anthropic-version'] !== '2023-06-01'))
      return this.send(res, 401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } });
    if (wire === 'gemini' && (req.headers['x-goog-api-key'] !== apiKey || url.searchParams.has('key')))
      return this.send(res, 400, { error: { code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT', details: [{ reason: 'API_KEY_INVALID' }] } });
    if (this.o.hang) return void this.held.push(res);
    if (this.o.redirectTo) return void res.writeHead(302, { location: this.o.redirectTo }).end();
    if (this.o.rawBody !== undefined) return this.send(res, 200, this.o.rawBody);
    const all = this.o.models.map((m) => (typeof m === 'string' ? { id: m, methods: ['generateContent', 'countTokens'] } : m));
    if (wire === 'openai') return this.send(res, 200, { object: 'list', data: all.map((m) => ({ id: m.id, object: 'model', created: 1_760_000_000, owned_by: 'system' })) });
    const asked = Number(url.searchParams.get(wire === 'anthropic' ? 'limit' : 'pageSize')) || 20;
    const size = Math.min(asked, this.o.pageSize ?? asked);
    const cursor = url.searchParams.get(wire === 'anthropic' ? 'after_id' : 'pageToken');
    const start = this.o.loopPages ? 0 : cursor ? all.findIndex((m) => m.id === cursor) + 1 : 0;
    const page = all.slice(start, start + size);
    const more = this.o.loopPages || start + size < all.length;
    if (wire === 'anthropic')
      return this.send(res, 200, { data: page.map((m) => ({ type: 'model', id: m.id, display_name: m.id, created_at: '2026-09-01T00:00:00Z' })), has_more: more, first_id: page[0]?.id ?? null, last_id: page.at(-1)?.id ?? null });
    return this.send(res, 200, {
      models: page.map((m) => ({ name: `models/${m.id}`, version: '001', displayName: m.id, inputTokenLimit: 1_048_576, outputTokenLimit: 65_536, supportedGenerationMethods: m.methods })),
      ...(more ? { nextPageToken: page.at(-1)?.id ?? 'end' } : {}),
    });
  }
}
