// The DeepSeek-R1 distills Costwise can run or find locally (FACTS.md §2, Q4_K_M GGUF), and the
// full model's serving figures for the what-if (FACTS.md §4). Speeds are measured: measuredSpeeds.ts.

export interface Distill {
  /** Quality key in the router's score table. */
  key: string;
  label: string;
  params: number;
  /** Size of the Q4_K_M file, bytes (approximate: the publisher's file may differ by a few %). */
  fileBytes: number;
  /** Memory it needs at ~4K context, bytes. */
  memoryBytes: number;
  ollamaTag: string;
  /** A Q4_K_M GGUF download (offered only with the user's consent). */
  download: { url: string; file: string };
  architecture: 'qwen2' | 'llama';
  blockCount: number;
}

const GB = 1e9;
const hf = (repo: string, file: string) => ({ url: `https://huggingface.co/${repo}/resolve/main/${file}`, file });

export const DISTILLS: readonly Distill[] = [
  { key: 'r1-distill-qwen-1.5b', label: 'DeepSeek-R1-Distill-Qwen-1.5B', params: 1.78e9, fileBytes: 1.1 * GB, memoryBytes: 2 * GB, ollamaTag: 'deepseek-r1:1.5b', download: hf('bartowski/DeepSeek-R1-Distill-Qwen-1.5B-GGUF', 'DeepSeek-R1-Distill-Qwen-1.5B-Q4_K_M.gguf'), architecture: 'qwen2', blockCount: 28 },
  { key: 'r1-distill-qwen-7b', label: 'DeepSeek-R1-Distill-Qwen-7B', params: 7.6e9, fileBytes: 4.68 * GB, memoryBytes: 5.5 * GB, ollamaTag: 'deepseek-r1:7b', download: hf('bartowski/DeepSeek-R1-Distill-Qwen-7B-GGUF', 'DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf'), architecture: 'qwen2', blockCount: 28 },
  { key: 'r1-distill-llama-8b', label: 'DeepSeek-R1-Distill-Llama-8B', params: 8.0e9, fileBytes: 4.9 * GB, memoryBytes: 6 * GB, ollamaTag: 'deepseek-r1:8b', download: hf('bartowski/DeepSeek-R1-Distill-Llama-8B-GGUF', 'DeepSeek-R1-Distill-Llama-8B-Q4_K_M.gguf'), architecture: 'llama', blockCount: 32 },
  { key: 'r1-distill-qwen-14b', label: 'DeepSeek-R1-Distill-Qwen-14B', params: 14.8e9, fileBytes: 9.0 * GB, memoryBytes: 11 * GB, ollamaTag: 'deepseek-r1:14b', download: hf('bartowski/DeepSeek-R1-Distill-Qwen-14B-GGUF', 'DeepSeek-R1-Distill-Qwen-14B-Q4_K_M.gguf'), architecture: 'qwen2', blockCount: 48 },
  { key: 'r1-distill-qwen-32b', label: 'DeepSeek-R1-Distill-Qwen-32B', params: 32.8e9, fileBytes: 20 * GB, memoryBytes: 22 * GB, ollamaTag: 'deepseek-r1:32b', download: hf('bartowski/DeepSeek-R1-Distill-Qwen-32B-GGUF', 'DeepSeek-R1-Distill-Qwen-32B-Q4_K_M.gguf'), architecture: 'qwen2', blockCount: 64 },
  { key: 'r1-distill-llama-70b', label: 'DeepSeek-R1-Distill-Llama-70B', params: 70.6e9, fileBytes: 43 * GB, memoryBytes: 48 * GB, ollamaTag: 'deepseek-r1:70b', download: hf('bartowski/DeepSeek-R1-Distill-Llama-70B-GGUF', 'DeepSeek-R1-Distill-Llama-70B-Q4_K_M.gguf'), architecture: 'llama', blockCount: 80 },
];

/** The full DeepSeek-R1 (671B MoE, ~37B active): what serving it yourself takes (FACTS.md §4). */
export const FULL_R1 = {
  params: 671e9,
  activeParams: 37e9,
  weightsBytes: { fp16: 1.34e12, int8: 671e9, int4: 336e9 },
  servers: { fp16: '8 x H100 80 GB (or 16 x A100 80 GB) with NVLink/InfiniBand', int4: '4–6 x A100 80 GB' },
  /** Cloud rental quoted at about CNY 200 per H100-hour. */
  h100HourCny: 200,
} as const;

/** The quality key of a local model from its name or GGUF identity (`…Qwen-7B…`, `deepseek-r1:14b`). */
export function distillKeyOf(name: string): string | undefined {
  if (!/r1|deepseek/i.test(name)) return undefined;
  const m = /(\d+(?:\.\d+)?)\s*b\b/i.exec(name.replace(/[_:-]/g, ' '));
  if (!m) return undefined;
  const key = `r1-distill-${/llama/i.test(name) ? 'llama' : 'qwen'}-${m[1]}b`;
  return DISTILLS.some((d) => d.key === key) ? key : undefined;
}
