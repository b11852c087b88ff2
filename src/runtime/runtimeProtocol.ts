import type { GenerationReport } from './llamaServer';

export type RuntimeBackend = 'cpu' | 'cuda' | 'vulkan';

/** Run on a GPU build: the backend, and where each of its packages' entries lies (file URLs). */
export interface GpuRequest {
  backend: 'cuda' | 'vulkan';
  packages: Record<string, string>;
}

/** What the extension host sends its embedded-runtime child. */
export type ParentMessage =
  | { type: 'start'; options: { modelPath: string; token: string; threads: number; contextSize?: number; host?: string; port?: number; gpu?: GpuRequest; /** Where the packed runtime is unpacked (global storage). */ unpackDir?: string } }
  | { type: 'stop' };

/** What the child answers. */
export type ChildMessage =
  | { type: 'ready'; url: string; modelId: string; loadMs: number; contextSize: number; backend: RuntimeBackend; gpuFallback?: string }
  | { type: 'failed'; message: string }
  | { type: 'generation'; report: GenerationReport };
