import type { Decision } from './router';

const NO_CHOICE = new Set(['retired', 'deny', 'allow', 'available', 'price']);

/**
 * Why only a local model could answer: every remote model is out for want of a key, or because code must
 * stay local (local-only mode, a local-only file) — and a local model is there, below the tier only.
 */
export function whyOnlyLocal(d: Decision): 'key' | 'local-only' | 'private file' | undefined {
  if (!d.rejected.some((r) => r.candidate.local && r.filter === 'tier')) return undefined; // includes unscored local models
  // A model that is no choice at all — retired, excluded by your allow/deny lists, not available to your
  // key, unpriced — neither counts for nor against a local answer.
  const remote = d.rejected.filter((r) => !r.candidate.local && !NO_CHOICE.has(r.filter)).map((r) => r.filter);
  for (const reason of ['local-only', 'private file'] as const) if (remote.includes(reason) && remote.every((f) => f === reason || f === 'key')) return reason;
  return remote.every((f) => f === 'key') ? 'key' : undefined;
}
