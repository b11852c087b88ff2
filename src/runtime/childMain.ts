// Entry of the embedded runtime's child process (dist/localRuntime.js). The parent sends one `start`
// message over IPC (the token travels there, never in argv or the environment); the child answers
// `ready` with its URL, reports each generation, and exits when told to or when the parent goes away.
import { startLlamaServer, type LlamaServer } from './llamaServer';
import { join } from 'node:path';
import { redirectPackages } from './packageRedirect';
import { unpackRuntime } from './packedRuntime';
import type { ChildMessage, ParentMessage } from './runtimeProtocol';

let server: LlamaServer | undefined;

function send(m: ChildMessage): void {
  if (process.connected) process.send?.(m);
}

async function stop(code: number): Promise<never> {
  try {
    await server?.close();
  } finally {
    process.exit(code);
  }
}

process.on('message', (m: ParentMessage) => {
  if (m.type === 'stop') void stop(0);
  if (m.type !== 'start') return;
  const { gpu, unpackDir, ...options } = m.options;
  let redirectFailure: string | undefined;
  // The VSIX's packed runtime, unpacked once into global storage (none in a development checkout).
  unpackRuntime(__dirname, unpackDir ?? join(__dirname, '.runtime'))
    .then((unpacked) => {
      const own: Record<string, string> = unpacked ? { 'node-llama-cpp': unpacked } : {};
      try {
        if (gpu) redirectPackages({ ...own, ...gpu.packages });
      } catch (e) {
        // A GPU build that cannot be located falls back to the CPU build, and says why.
        redirectFailure = `the ${gpu!.backend} build could not be located (${e instanceof Error ? e.message : String(e)})`;
      }
      if (unpacked && (!gpu || redirectFailure)) redirectPackages(own);
      return startLlamaServer({ ...options, ...(gpu && !redirectFailure ? { gpu: gpu.backend } : {}), onGenerationEnd: (g) => send({ type: 'generation', report: g }) });
    })
    .then(
    (s) => {
      server = s;
      const gpuFallback = redirectFailure ?? s.gpuFallback;
      send({ type: 'ready', url: s.url, modelId: s.modelId, loadMs: s.loadMs, contextSize: s.contextSize, backend: s.backend, ...(gpuFallback ? { gpuFallback } : {}) });
    },
    (e: unknown) => {
      send({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
      void stop(1);
    },
  );
});
process.on('disconnect', () => void stop(0));
