import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import { ASSUMED_LOCAL_TOKENS_PER_SECOND, energyPer1kTokens } from '../core/pricing/energy';
import type { LocalModel } from '../core/routing/registry';
import { distillKeyOf } from '../core/runtime/distills';
import { localModelKey } from '../core/runtime/localModelIdentity';
import { adviseDistills } from '../core/runtime/hardwareAdvisor';
import type { CostwiseSettings } from '../core/settings';
import { discoverLocalServers, DiscoveryCache, lastMisses, type LocalServer } from '../runtime/discovery';
import { EmbeddedRuntime, type RuntimeEvent } from '../runtime/embeddedRuntime';
import type { GpuBuilds } from './gpuBuilds';
import { readGgufInfo } from '../runtime/ggufInfo';
import { defaultThreads, physicalCores } from '../runtime/hardware';
import type { Endpoint } from './routingContext';


export interface LocalOffer {
  endpoints: Endpoint[];
  models: LocalModel[];
}

/**
 * Local models for routing: the embedded runtime (when it has a model file) and the R1 distills of
 * local servers found on loopback. Owns the runtime's lifetime: started on first use by its provider,
 * stopped when idle, when its settings change and on deactivate.
 */
export class LocalModels implements vscode.Disposable {
  private embedded: { key: string; runtime: EmbeddedRuntime } | undefined;
  private discovery: { key: string; cache: DiscoveryCache } | undefined;
  private identity = new Map<string, string | undefined>();
  private outputChannel: vscode.LogOutputChannel | undefined;
  /** Created on first use, not during activation. */
  private get output(): vscode.LogOutputChannel {
    return (this.outputChannel ??= vscode.window.createOutputChannel('Costwise Local Models', { log: true }));
  }
  /** GPU builds on demand (set by the composition root). */
  gpuBuilds: GpuBuilds | undefined;
  private gpuChecked = false;

  constructor(
    private readonly storage: vscode.Uri,
    private readonly extensionUri: vscode.Uri,
  ) {}

  get modelsDir(): string {
    return join(this.storage.fsPath, 'models');
  }

  /** The GGUF file the embedded runtime runs: the setting's, else the newest downloaded model. */
  modelFile(s: CostwiseSettings): string | undefined {
    if (s.local.modelPath) return s.local.modelPath;
    if (!existsSync(this.modelsDir)) return undefined;
    const files = readdirSync(this.modelsDir)
      .filter((f) => f.toLowerCase().endsWith('.gguf'))
      .map((f) => join(this.modelsDir, f))
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
    return files[0];
  }

  /** The running (or startable) embedded runtime for these settings, replacing one built for others. */
  runtime(s: CostwiseSettings): EmbeddedRuntime | undefined {
    const file = this.modelFile(s);
    if (!s.local.embedded || !file) {
      void this.embedded?.runtime.stop();
      this.embedded = undefined;
      return undefined;
    }
    const threads = s.local.threads || defaultThreads();
    const gpu = this.gpuBuilds?.request(s.local);
    const key = JSON.stringify([file, threads, s.local.contextSize, s.local.idleMinutes, gpu]);
    if (!this.gpuChecked && this.gpuBuilds) {
      this.gpuChecked = true;
      void this.gpuBuilds.refresh(s.local).catch((e: unknown) => this.output.warn(`GPU check failed: ${String(e)}`));
    }
    if (this.embedded?.key !== key) {
      void this.embedded?.runtime.stop();
      const runtime = new EmbeddedRuntime({
        entry: vscode.Uri.joinPath(this.extensionUri, 'dist', 'localRuntime.js').fsPath,
        unpackDir: join(this.storage.fsPath, 'runtime'),
        modelPath: file,
        threads,
        contextSize: s.local.contextSize,
        idleMs: s.local.idleMinutes * 60_000,
        ...(gpu ? { gpu } : {}),
        onEvent: (e) => this.onRuntimeEvent(e),
      });
      this.embedded = { key, runtime };
    }
    return this.embedded.runtime;
  }

  /** Local servers found on loopback (cached a minute; `fresh` probes again). */
  async servers(s: CostwiseSettings, fresh = false): Promise<LocalServer[]> {
    if (!s.local.discovery && !s.local.serverUrls.length) return [];
    const key = JSON.stringify([s.local.discovery, s.local.serverUrls]);
    if (this.discovery?.key !== key) {
      const urls = s.local.serverUrls;
      this.discovery = { key, cache: new DiscoveryCache(() => discoverLocalServers({ urls, ...(s.local.discovery ? {} : { servers: [] }) })) };
    }
    if (fresh) this.discovery.cache.invalidate();
    return this.discovery.cache.get();
  }

  /** Addresses probed without finding a server, and why. */
  discoveryMisses(): Array<[string, string]> {
    return [...lastMisses];
  }

