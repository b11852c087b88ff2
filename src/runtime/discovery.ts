import { distillKeyOf } from '../core/runtime/distills';
import { localModelKey } from '../core/runtime/localModelIdentity';
import { discoverOllama } from '../providers/ollama';

export type ServerKind = 'ollama' | 'lm-studio' | 'llama-server' | 'vllm' | 'configured';

export interface LocalServer {
  kind: ServerKind;
  /** The OpenAI-compatible base URL chat goes to (…/v1). */
  baseUrl: string;
  models: LocalServerModel[];
  latencyMs: number;
  /** What the server said about itself (Ollama's version, …). */
  detail: string;
}

export interface LocalServerModel {
  id: string;
  /** The router's quality key when the model is a recognised R1 distill; others are listed, not routed to. */
  qualityKey: string | undefined;
  contextLength?: number;
  quantization?: string;
  parameterSize?: string;
}

/** The usual loopback homes of local model servers. */
export const DEFAULT_SERVERS: ReadonlyArray<{ kind: ServerKind; root: string }> = [
  { kind: 'ollama', root: 'http://127.0.0.1:11434' },
  { kind: 'lm-studio', root: 'http://127.0.0.1:1234' },
  { kind: 'llama-server', root: 'http://127.0.0.1:8080' },
  { kind: 'vllm', root: 'http://127.0.0.1:8000' },
];

async function openAIModels(root: string, signal: AbortSignal, fetchFn: typeof fetch): Promise<LocalServerModel[]> {
  const base = root.replace(/\/+$/, '').replace(/\/v1$/, '');
  const res = await fetchFn(`${base}/v1/models`, { signal });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const body = (await res.json()) as { data?: Array<{ id?: unknown; meta?: { n_ctx_train?: unknown } }> };
  if (!Array.isArray(body.data)) throw new Error('no model list');
  return body.data
    .filter((m) => typeof m.id === 'string')
    .map((m) => ({ id: m.id as string, qualityKey: localModelKey({ name: m.id as string }), ...(typeof m.meta?.n_ctx_train === 'number' ? { contextLength: m.meta.n_ctx_train } : {}) }));
}

/** Why the last probe of each address found nothing (for "Show Local Models" and tests). */
export const lastMisses = new Map<string, string>();

async function probe(kind: ServerKind, root: string, timeoutMs: number, fetchFn: typeof fetch): Promise<LocalServer | undefined> {
  const signal = AbortSignal.timeout(timeoutMs);
  const t = Date.now();
  const base = root.replace(/\/+$/, '').replace(/\/v1$/, '');
  try {
    if (kind === 'ollama') {
      const inv = await discoverOllama(base, signal, fetchFn);
      return {
        kind,
        baseUrl: `${base}/v1`,
        latencyMs: Date.now() - t,
        detail: `Ollama ${inv.version}`,
        models: inv.models.map((m) => ({
          id: m.name,
          qualityKey: (m.r1Distill ? distillKeyOf(`${m.name} ${m.family ?? ''} ${m.parameterSize ?? ''}`) : undefined) ?? localModelKey({ name: m.name, ...(m.basename ? { basename: m.basename } : {}), ...(m.sizeLabel ? { sizeLabel: m.sizeLabel } : {}) }),
          ...(m.contextLength ? { contextLength: m.contextLength } : {}),
          ...(m.quantization ? { quantization: m.quantization } : {}),
          ...(m.parameterSize ? { parameterSize: m.parameterSize } : {}),
        })),
      };
    }
    const models = await openAIModels(base, signal, fetchFn);
    return { kind, baseUrl: `${base}/v1`, latencyMs: Date.now() - t, detail: `${models.length} model${models.length === 1 ? '' : 's'}`, models };
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    lastMisses.set(root, cause ?? (e instanceof Error ? e.message : String(e)));
    return undefined;
  }
}

/**
 * Finds local model servers: Ollama, LM Studio, llama.cpp's llama-server and vLLM on their usual
 * loopback ports, and any configured URLs. Probes run in parallel with a short timeout; a server that
 * does not answer is simply absent.
 */
export async function discoverLocalServers(
  o: { urls?: string[]; timeoutMs?: number; fetch?: typeof fetch; servers?: ReadonlyArray<{ kind: ServerKind; root: string }> } = {},
): Promise<LocalServer[]> {
  const fetchFn = o.fetch ?? fetch;
  const targets = [...(o.servers ?? DEFAULT_SERVERS), ...(o.urls ?? []).map((root) => ({ kind: 'configured' as ServerKind, root }))];
  const found = await Promise.all(targets.map((s) => probe(s.kind, s.root, o.timeoutMs ?? 800, fetchFn)));
  return found.filter((s): s is LocalServer => !!s);
}

/** Discovery results kept for a while, so routing does not probe ports on every request. */
export class DiscoveryCache {
  private at = 0;
  private result: Promise<LocalServer[]> | undefined;

  constructor(
    private readonly discover: () => Promise<LocalServer[]>,
    private readonly ttlMs = 60_000,
    private readonly now = () => Date.now(),
  ) {}

  get(): Promise<LocalServer[]> {
    if (!this.result || this.now() - this.at > this.ttlMs) {
      this.at = this.now();
      this.result = this.discover().catch(() => []);
    }
    return this.result;
  }

  invalidate(): void {
    this.result = undefined;
  }
}
