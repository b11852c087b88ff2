// Which llama.cpp build the embedded runtime should use, and which prebuilt node-llama-cpp GPU packages
// that takes. Pure: the probe's answers come in, a decision goes out.

export type GpuSetting = 'auto' | 'off' | 'cuda' | 'vulkan';
export type GpuBackend = 'cuda' | 'vulkan';

/** node-llama-cpp's version (package.json pins it); its GPU packages must be exactly this version. */
export const NODE_LLAMA_CPP_VERSION = '3.22.1';

export interface GpuProbe {
  platform: string;
  arch: string;
  /** The largest NVIDIA GPU nvidia-smi lists. */
  nvidia?: { name: string; bytes: number };
  /** A Vulkan loader (libvulkan.so.1) is installed. */
  vulkanLoader: boolean;
  /** The CUDA 13 runtime libraries (libcudart/libcublas) are installed; without them the -ext package is needed. */
  cudaRuntime: boolean;
}

export type BackendChoice =
  | { kind: 'gpu'; backend: GpuBackend; packages: string[]; gpuName: string }
  | { kind: 'cpu'; reason: string };

/** Unpacked size of each package at NODE_LLAMA_CPP_VERSION, MB (du of the installed 3.22.1 packages), for the offer. */
export const PACKAGE_MB: Record<string, number> = {
  '@node-llama-cpp/linux-x64-cuda': 181,
  '@node-llama-cpp/linux-x64-cuda-ext': 358,
  '@node-llama-cpp/linux-x64-vulkan': 71,
};

export function packagesFor(backend: GpuBackend, cudaRuntime: boolean): string[] {
  if (backend === 'vulkan') return ['@node-llama-cpp/linux-x64-vulkan'];
  return cudaRuntime ? ['@node-llama-cpp/linux-x64-cuda'] : ['@node-llama-cpp/linux-x64-cuda', '@node-llama-cpp/linux-x64-cuda-ext'];
}

/**
 * auto: CUDA on an NVIDIA GPU, else Vulkan where a loader is installed and a GPU is visible, else the CPU.
 * cuda / vulkan: that build or, when the machine cannot run it, the CPU with the reason. off: the CPU.
 */
export function chooseBackend(setting: GpuSetting, p: GpuProbe): BackendChoice {
  if (setting === 'off') return { kind: 'cpu', reason: 'costwise.local.gpu is off' };
  if (p.platform !== 'linux' || p.arch !== 'x64') return { kind: 'cpu', reason: `GPU builds are offered on Linux x64 only (this is ${p.platform} ${p.arch})` };
  const gpuName = p.nvidia?.name ?? 'GPU';
  if (setting === 'cuda' || (setting === 'auto' && p.nvidia)) {
    if (!p.nvidia) return { kind: 'cpu', reason: 'costwise.local.gpu is cuda, but nvidia-smi finds no NVIDIA GPU' };
    return { kind: 'gpu', backend: 'cuda', packages: packagesFor('cuda', p.cudaRuntime), gpuName };
  }
  if (!p.vulkanLoader) return { kind: 'cpu', reason: setting === 'vulkan' ? 'costwise.local.gpu is vulkan, but no Vulkan loader (libvulkan.so.1) is installed' : 'no usable GPU found (no nvidia-smi, no Vulkan loader)' };
  if (setting === 'auto' && !p.nvidia) return { kind: 'cpu', reason: 'a Vulkan loader is installed but no GPU was identified; set costwise.local.gpu to vulkan to try it' };
  return { kind: 'gpu', backend: 'vulkan', packages: packagesFor('vulkan', p.cudaRuntime), gpuName };
}

/** What the user answered to the one-time offer for a backend at a version. */
export interface GpuConsentRecord {
  backend: GpuBackend;
  version: string;
  answer: 'accepted' | 'declined';
}

/**
 * Whether to ask, once per backend and version: 'offer' the first time, 'resume' when the user accepted
 * but the download did not finish, 'none' once it is installed or declined (the command
 * "Costwise: Download GPU Build…" still asks on demand).
 */
export function offerState(choice: BackendChoice, installed: boolean, record: GpuConsentRecord | undefined): 'offer' | 'resume' | 'none' {
  if (choice.kind !== 'gpu' || installed) return 'none';
  if (!record || record.backend !== choice.backend || record.version !== NODE_LLAMA_CPP_VERSION) return 'offer';
  return record.answer === 'accepted' ? 'resume' : 'none';
}
