import { DISTILLS, FULL_R1, type Distill } from './distills';
import { CPU_PROVENANCE, CPU_SPEEDS, H200_PROVENANCE, h200Speed, TYPICAL_GPU_TO_H200_BANDWIDTH } from './measuredSpeeds';

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
  /** Which measured hardware the speed comes from, and how it was carried over to this model and machine. */
  source?: string;
}

/** Leave this much memory to the OS, the editor and everything else. */
const HEADROOM_BYTES = 2e9;

/**
 * Decode speed of a distill on the measured H200: its own row when measured (Q4_0), else the nearest
 * measured size scaled by file size (decode is bound by memory bandwidth, so by the bytes read per token).
 */
function h200Decode(d: Distill): { tps: number; from: string } {
  const own = h200Speed(d.key);
  if (own) return { tps: own.decodeTps * (own.fileBytes / d.fileBytes), from: `measured on an ${H200_PROVENANCE.hardware.split(' (')[0]}, ${H200_PROVENANCE.measuredOn}` };
  const measured = DISTILLS.map((x) => ({ x, s: h200Speed(x.key) })).filter((m) => m.s);
  const near = measured.sort((a, b) => Math.abs(a.x.fileBytes - d.fileBytes) - Math.abs(b.x.fileBytes - d.fileBytes))[0]!;
  return { tps: near.s!.decodeTps * (near.s!.fileBytes / d.fileBytes), from: `scaled by file size from the ${near.x.label.replace('DeepSeek-R1-Distill-', '')} measured on an NVIDIA H200, ${H200_PROVENANCE.measuredOn}` };
}

/**
 * Which distill fits this machine and roughly how fast it will write, from measured tables
 * (measuredSpeeds.ts): on a GPU, the H200's measured decode as the upper end and a ~1 TB/s card's share of
 * it as the lower (an H200 is quoted as measured); on the CPU, the development machine's measured
 * one-thread rate scaled by file size, sublinearly with threads. The runtime's own measured rate replaces
 * these after the first answer.
 */
export function adviseDistills(hw: Hardware): DistillAdvice[] {
  const threads = Math.max(1, hw.physicalCores - 1);
  const cpu = CPU_SPEEDS[0]!;
  return DISTILLS.map((d) => {
    if (hw.gpuMemoryBytes && d.memoryBytes <= hw.gpuMemoryBytes) {
      const { tps, from } = h200Decode(d);
      const isH200 = /\bH200\b/i.test(hw.gpuName ?? '');
      const tokensPerSecond: [number, number] = isH200 ? [round(tps * 0.9), round(tps)] : [round(tps * TYPICAL_GPU_TO_H200_BANDWIDTH), round(tps)];
      const source = isH200 ? from : `${from} (upper end); about ${Math.round(TYPICAL_GPU_TO_H200_BANDWIDTH * 100)}% of it on a GPU with ~1 TB/s memory (lower end)`;
      return { distill: d, fit: 'gpu' as const, tokensPerSecond, note: `fits in ${hw.gpuName ?? 'GPU'} memory`, source };
    }
    const usable = hw.totalMemoryBytes - HEADROOM_BYTES;
    const fit: Fit = d.memoryBytes <= usable * 0.6 ? 'cpu' : d.memoryBytes <= usable ? 'tight' : 'no';
    if (fit === 'no') return { distill: d, fit, note: `needs ~${gb(d.memoryBytes)} of memory; this machine has ${gb(hw.totalMemoryBytes)}` };
    const oneCore = cpu.decodeTps * (cpu.fileBytes / d.fileBytes);
    const scaled = oneCore * Math.pow(threads, 0.7);
    const tps: [number, number] = [round(scaled * 0.6), round(scaled * 1.2)];
    const source = `${cpu.decodeTps} tok/s for the 1.5B on 1 thread of ${CPU_PROVENANCE.hardware.split(':')[0]} (measured ${CPU_PROVENANCE.measuredOn}), scaled by file size and threads^0.7`;
    return { distill: d, fit, tokensPerSecond: tps, note: fit === 'tight' ? 'fits, but leaves little memory for other programs' : `runs on ${threads} CPU thread${threads === 1 ? '' : 's'}`, source };
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
