import { LIVEBENCH_CODING } from '../routing/qualityScores';
import { distillKeyOf } from './distills';

/**
 * Open-weight models beyond the R1 distills that have a coding score (FACTS.md §6): a local model is one
 * of these only when its identity says so exactly — GGUF `general.basename` + `general.size_label`
 * (what Ollama's /api/show reports too) or an Ollama tag `name:size` — never by a loose name match.
 */
export const SCORED_OPEN_WEIGHTS: readonly string[] = ['qwen3.6-27b'];

export interface LocalIdentity {
  /** Ollama tag, server model id or file name. */
  name?: string;
  /** GGUF `general.basename` (or `general.name`). */
  basename?: string;
  /** GGUF `general.size_label`, e.g. `27B`. */
  sizeLabel?: string;
}

const known = (key: string) => (SCORED_OPEN_WEIGHTS.includes(key) && LIVEBENCH_CODING.some((r) => r.model === key) ? key : undefined);

/** The quality key of a local model (an R1 distill's, or a scored open-weight model's), or undefined. */
export function localModelKey(id: LocalIdentity): string | undefined {
  const distill = distillKeyOf(`${id.basename ?? ''} ${id.sizeLabel ?? ''}`) ?? distillKeyOf(id.name ?? '');
  if (distill) return distill;
  if (id.basename && id.sizeLabel) {
    const key = known(`${id.basename}-${id.sizeLabel}`.trim().toLowerCase().replace(/\s+/g, '-'));
    if (key) return key;
  }
  const tag = /^([a-z0-9][a-z0-9.-]*):(\d+(?:\.\d+)?b)$/i.exec(id.name ?? '');
  return tag ? known(`${tag[1]}-${tag[2]}`.toLowerCase()) : undefined;
}
