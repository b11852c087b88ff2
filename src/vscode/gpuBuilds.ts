import * as vscode from 'vscode';
import { chooseBackend, NODE_LLAMA_CPP_VERSION, offerState, PACKAGE_MB, type BackendChoice, type GpuConsentRecord } from '../core/runtime/gpuBackend';
import type { LocalRuntimeSettings } from '../core/localSettings';
import { fetchGpuPackage, GpuPackageError, installedEntries } from '../runtime/gpuPackages';
import { probeGpu } from '../runtime/hardware';
import type { GpuRequest } from '../runtime/runtimeProtocol';
import type { SettingsGateway } from './settingsGateway';

const CONSENT_KEY = 'costwise.gpuBuildConsent';

/**
 * GPU builds on demand: decides the backend from costwise.local.gpu and the machine, offers the matching
 * node-llama-cpp GPU packages once (with their size), downloads them with progress and cancel, and hands
 * the embedded runtime the stored packages. A fallback to the CPU build is said once per session.
 */
export class GpuBuilds {
  private choice: BackendChoice | undefined;
  private offeredThisSession = false;
  private fallbackSaid = false;
  private downloading: Promise<boolean> | undefined;

  constructor(
    private readonly storageDir: string,
    private readonly state: vscode.Memento,
    private readonly log: (line: string) => void,
    private readonly onInstalled: () => void,
  ) {}

  /** Probes the machine (nvidia-smi and ldconfig, each asked once per process) and decides the backend. */
  async probe(s: LocalRuntimeSettings): Promise<BackendChoice> {
    return (this.choice = chooseBackend(s.gpu, await probeGpu()));
  }

  /** When the embedded model is used: a GPU build that fits and was never offered is offered, once. */
  async refresh(s: LocalRuntimeSettings): Promise<void> {
    if (this.offeredThisSession) return;
    await this.probe(s);
    if (this.choice!.kind === 'cpu') return this.log(`Embedded model on the CPU build: ${this.choice!.reason}`);
    const choice = this.choice as Extract<BackendChoice, { kind: 'gpu' }>;
    const installed = !!installedEntries(this.storageDir, choice.packages, NODE_LLAMA_CPP_VERSION);
    const offer = offerState(choice, installed, this.state.get<GpuConsentRecord>(CONSENT_KEY));
    if (offer !== 'none' && !this.offeredThisSession) {
      this.offeredThisSession = true;
      void this.offer(s, offer === 'resume');
    }
  }

  /** The GPU build the runtime should load, when it is installed; undefined = the CPU build. */
  request(s: LocalRuntimeSettings): GpuRequest | undefined {
    if (s.gpu === 'off' || this.choice?.kind !== 'gpu') return undefined;
    const packages = installedEntries(this.storageDir, this.choice.packages, NODE_LLAMA_CPP_VERSION);
    return packages ? { backend: this.choice.backend, packages } : undefined;
  }

  /** Asks (or, from the command, asks again even after a decline) and downloads on yes. */
  async offer(s: LocalRuntimeSettings, resume = false): Promise<boolean> {
    const choice = await this.probe(s);
    if (choice.kind !== 'gpu') {
      void vscode.window.showInformationMessage(`Costwise: no GPU build to offer — ${choice.reason}.`);
      return false;
    }
    if (installedEntries(this.storageDir, choice.packages, NODE_LLAMA_CPP_VERSION)) {
      void vscode.window.showInformationMessage(`Costwise: the ${choice.backend} build is already installed.`);
      return true;
    }
    const mb = choice.packages.reduce((a, p) => a + (PACKAGE_MB[p] ?? 0), 0);
    const what = `the ${choice.backend === 'cuda' ? 'CUDA' : 'Vulkan'} build of llama.cpp (${choice.packages.join(' + ')} ${NODE_LLAMA_CPP_VERSION}, about ${mb} MB)`;
    const pick = await vscode.window.showInformationMessage(
      resume ? `Costwise: finish downloading ${what}? It resumes where it stopped.` : `Costwise: this machine has ${choice.gpuName}. Download ${what} from ${s.gpuRegistry} to run local models on the GPU? It is checked against the registry's published sha512 and kept in Costwise's storage.`,
      'Download',
      'Not Now',
      'Never',
    );
    if (pick === 'Never') await this.state.update(CONSENT_KEY, { backend: choice.backend, version: NODE_LLAMA_CPP_VERSION, answer: 'declined' } satisfies GpuConsentRecord);
    if (pick !== 'Download') return false;
    await this.state.update(CONSENT_KEY, { backend: choice.backend, version: NODE_LLAMA_CPP_VERSION, answer: 'accepted' } satisfies GpuConsentRecord);
    return (this.downloading ??= this.download(s, choice).finally(() => (this.downloading = undefined)));
  }

  private async download(s: LocalRuntimeSettings, choice: Extract<BackendChoice, { kind: 'gpu' }>): Promise<boolean> {
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Costwise: downloading the ${choice.backend} build`, cancellable: true }, async (progress, token) => {
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort());
        for (const name of choice.packages) {
          let last = 0;
          await fetchGpuPackage({
            registry: s.gpuRegistry,
            name,
            version: NODE_LLAMA_CPP_VERSION,
            storageDir: this.storageDir,
            signal: ac.signal,
            onProgress: (p) => {
              const pct = p.total ? Math.floor((p.received / p.total) * 100) : 0;
              progress.report({ message: `${name}: ${(p.received / 1e6).toFixed(0)}${p.total ? ` of ${(p.total / 1e6).toFixed(0)}` : ''} MB`, increment: (pct - last) / choice.packages.length });
              last = pct;
            },
          });
          this.log(`Installed ${name}@${NODE_LLAMA_CPP_VERSION} (sha512 checked)`);
        }
      });
    } catch (e) {
      const msg = e instanceof GpuPackageError || e instanceof Error ? e.message : String(e);
      this.log(`GPU build download stopped: ${msg}`);
      void vscode.window.showWarningMessage(`Costwise: ${msg} Local models keep running on the CPU build.`);
      return false;
    }
    void vscode.window.showInformationMessage(`Costwise: the ${choice.backend} build is installed; the local model runs on ${choice.gpuName} from its next start.`);
    this.onInstalled();
    return true;
  }

  /** Called with each runtime start: a GPU build that did not load is said once per session, never silently. */
  noteReady(backend: string, gpuFallback: string | undefined): void {
    if (backend !== 'cpu') this.log(`Embedded model runs on the ${backend} build`);
    if (!gpuFallback) return;
    this.log(`GPU build not used: ${gpuFallback}; running on the CPU build`);
    if (this.fallbackSaid) return;
    this.fallbackSaid = true;
    void vscode.window.showWarningMessage(`Costwise: the local model runs on the CPU build — ${gpuFallback}.`);
  }
}

/** Probes the GPU a little after startup (off the activation path) and again whenever the settings change. */
export function watchGpu(gpuBuilds: GpuBuilds, settings: SettingsGateway): vscode.Disposable[] {
  const probe = () => void gpuBuilds.probe(settings.current().settings.local).catch(() => undefined);
  const first = setTimeout(probe, 2000);
  return [{ dispose: () => clearTimeout(first) }, settings.onDidChange(probe)];
}
