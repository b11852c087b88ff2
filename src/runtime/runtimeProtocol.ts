import type { GenerationReport } from './llamaServer';

/** What the extension host sends its embedded-runtime child. */
export type ParentMessage =
  | { type: 'start'; options: { modelPath: string; token: string; threads: number; contextSize?: number; host?: string; port?: number } }
  | { type: 'stop' };

/** What the child answers. */
export type ChildMessage =
  | { type: 'ready'; url: string; modelId: string; loadMs: number; contextSize: number }
  | { type: 'failed'; message: string }
  | { type: 'generation'; report: GenerationReport };
