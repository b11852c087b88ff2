// Measured speeds that feed the hardware advisor and the report's self-hosting figures, each with the
// hardware and run it comes from. Random weights of the real shapes (speed depends on shapes and
// storage types, not values). Regenerate the GPU rows with bench/gpu/measure.sh on the device, then
// `node bench/gpu/summarize.mjs <results>`; the CPU row with `npm run bench -- local`. docs/bench-gpu.md
// has the full table and how each figure was taken.

export interface Provenance {
  hardware: string;
  software: string;
  measuredOn: string;
  how: string;
}

export const H200_PROVENANCE: Provenance = {
  hardware: 'NVIDIA H200 (143,771 MiB HBM3e), 16 CPU cores',
  software: 'driver 580.159.04, CUDA 13.0, llama.cpp de3ff81 (the source node-llama-cpp 3.22.1 builds), CUDA sm_90, all layers on the GPU',
  measuredOn: '2026-11-30',
  how: 'bench/gpu/measure.sh: llama-bench -p 512 -n 128 -r 3 (median), llama-batched-bench -npp 512 -ntg 128 -npl 1,4,16 -c 16384, VRAM peak from nvidia-smi every 100 ms',
};

export const CPU_PROVENANCE: Provenance = {
  hardware: "the development machine's CPU: AMD EPYC, 2 cores, 24 GiB, shared with other jobs while measured",
  software: 'node-llama-cpp 3.22.1 prebuilt CPU build, 1 thread',
  measuredOn: '2026-11-30',
  how: 'npm run bench -- local (48 tokens decoded in process)',
};

export type Precision = 'Q4_0' | 'F16';

export interface GpuSpeed {
  distill: string;
  precision: Precision;
  fileBytes: number;
  /** Prompt processing, tokens/s (512-token prompt). */
  promptTps: number;
  /** Decode, one sequence, tokens/s. */
  decodeTps: number;
  /** Decode tokens/s summed over all sequences when 1, 4 or 16 run at once. */
  parallelDecodeTps: { 1: number; 4: number; 16: number };
  /** Peak VRAM used, MiB: single-sequence bench, and 16 sequences with a 16K-token context. */
  vramMiB: number;
  vramMiB16Seqs: number;
}

export const H200_SPEEDS: readonly GpuSpeed[] = [
  { distill: 'r1-distill-qwen-1.5b', precision: 'Q4_0', fileBytes: 1060276736, promptTps: 32008, decodeTps: 649.4, parallelDecodeTps: { 1: 589, 4: 1710, 16: 3489 }, vramMiB: 1809, vramMiB16Seqs: 2245 },
  { distill: 'r1-distill-qwen-7b', precision: 'Q4_0', fileBytes: 4425437184, promptTps: 11679, decodeTps: 335.0, parallelDecodeTps: { 1: 323, 4: 928, 16: 2132 }, vramMiB: 4877, vramMiB16Seqs: 5747 },
  { distill: 'r1-distill-qwen-14b', precision: 'Q4_0', fileBytes: 8511758336, promptTps: 5843, decodeTps: 182.5, parallelDecodeTps: { 1: 179, 4: 514, 16: 1115 }, vramMiB: 8719, vramMiB16Seqs: 11697 },
  { distill: 'r1-distill-qwen-32b', precision: 'Q4_0', fileBytes: 18634252288, promptTps: 2789, decodeTps: 98.7, parallelDecodeTps: { 1: 95, 4: 279, 16: 615 }, vramMiB: 18413, vramMiB16Seqs: 22387 },
  { distill: 'r1-distill-qwen-1.5b', precision: 'F16', fileBytes: 3554465792, promptTps: 51886, decodeTps: 424.7, parallelDecodeTps: { 1: 412, 4: 1195, 16: 3677 }, vramMiB: 3967, vramMiB16Seqs: 4403 },
  { distill: 'r1-distill-qwen-7b', precision: 'F16', fileBytes: 15231899648, promptTps: 25959, decodeTps: 197.6, parallelDecodeTps: { 1: 193, 4: 547, 16: 1866 }, vramMiB: 14535, vramMiB16Seqs: 15407 },
  { distill: 'r1-distill-qwen-14b', precision: 'F16', fileBytes: 29541748736, promptTps: 13530, decodeTps: 110.4, parallelDecodeTps: { 1: 108, 4: 317, 16: 1078 }, vramMiB: 27815, vramMiB16Seqs: 30791 },
];

export interface CpuSpeed {
  distill: string;
  precision: Precision;
  fileBytes: number;
  threads: number;
  decodeTps: number;
}

export const CPU_SPEEDS: readonly CpuSpeed[] = [{ distill: 'r1-distill-qwen-1.5b', precision: 'Q4_0', fileBytes: 1060276736, threads: 1, decodeTps: 4.82 }];

/**
 * Decode is bound by memory bandwidth: the H200 (4.8 TB/s by its datasheet) against a GPU with about
 * 1 TB/s (an RTX 4090-class card) is the low end the advisor quotes for an unnamed GPU.
 */
export const TYPICAL_GPU_TO_H200_BANDWIDTH = 1 / 4.8;

export function h200Speed(distill: string, precision: Precision = 'Q4_0'): GpuSpeed | undefined {
  return H200_SPEEDS.find((s) => s.distill === distill && s.precision === precision);
}

export function describeProvenance(p: Provenance): string {
  return `${p.hardware}; ${p.software}; measured ${p.measuredOn} (${p.how})`;
}
