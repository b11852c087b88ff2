/** Prints a table to stdout and keeps its rows for the JSON results. */
export const results: Record<string, Array<Record<string, string | number>>> = {};

export function table(title: string, rows: Array<Record<string, string | number>>): void {
  results[title] = rows;
  const cols = Object.keys(rows[0] ?? {});
  const cell = (v: string | number) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : v);
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c] ?? '').length)));
  const line = (vals: string[]) => vals.map((v, i) => (/^[-\d.,x%]+$/.test(v) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ');
  process.stdout.write(`\n## ${title}\n\n${line(cols)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const r of rows) process.stdout.write(line(cols.map((c) => cell(r[c] ?? ''))) + '\n');
}

export function percentile(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

export function time<T>(fn: () => T): [T, number] {
  const t = performance.now();
  const r = fn();
  return [r, performance.now() - t];
}

export async function timeAsync<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await fn();
  return [r, performance.now() - t];
}
