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
}

export const DEFAULT_LOCAL: LocalRuntimeSettings = { embedded: true, modelPath: '', threads: 0, contextSize: 8192, idleMinutes: 10, discovery: true, serverUrls: [] };

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
  return out;
}

function isLoopbackUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  } catch {
    return false;
  }
}
