// Messages between the extension host and the spend-report webview. The webview is untrusted: every
// message it sends is validated before the host acts on it.
import type { ReportData } from './reportData';

export type HostToReportView = { type: 'data'; data: ReportData } | { type: 'error'; message: string } | { type: 'exported'; file: string; total: number };

export type ReportViewToHost =
  | { type: 'ready' }
  | { type: 'month'; month: string }
  | { type: 'export'; format: 'csv' | 'json' }
  | { type: 'openSettings' };

export function isHostToReportView(m: unknown): m is HostToReportView {
  if (!m || typeof m !== 'object') return false;
  const o = m as Record<string, unknown>;
  if (o.type === 'data') return !!o.data && typeof o.data === 'object';
  if (o.type === 'error') return typeof o.message === 'string';
  if (o.type === 'exported') return typeof o.file === 'string' && typeof o.total === 'number';
  return false;
}

export function isReportViewToHost(m: unknown): m is ReportViewToHost {
  if (!m || typeof m !== 'object') return false;
  const o = m as Record<string, unknown>;
  switch (o.type) {
    case 'ready':
    case 'openSettings':
      return Object.keys(o).length === 1;
    case 'month':
      return typeof o.month === 'string' && /^\d{4}-(0[1-9]|1[0-2])$/.test(o.month);
    case 'export':
      return o.format === 'csv' || o.format === 'json';
    default:
      return false;
  }
}

/** What the webview keeps across reloads (VS Code's setState): only the month it showed. */
export interface ReportViewState {
  month: string;
}
