/**
 * Ollama's native API, for discovery only (chat goes through its OpenAI-compatible /v1): which models
 * are installed, and what they really are — family, size, quantisation, context length,
 * capabilities — from /api/tags and /api/show. The tag alone can mislead (`deepseek-r1:8b` has
 * meant two different models), so identity comes from /api/show.
 */
export interface OllamaModel {
  name: string;
  family: string | undefined;
  parameterSize: string | undefined;
  quantization: string | undefined;
  contextLength: number | undefined;
  capabilities: string[];
  /** Looks like a DeepSeek-R1 distill (R1 in the name, or a thinking-capable qwen2/llama base with R1 lineage). */
  r1Distill: boolean;
  sizeBytes: number | undefined;
  /** GGUF identity as /api/show reports it (`general.basename`, `general.size_label`). */
  basename: string | undefined;
  sizeLabel: string | undefined;
}

export interface OllamaInventory {
  version: string;
  models: OllamaModel[];
}

interface TagsResponse {
  models?: Array<{ name?: string; model?: string; size?: number; details?: { family?: string; parameter_size?: string; quantization_level?: string } }>;
}

interface ShowResponse {
  details?: { family?: string; parameter_size?: string; quantization_level?: string };
  model_info?: Record<string, unknown>;
  capabilities?: string[];
}

async function getJson<T>(fetchFn: typeof fetch, url: string, init: RequestInit, signal: AbortSignal): Promise<T> {
  const res = await fetchFn(url, { ...init, signal });
  if (!res.ok) throw new Error(`${url} answered HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** Lists an Ollama server's models with their identity. `baseUrl` is the server root, e.g. http://127.0.0.1:11434. */
export async function discoverOllama(baseUrl: string, signal: AbortSignal, fetchFn: typeof fetch = fetch): Promise<OllamaInventory> {
  const root = baseUrl.replace(/\/+$/, '');
  const { version } = await getJson<{ version?: string }>(fetchFn, `${root}/api/version`, {}, signal);
  const tags = await getJson<TagsResponse>(fetchFn, `${root}/api/tags`, {}, signal);
  const models: OllamaModel[] = [];
  for (const t of tags.models ?? []) {
    const name = t.name ?? t.model;
    if (!name) continue;
    const show = await getJson<ShowResponse>(fetchFn, `${root}/api/show`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: name }) }, signal).catch(() => ({}) as ShowResponse);
    const details = show.details ?? t.details ?? {};
    const info = show.model_info ?? {};
    const arch = typeof info['general.architecture'] === 'string' ? (info['general.architecture'] as string) : undefined;
    const ctx = arch ? info[`${arch}.context_length`] : undefined;
    const basename = String(info['general.basename'] ?? info['general.name'] ?? '');
    const capabilities = show.capabilities ?? [];
    models.push({
      name,
      family: details.family ?? arch,
      parameterSize: details.parameter_size,
      quantization: details.quantization_level,
      contextLength: typeof ctx === 'number' ? ctx : undefined,
      capabilities,
      r1Distill: /deepseek-r1|r1-distill/i.test(`${name} ${basename}`),
      sizeBytes: t.size,
      basename: basename || undefined,
      sizeLabel: typeof info['general.size_label'] === 'string' ? (info['general.size_label'] as string) : undefined,
    });
  }
  return { version: version ?? 'unknown', models };
}
