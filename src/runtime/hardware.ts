import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, freemem, totalmem } from 'node:os';
import type { GpuProbe } from '../core/runtime/gpuBackend';
import type { Hardware } from '../core/runtime/hardwareAdvisor';

/** Physical cores (hyper-threads counted once) from /proc/cpuinfo, else the logical count. */
export function physicalCores(cpuinfo?: string): number {
  const logical = Math.max(1, cpus().length);
  let text = cpuinfo;
  try {
    text ??= readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return logical;
  }
  const cores = new Set<string>();
  for (const block of text.split(/\n\s*\n/)) {
    const phys = /^physical id\s*:\s*(\d+)/m.exec(block)?.[1];
    const core = /^core id\s*:\s*(\d+)/m.exec(block)?.[1];
    if (phys !== undefined && core !== undefined) cores.add(`${phys}:${core}`);
  }
  return cores.size || logical;
}

let gpuProbe: Promise<{ name: string; bytes: number } | undefined> | undefined;

/**
 * The largest NVIDIA GPU's memory, when nvidia-smi is there and answers within 2 s. Asked once per
 * process: the report refreshes on every ledger change and must not spawn a program each time.
 */
function nvidiaGpu(): Promise<{ name: string; bytes: number } | undefined> {
  return (gpuProbe ??= askNvidiaSmi());
}

function askNvidiaSmi(): Promise<{ name: string; bytes: number } | undefined> {
  return new Promise((resolve) => {
    execFile('nvidia-smi', ['--query-gpu=name,memory.total', '--format=csv,noheader,nounits'], { timeout: 2000 }, (err, stdout) => {
      if (err) return resolve(undefined);
      const gpus = stdout
        .trim()
        .split('\n')
        .map((l) => l.split(',').map((s) => s.trim()))
        .filter((p) => p.length === 2 && Number(p[1]) > 0)
        .map(([name, mib]) => ({ name: name!, bytes: Number(mib) * 1024 * 1024 }));
      resolve(gpus.sort((a, b) => b.bytes - a.bytes)[0]);
    });
  });
}

export async function probeHardware(): Promise<Hardware> {
  const gpu = await nvidiaGpu();
  return {
    totalMemoryBytes: totalmem(),
    freeMemoryBytes: freemem(),
    physicalCores: physicalCores(),
    ...(gpu ? { gpuMemoryBytes: gpu.bytes, gpuName: gpu.name } : {}),
  };
}

/** Threads for the embedded runtime: physical cores - 1 (oversubscription collapses ggml), at least 1. */
export function defaultThreads(): number {
  return Math.max(1, physicalCores() - 1);
}

let libraries: Promise<string> | undefined;

/** The dynamic linker's library list (ldconfig -p), asked once; empty when it cannot be read. */
function linkerLibraries(): Promise<string> {
  return (libraries ??= new Promise((resolve) => {
    execFile('ldconfig', ['-p'], { timeout: 2000, maxBuffer: 8 * 1024 * 1024 }, (err, stdout) => resolve(err ? '' : stdout));
  }));
}

/** What the GPU-build choice needs to know: an NVIDIA GPU, a Vulkan loader, the CUDA 13 runtime. */
export async function probeGpu(): Promise<GpuProbe> {
  const [gpu, libs] = await Promise.all([nvidiaGpu(), process.platform === 'linux' ? linkerLibraries() : Promise.resolve('')]);
  return {
    platform: process.platform,
    arch: process.arch,
    ...(gpu ? { nvidia: gpu } : {}),
    vulkanLoader: /\blibvulkan\.so\.1\b/.test(libs),
    cudaRuntime: /\blibcudart\.so\.13\b/.test(libs) && /\blibcublas\.so\.13\b/.test(libs),
  };
}
