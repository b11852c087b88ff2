/** Which API's model list to read: OpenAI and DeepSeek share the OpenAI-compatible `GET /models`. */
export type ListApi = 'openai-compatible' | 'anthropic' | 'gemini';

export interface ListOptions {
  api: ListApi;
  /** As configured: OpenAI's ends with `/v1`, DeepSeek's, Anthropic's and Gemini's do not. */
  baseUrl: string;
  apiKey: string;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  /** Whole listing, every page included (default 15 s). */
  timeoutMs?: number;
  /** Most pages followed before the listing is refused as endless (default 20). */
  maxPages?: number;
}

export type ListFailure = 'key' | 'network' | 'timeout' | 'http' | 'malformed';

/** Why a model list could not be read; the message names the host and never the key. */
export class ModelListError extends Error {
  constructor(
    readonly kind: ListFailure,
    message: string,
  ) {
    super(message);
    this.name = 'ModelListError';
  }
}

const trim = (u: string) => u.replace(/\/+$/, '');
const seconds = (ms: number) => (ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`);
type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A model list is a few hundred KB at most; more is refused rather than held in memory. */
const MAX_BODY_BYTES = 8 << 20;

async function readCapped(res: Response, max: number, host: string): Promise<string> {
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let n = 0;
  for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) {
    n += c.length;
    if (n > max) throw new ModelListError('malformed', `${host} sent a model list over ${max >> 20} MB`);
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** GET one page as JSON, with every failure turned into a specific ModelListError. */
async function getJson(url: string, headers: Record<string, string>, o: ListOptions, signal: AbortSignal): Promise<Json> {
  const host = new URL(url).host;
  let res: Response;
  try {
    // No redirects: a key is sent only to the origin it was entered for.
    res = await (o.fetch ?? fetch)(url, { headers: { accept: 'application/json', ...headers }, redirect: 'error', signal });
  } catch (e) {
    if (signal.aborted && !o.signal?.aborted) throw new ModelListError('timeout', `${host} did not send its model list within ${seconds(o.timeoutMs ?? 15_000)}`);
    if (o.signal?.aborted) throw new ModelListError('network', `listing the models of ${host} was cancelled`);
    const cause = (e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message;
    if (/redirect/i.test(cause)) throw new ModelListError('http', `${host} redirected the model list request elsewhere; Costwise reads it only from the configured address (the key goes nowhere else)`);
    throw new ModelListError('network', `could not reach ${host} to list its models (${cause})`);
  }
  let text: string;
  try {
    text = await readCapped(res, MAX_BODY_BYTES, host);
  } catch (e) {
    if (e instanceof ModelListError) throw e;
    throw new ModelListError(signal.aborted ? 'timeout' : 'network', `${host} stopped sending its model list`);
  }
  // Gemini answers a bad key with 400 and the reason API_KEY_INVALID.
  if (res.status === 401 || res.status === 403 || (res.status === 400 && text.includes('API_KEY_INVALID'))) throw new ModelListError('key', `${host} rejected the API key (HTTP ${res.status}): set it again with Costwise: Set API Key…`);
  if (!res.ok) throw new ModelListError('http', `${host} answered HTTP ${res.status} to the model list request${errorText(text, o.apiKey)}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ModelListError('malformed', `${host} sent a model list that is not JSON`);
  }
  if (!isObject(body)) throw new ModelListError('malformed', `${host} sent a model list that is not a JSON object`);
  return body;
}

/** The API's own error message, short, without the key. */
function errorText(text: string, key: string): string {
  try {
    const b = JSON.parse(text) as { error?: { message?: unknown } | string };
    const m = typeof b.error === 'string' ? b.error : b.error?.message;
    return typeof m === 'string' && m ? `: ${m.split(key).join('…').slice(0, 200)}` : '';
  } catch {
    return '';
  }
}

function ids(list: unknown, host: string, field: string): Json[] {
  if (!Array.isArray(list)) throw new ModelListError('malformed', `${host} sent a model list without a "${field}" array`);
  return list.filter(isObject);
}

function idOf(m: Json, field: string, host: string): string {
  const v = m[field];
  if (typeof v !== 'string' || !v.trim()) throw new ModelListError('malformed', `${host} listed a model without "${field}"`);
  return v.trim();
}

/**
 * The models an API key can use, as the provider lists them: OpenAI-compatible `GET {base}/models`
 * (Bearer key), Anthropic `GET {base}/v1/models` (x-api-key, pages by `after_id`), Gemini
 * `GET {base}/v1beta/models` (x-goog-api-key, pages by `pageToken`; only models that support
 * `generateContent`, without the `models/` prefix). Throws a ModelListError; never returns a partial list.
 */
export async function listModels(o: ListOptions): Promise<string[]> {
  const timeout = AbortSignal.timeout(o.timeoutMs ?? 15_000);
  const signal = o.signal ? AbortSignal.any([o.signal, timeout]) : timeout;
  const base = trim(o.baseUrl);
  const host = new URL(base).host;
  const maxPages = o.maxPages ?? 20;
  const out = new Set<string>();
  if (o.api === 'openai-compatible') {
    const body = await getJson(`${base}/models`, { authorization: `Bearer ${o.apiKey}` }, o, signal);
    for (const m of ids(body.data, host, 'data')) out.add(idOf(m, 'id', host));
    return [...out];
  }
  let cursor: string | undefined;
  for (let page = 0; ; page++) {
    if (page >= maxPages) throw new ModelListError('malformed', `${host} kept sending more model pages (over ${maxPages}); listing stopped`);
    if (o.api === 'anthropic') {
      const url = `${base}/v1/models?limit=1000${cursor ? `&after_id=${encodeURIComponent(cursor)}` : ''}`;
      const body = await getJson(url, { 'x-api-key': o.apiKey, 'anthropic-version': '2023-06-01' }, o, signal);
      for (const m of ids(body.data, host, 'data')) out.add(idOf(m, 'id', host));
      const last = typeof body.last_id === 'string' ? body.last_id : undefined;
      if (body.has_more !== true) return [...out];
      if (!last || last === cursor) throw new ModelListError('malformed', `${host} said more models follow but gave no new last_id`);
      cursor = last;
    } else {
      const url = `${base}/v1beta/models?pageSize=1000${cursor ? `&pageToken=${encodeURIComponent(cursor)}` : ''}`;
      const body = await getJson(url, { 'x-goog-api-key': o.apiKey }, o, signal);
      for (const m of ids(body.models ?? [], host, 'models')) {
        const methods = m.supportedGenerationMethods;
        if (Array.isArray(methods) && methods.includes('generateContent')) out.add(idOf(m, 'name', host).replace(/^models\//, ''));
      }
      const next = typeof body.nextPageToken === 'string' && body.nextPageToken ? body.nextPageToken : undefined;
      if (!next) return [...out];
      if (next === cursor) throw new ModelListError('malformed', `${host} sent the same page token twice`);
      cursor = next;
    }
  }
}