  /** Endpoints and models to offer the router. */
  async offer(s: CostwiseSettings): Promise<LocalOffer> {
    const out: LocalOffer = { endpoints: [], models: [] };
    const runtime = this.runtime(s);
    const file = this.modelFile(s);
    if (runtime && file) {
      if (!existsSync(file)) {
        this.output.warn(`costwise.local.modelPath names ${file}, which does not exist.`);
      } else {
        const qualityKey = await this.qualityKeyOf(file);
        const tps = runtime.measuredTokensPerSecond ?? this.estimatedSpeed(qualityKey, s.local.threads) ?? ASSUMED_LOCAL_TOKENS_PER_SECOND;
        out.endpoints.push({ id: 'embedded', kind: 'embedded', baseUrl: 'http://127.0.0.1', apiKey: undefined });
        out.models.push({
          model: basename(file).replace(/\.gguf$/i, ''),
          endpoint: 'embedded',
          contextWindow: s.local.contextSize,
          maxOutput: Math.floor(s.local.contextSize / 2),
          reachable: true,
          costPer1kTokens: energyPer1kTokens(tps, s.energy),
          ...(qualityKey ? { qualityKey } : {}),
        });
      }
    }
    for (const server of await this.servers(s)) {
      const id = `local:${new URL(server.baseUrl).port || server.kind}`;
      const models = server.models.filter((m) => m.qualityKey);
      if (!models.length) continue;
      out.endpoints.push({ id, kind: 'openai-compatible', baseUrl: server.baseUrl, apiKey: 'costwise-local' });
      for (const m of models) {
        out.models.push({
          model: m.id,
          endpoint: id,
          contextWindow: m.contextLength ?? 32_768,
          maxOutput: 8_192,
          reachable: true,
          latencyMs: server.latencyMs,
          costPer1kTokens: energyPer1kTokens(ASSUMED_LOCAL_TOKENS_PER_SECOND, s.energy),
          qualityKey: m.qualityKey!,
        });
      }
    }
    return out;
  }

  private estimatedSpeed(qualityKey: string | undefined, threads: number): number | undefined {
    const cores = threads ? threads + 1 : physicalCores();
    const a = adviseDistills({ totalMemoryBytes: Infinity, freeMemoryBytes: Infinity, physicalCores: cores }).find((x) => x.distill.key === qualityKey);
    return a?.tokensPerSecond ? (a.tokensPerSecond[0] + a.tokensPerSecond[1]) / 2 : undefined;
  }

  /** Which scored model a GGUF file is (an R1 distill, or a scored open-weight model): from its file name, else from its metadata (read once). */
  private async qualityKeyOf(file: string): Promise<string | undefined> {
    const fromName = distillKeyOf(basename(file));
    if (fromName) return fromName;
    if (!this.identity.has(file)) {
      const info = await readGgufInfo(file).catch(() => undefined);
      const m = info?.metadata ?? {};
      this.identity.set(file, localModelKey({ basename: String(m['general.basename'] ?? m['general.name'] ?? ''), sizeLabel: String(m['general.size_label'] ?? '') }));
    }
    return this.identity.get(file);
  }

  /** The embedded runtime's recent events, newest last (shown by "Show Local Models"). */
  readonly recentEvents: string[] = [];

  private onRuntimeEvent(e: RuntimeEvent): void {
    this.recentEvents.push(`${new Date().toISOString()} ${e.type}${'message' in e ? `: ${e.message}` : 'url' in e ? ` ${e.url}` : ''}`);
    if (this.recentEvents.length > 20) this.recentEvents.shift();
    if (e.type === 'starting') this.output.info(`Starting the embedded model ${e.modelPath}`);
    if (e.type === 'ready') {
      this.output.info(`Embedded model ${e.modelId} ready in ${e.loadMs} ms on the ${e.backend} build`);
      this.gpuBuilds?.noteReady(e.backend, e.gpuFallback);
    }
    if (e.type === 'generation') this.output.info(`Generated ${e.report.completionTokens} tokens in ${e.report.generationMs} ms (${e.report.stopReason})`);
    if (e.type === 'stopped') this.output.info(`Embedded model stopped (${e.reason})`);
    if (e.type === 'crashed') {
      this.output.error(`Embedded model crashed: ${e.message}`);
      // Not awaited: the notification stays until the user acts; the next request starts a new process.
      void vscode.window.showErrorMessage(`Costwise: ${e.message}. The next request starts it again.`, 'Show Log').then((pick) => {
        if (pick === 'Show Log') this.output.show();
      });
    }
  }

  log(line: string): void {
    this.output.info(line);
  }

  dispose(): void {
    void this.embedded?.runtime.stop();
    this.outputChannel?.dispose();
  }
}
