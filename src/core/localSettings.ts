import type { GpuSetting } from './runtime/gpuBackend';

/** How Costwise runs and finds local models (costwise.local.*). */
export interface LocalRuntimeSettings {
  /** Run a GGUF model itself (node-llama-cpp in a child process). */
  embedded: boolean;
  /** The GGUF file to run; empty = the model downloaded with "Download Local Model…", if any. */
  modelPath: string;
  /** CPU threads; 0 = physical cores - 1. */
  threads: number;
  contextSize: number;
  idleMinutes: number;
  /** Look for Ollama, LM Studio, llama-server and vLLM on their usual loopback ports. */
  discovery: boolean;
  /** More OpenAI-compatible local servers to look at. */
  serverUrls: string[];
  /** Which llama.cpp build runs the embedded model: auto (a GPU build when a GPU is found, with consent), off, cuda, vulkan. */
  gpu: GpuSetting;
  /** The npm registry GPU builds are fetched from (HTTPS, or loopback HTTP for tests). */
  gpuRegistry: string;
}

/** The public npm registry: the default of costwise.local.gpuRegistry. */
export const DEFAULT_GPU_REGISTRY = 'https://registry.npmjs.org';

export const DEFAULT_LOCAL: LocalRuntimeSettings = { embedded: true, modelPath: '', threads: 0, contextSize: 8192, idleMinutes: 10, discovery: true, serverUrls: [], gpu: 'auto', gpuRegistry: DEFAULT_GPU_REGISTRY };

export function parseLocalSettings(raw: Record<string, unknown>, bad: (setting: string, message: string) => void): LocalRuntimeSettings {
  const out = { ...DEFAULT_LOCAL, serverUrls: [] as string[] };
  const flag = (key: 'embedded' | 'discovery') => {
    const v = raw[`local.${key}`];
    if (typeof v === 'boolean') out[key] = v;
    else if (v !== undefined && v !== null) bad(`local.${key}`, `must be true or false (got ${JSON.stringify(v)}); using ${DEFAULT_LOCAL[key]}.`);
  };
  flag('embedded');
  flag('discovery');
  const int = (key: 'threads' | 'contextSize' | 'idleMinutes', min: number, max: number) => {
    const v = raw[`local.${key}`];
    if (v === undefined || v === null) return;
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) out[key] = v;
    else bad(`local.${key}`, `must be a whole number from ${min} to ${max} (got ${JSON.stringify(v)}); using ${DEFAULT_LOCAL[key]}.`);
  };
  int('threads', 0, 256);
  int('contextSize', 512, 131072);
  int('idleMinutes', 1, 1440);
  const path = raw['local.modelPath'];
  if (typeof path === 'string') out.modelPath = path.trim();
  else if (path !== undefined && path !== null) bad('local.modelPath', `must be a path to a .gguf file (got ${JSON.stringify(path)}).`);
  if (out.modelPath && !/\.gguf$/i.test(out.modelPath)) bad('local.modelPath', `must name a .gguf file (got ${JSON.stringify(out.modelPath)}).`);
  const urls = raw['local.serverUrls'];
  if (Array.isArray(urls)) {
    for (const u of urls) {
      if (typeof u === 'string' && isLoopbackUrl(u)) out.serverUrls.push(u);
      else bad('local.serverUrls', `${JSON.stringify(u)} is not a loopback http(s) URL; only servers on this machine are local.`);
    }
  } else if (urls !== undefined && urls !== null) bad('local.serverUrls', 'must be a list of URLs.');
  const gpu = raw['local.gpu'];
  if (gpu === 'auto' || gpu === 'off' || gpu === 'cuda' || gpu === 'vulkan') out.gpu = gpu;
  else if (gpu !== undefined && gpu !== null) bad('local.gpu', `must be auto, off, cuda or vulkan (got ${JSON.stringify(gpu)}); using auto.`);
  const registry = raw['local.gpuRegistry'];
  if (typeof registry === 'string' && registry.trim()) {
    if (isHttpsOrLoopback(registry.trim())) out.gpuRegistry = registry.trim().replace(/\/+$/, '');
    else bad('local.gpuRegistry', `${JSON.stringify(registry)} is not an https URL (or a loopback http one); using the default registry.`);
  } else if (registry !== undefined && registry !== null && registry !== '') bad('local.gpuRegistry', 'must be a URL.');
  return out;
}

function isHttpsOrLoopback(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'https:' || (u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname));
  } catch {
    return false;
  }
}

function isLoopbackUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  } catch {
    return false;
  }
}
