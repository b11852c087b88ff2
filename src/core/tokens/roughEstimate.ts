/**
 * Character-based token estimates, used until the real tokenizer is loaded. `upper` over-counts on
 * purpose (about 3 characters per token, where code averages nearer 4): a reservation must never be
 * smaller than the request it holds money for.
 */
export function upperTokenEstimate(text: string): number {
  return Math.ceil(text.length / 3) + 8;
}

/** A middle estimate for settling a request whose stream carried no usage (flagged as estimated). */
export function typicalTokenEstimate(text: string): number {
  return Math.ceil(text.length / 4);
}
