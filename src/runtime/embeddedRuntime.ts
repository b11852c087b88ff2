import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { GenerationReport } from './llamaServer';
import type { ChildMessage, GpuRequest, ParentMessage, RuntimeBackend } from './runtimeProtocol';

export interface EmbeddedRuntimeOptions {
  /** The child's entry script (dist/localRuntime.js in the VSIX). */
  entry: string;
  /** Where the child unpacks the VSIX's packed runtime (dist/runtime.tgz) on first use. */
  unpackDir?: string;
  modelPath: string;
  threads: number;
  contextSize?: number;
  /** Stop the child after this long with no request in flight. */
  idleMs: number;
  /** Longest wait for the model to load. */
  startTimeoutMs?: number;
  /** Binds this port instead of a random one (tests serve on LM Studio's port this way). */
  port?: number;
  /** Run on this GPU build (packages fetched with consent); the child falls back to the CPU build, saying why. */
  gpu?: GpuRequest;
  onEvent?: (e: RuntimeEvent) => void;
}

export type RuntimeEvent =
  | { type: 'starting'; modelPath: string }
  | { type: 'ready'; modelId: string; loadMs: number; url: string; backend: RuntimeBackend; gpuFallback?: string }
  | { type: 'generation'; report: GenerationReport }
  | { type: 'stopped'; reason: 'idle' | 'requested' }
  | { type: 'crashed'; message: string };

export interface Lease {
  baseUrl: string;
  token: string;
  modelId: string;
  release(): void;
}

interface Running {
  child: ChildProcess;
  ready: Promise<{ url: string; modelId: string }>;
  stopping: boolean;
}

/** Why a child died, in words a user can act on. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal === 'SIGKILL') return 'the local model process was killed (SIGKILL) — often the system running out of memory; a smaller model may fit';
  if (signal) return `the local model process ended on ${signal}`;
  return `the local model process exited with code ${code}`;
}

/**
 * Supervises the embedded runtime: a child process that loads the GGUF model and serves it on a
 * random loopback port behind a per-session bearer token. Started on first use, stopped when idle or
 * disposed; a crash is reported (the extension host lives on) and the next request starts a new child.
 */
export class EmbeddedRuntime {
  private running: Running | undefined;
  private leases = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly token = randomBytes(24).toString('base64url');
  /** The build the running child uses ('cpu' until one is ready). */
  backend: RuntimeBackend = 'cpu';
  /** Decode speed measured over recent generations (tokens/s), once there is one. */
  measuredTokensPerSecond: number | undefined;

  constructor(private readonly o: EmbeddedRuntimeOptions) {}

  get isRunning(): boolean {
    return !!this.running && !this.running.stopping;
  }

  get pid(): number | undefined {
    return this.running?.child.pid;
  }

  /** Starts the runtime if needed and holds it (no idle stop) until `release()`. */
  async acquire(): Promise<Lease> {
    this.leases++;
    this.clearIdle();
    try {
      const r = this.running && !this.running.stopping ? this.running : this.start();
      const { url, modelId } = await r.ready;
      let released = false;
      return {
        baseUrl: url,
        token: this.token,
        modelId,
        release: () => {
          if (released) return;
          released = true;
          this.leases--;
          this.armIdle();
        },
      };
    } catch (e) {
      this.leases--;
      this.armIdle();
      throw e;
    }
  }

  async stop(reason: 'idle' | 'requested' = 'requested'): Promise<void> {
    const r = this.running;
    if (!r) return;
    this.clearIdle();
    r.stopping = true;
    const exited = new Promise<void>((resolve) => (r.child.exitCode !== null || r.child.signalCode !== null ? resolve() : r.child.once('exit', () => resolve())));
    this.send(r.child, { type: 'stop' });
    const timer = setTimeout(() => r.child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
    if (this.running === r) this.running = undefined;
    this.o.onEvent?.({ type: 'stopped', reason });
  }

  private start(): Running {
    this.o.onEvent?.({ type: 'starting', modelPath: this.o.modelPath });
    const child = fork(this.o.entry, [], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      // VS Code desktop runs extensions in Electron: make the child plain Node.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      serialization: 'json',
    });
    let stderr = '';
    child.stderr?.on('data', (b: Buffer) => (stderr = (stderr + b.toString('utf8')).slice(-2000)));
    const r: Running = { child, stopping: false, ready: undefined as never };
    r.ready = new Promise((resolve, reject) => {
      const timeout = setTimeout(() => {
        reject(new Error(`the local model did not load within ${Math.round((this.o.startTimeoutMs ?? 300_000) / 1000)} s`));
        child.kill('SIGKILL');
      }, this.o.startTimeoutMs ?? 300_000);
      child.on('message', (m: ChildMessage) => {
        if (m.type === 'ready') {
          clearTimeout(timeout);
          this.backend = m.backend;
          this.o.onEvent?.({ type: 'ready', modelId: m.modelId, loadMs: m.loadMs, url: m.url, backend: m.backend, ...(m.gpuFallback ? { gpuFallback: m.gpuFallback } : {}) });
          resolve({ url: m.url, modelId: m.modelId });
        } else if (m.type === 'failed') {
          clearTimeout(timeout);
          reject(new Error(`the local model could not start: ${m.message}`));
        } else if (m.type === 'generation') this.noteGeneration(m.report);
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timeout);
        const message = describeExit(code, signal) + (stderr.trim() ? ` (${stderr.trim().split('\n').pop()})` : '');
        reject(new Error(message));
        if (this.running === r) this.running = undefined;
        if (!r.stopping) this.o.onEvent?.({ type: 'crashed', message });
      });
      child.on('error', (e) => {
        clearTimeout(timeout);
        reject(e);
      });
    });
    r.ready.catch(() => undefined);
    this.send(child, {
      type: 'start',
      options: { modelPath: this.o.modelPath, token: this.token, threads: this.o.threads, ...(this.o.contextSize ? { contextSize: this.o.contextSize } : {}), ...(this.o.port ? { port: this.o.port } : {}), ...(this.o.gpu ? { gpu: this.o.gpu } : {}), ...(this.o.unpackDir ? { unpackDir: this.o.unpackDir } : {}) },
    });
    this.running = r;
    return r;
  }

  private noteGeneration(g: GenerationReport): void {
    if (g.completionTokens >= 8 && g.generationMs > 0) {
      const rate = (g.completionTokens * 1000) / g.generationMs;
      this.measuredTokensPerSecond = this.measuredTokensPerSecond === undefined ? rate : 0.7 * this.measuredTokensPerSecond + 0.3 * rate;
    }
    this.o.onEvent?.({ type: 'generation', report: g });
  }

  private send(child: ChildProcess, m: ParentMessage): void {
    if (child.connected) child.send(m);
  }

  private clearIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  private armIdle(): void {
    this.clearIdle();
    if (this.leases > 0 || !this.running) return;
    this.idleTimer = setTimeout(() => void this.stop('idle'), this.o.idleMs);
    this.idleTimer.unref();
  }
}
