import type { RequestColumns } from '../shared/reportData';

export type SortKey = 'at' | 'file' | 'model' | 'tier' | 'input' | 'output' | 'cost';

/** Row indexes whose model, file, provider, tier or outcome contains every word of the filter. */
export function filterRows(r: RequestColumns, filter: string): number[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  const out: number[] = [];
  for (let i = 0; i < r.at.length; i++) {
    if (!words.length) {
      out.push(i);
      continue;
    }
    const hay = `${r.model[i]} ${r.file[i]} ${r.provider[i]} ${r.tier[i]} ${r.outcome[i]} ${r.estimated[i] ? 'estimated' : 'reported'}`.toLowerCase();
    if (words.every((w) => hay.includes(w))) out.push(i);
  }
  return out;
}

export function sortRows(r: RequestColumns, rows: number[], key: SortKey, descending: boolean): number[] {
  const col = r[key] as Array<string | number>;
  const dir = descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = col[a]!;
    const y = col[b]!;
    return (typeof x === 'number' ? x - (y as number) : String(x).localeCompare(String(y))) * dir || a - b;
  });
}
