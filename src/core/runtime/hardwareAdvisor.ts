import { DISTILLS, FULL_R1, type Distill } from './distills';

export interface Hardware {
  totalMemoryBytes: number;
  freeMemoryBytes: number;
  physicalCores: number;
  /** Largest GPU's memory, when one is visible. */
  gpuMemoryBytes?: number;
  gpuName?: string;
}

export type Fit = 'gpu' | 'cpu' | 'tight' | 'no';

export interface DistillAdvice {
  distill: Distill;
  fit: Fit;
  /** Rough decode speed range on this machine, tokens/s (undefined when it does not fit). */
  tokensPerSecond?: [number, number];
  note: string;
}

/** Leave this much memory to the OS, the editor and everything else. */
const HEADROOM_BYTES = 2e9;

/**
 * Which distill fits this machine and roughly how fast it will write. CPU decoding is bound by memory
 * bandwidth: speed falls with file size and grows sublinearly with cores (from ~6 tok/s for the 1.5B on
 * one core, FACTS.md §2). These are estimates for choosing a download; the runtime measures the real rate.
 */
export function adviseDistills(hw: Hardware): DistillAdvice[] {
  const threads = Math.max(1, hw.physicalCores - 1);
  const base = DISTILLS[0]!;
  return DISTILLS.map((d) => {
    if (hw.gpuMemoryBytes && d.memoryBytes <= hw.gpuMemoryBytes) {
      return { distill: d, fit: 'gpu' as const, tokensPerSecond: d.gpuTokensPerSecond, note: `fits in ${hw.gpuName ?? 'GPU'} memory` };
    }
    const usable = hw.totalMemoryBytes - HEADROOM_BYTES;
    const fit: Fit = d.memoryBytes <= usable * 0.6 ? 'cpu' : d.memoryBytes <= usable ? 'tight' : 'no';
    if (fit === 'no') return { distill: d, fit, note: `needs ~${gb(d.memoryBytes)} of memory; this machine has ${gb(hw.totalMemoryBytes)}` };
    const oneCore = (base.cpuTokensPerSecondOneCore ?? 6) * (base.fileBytes / d.fileBytes);
    const scaled = oneCore * Math.pow(threads, 0.7);
    const tps: [number, number] = [round(scaled * 0.6), round(scaled * 1.2)];
    return { distill: d, fit, tokensPerSecond: tps, note: fit === 'tight' ? 'fits, but leaves little memory for other programs' : `runs on ${threads} CPU thread${threads === 1 ? '' : 's'}` };
  });
}

/** The largest distill that fits comfortably (the one to suggest), or the smallest when none does. */
export function recommendedDistill(advice: DistillAdvice[]): DistillAdvice {
  const good = advice.filter((a) => a.fit === 'gpu' || (a.fit === 'cpu' && (a.tokensPerSecond?.[0] ?? 0) >= 3));
  return good.at(-1) ?? advice[0]!;
}

/** Whether the full R1 fits at each precision, for the report's what-if. */
export function fullR1WhatIf(hw: Hardware): Array<{ precision: keyof typeof FULL_R1.weightsBytes; weightsBytes: number; fits: boolean }> {
  return (Object.keys(FULL_R1.weightsBytes) as Array<keyof typeof FULL_R1.weightsBytes>).map((p) => ({
    precision: p,
    weightsBytes: FULL_R1.weightsBytes[p],
    fits: FULL_R1.weightsBytes[p] <= Math.max(hw.totalMemoryBytes, hw.gpuMemoryBytes ?? 0),
  }));
}

function round(n: number): number {
  return n >= 10 ? Math.round(n) : Math.round(n * 10) / 10;
}

export function gb(bytes: number): string {
  return `${(bytes / 1e9).toFixed(bytes >= 10e9 ? 0 : 1)} GB`;
}
