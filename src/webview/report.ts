import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import type { ReportData } from '../shared/reportData';
import { isHostToReportView, type ReportViewState, type ReportViewToHost } from '../shared/reportProtocol';
import { breakEven, rentedGpuCost, type SelfHostingAssumptions } from '../shared/selfHosting';
import { formatUsd, formatUsdExact } from '../shared/usd';
import { filterRows, sortRows, type SortKey } from './reportTable';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip, Legend);

declare function acquireVsCodeApi(): { postMessage(m: ReportViewToHost): void; setState(s: ReportViewState): void; getState(): ReportViewState | undefined };

const vscode = acquireVsCodeApi();
const root = document.getElementById('root')!;
const PAGE = 100;
let data: ReportData | undefined;
let chart: Chart | undefined;
const table = { filter: '', sort: 'at' as SortKey, descending: true, page: 0 };

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  // Text only ever goes in as text: model names, file names and the like can never become markup.
  for (const c of children) e.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return e;
}

const int = (n: number) => n.toLocaleString('en-US');
const cssVar = (name: string, fallback: string) => getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
const PALETTE = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-yellow', '--vscode-charts-red'];

function kpi(label: string, value: string, detail = ''): HTMLElement {
  return el('div', { class: 'kpi', role: 'group', 'aria-label': `${label}: ${value}` }, el('div', { class: 'kpi-label' }, label), el('div', { class: 'kpi-value' }, value), el('div', { class: 'kpi-detail' }, detail));
}

function header(d: ReportData): HTMLElement {
  const select = el('select', { id: 'month', 'aria-label': 'Month' });
  for (const m of d.months) {
    const o = el('option', { value: m }, m);
    if (m === d.month) o.selected = true;
    select.append(o);
  }
  select.addEventListener('change', () => {
    vscode.setState({ month: select.value });
    vscode.postMessage({ type: 'month', month: select.value });
  });
  const csv = el('button', { id: 'export-csv', type: 'button' }, 'Export CSV');
  csv.addEventListener('click', () => vscode.postMessage({ type: 'export', format: 'csv' }));
  const json = el('button', { id: 'export-json', type: 'button', class: 'secondary' }, 'Export JSON');
  json.addEventListener('click', () => vscode.postMessage({ type: 'export', format: 'json' }));
  return el('header', {}, el('h1', {}, 'Costwise spend report'), select, csv, json, el('span', { id: 'status', role: 'status' }));
}

/** The month's spend against its budget; on a team ledger, this person's beside the team's (each spent or reserved). */
function spendKpis(d: ReportData): HTMLElement[] {
  const k = d.kpis;
  const reserved = k.reserved ? ` · ${formatUsd(k.reserved)} still reserved` : '';
  const share = (spent: number, limit: number | undefined, whose: string, none: string) =>
    limit === undefined ? none : limit > 0 ? `${Math.round((spent / limit) * 100)} % of ${whose}${formatUsd(limit)}` : `${whose}limit is ${formatUsd(0)}`;
  if (!d.team) return [kpi('Spend', formatUsd(k.spend), share(k.spend, d.budget > 0 ? d.budget : undefined, '', 'no monthly budget set') + reserved)];
  const { person, personal, team } = d.team;
  return [
    kpi('Your spend', formatUsd(personal.spent), `${share(personal.spent, personal.limit, 'your ', 'no personal limit')} · ${person}`),
    kpi('Team spend', formatUsd(team.spent), share(team.spent, team.limit, "the team's ", 'no team limit set') + reserved),
  ];
}

function kpis(d: ReportData): HTMLElement {
  const k = d.kpis;
  const t = k.tokens;
  const localShare = k.requests ? `${Math.round((k.localRequests / k.requests) * 100)} % of requests` : '—';
  return el(
    'section',
    { class: 'kpis', 'aria-label': 'Key figures' },
    ...spendKpis(d),
    kpi('Month-end forecast', d.forecast === undefined ? '—' : formatUsd(d.forecast), d.forecast === undefined ? 'past month' : 'if the daily average so far holds'),
    kpi('Requests', int(k.requests), k.estimatedRequests ? `${int(k.estimatedRequests)} settled at an estimate` : 'all with reported usage'),
    kpi('Tokens', `${int(t.input + t.cachedRead + t.cacheWrite)} in · ${int(t.output)} out`, `${int(t.reasoning)} reasoning · ${int(t.cachedRead)} cached`),
    kpi('Saved by routing', formatUsd(k.saved), 'vs the tier’s most expensive model'),
    kpi('Local', formatUsd(k.localCost), `${localShare}; remote ${formatUsd(k.remoteCost)}`),
  );
}

function chartSection(d: ReportData): HTMLElement {
  const total = d.daily.cost.reduce((a, row) => a + row.reduce((x, y) => x + y, 0), 0);
  const canvas = el('canvas', { id: 'daily-chart', role: 'img', 'aria-label': `Daily spend for ${d.month}, stacked by provider; ${formatUsd(total)} in all.` });
  const section = el('section', { class: 'chart', 'aria-label': 'Daily spend' }, el('h2', {}, 'Daily spend by provider'), el('div', { class: 'chart-box' }, canvas));
  queueMicrotask(() => drawChart(canvas, d));
  return section;
}

function drawChart(canvas: HTMLCanvasElement, d: ReportData): void {
  chart?.destroy();
  const fg = cssVar('--vscode-foreground', '#888');
  const grid = cssVar('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)');
  const labels = d.daily.days.map((day) => day.slice(8));
  const datasets: Array<Record<string, unknown>> = d.daily.providers.map((p, i) => ({
    type: 'bar',
    label: p,
    data: d.daily.cost[i]!.map((c) => c / 1e6),
    backgroundColor: cssVar(PALETTE[i % PALETTE.length]!, '#3794ff'),
    stack: 'spend',
  }));
  if (d.budget > 0) {
    datasets.push({ type: 'line', label: 'Budget per day (even pace)', data: d.daily.days.map(() => d.budget / d.daily.days.length / 1e6), borderColor: cssVar('--vscode-charts-red', '#f14c4c'), borderDash: [4, 4], pointRadius: 0, borderWidth: 1 });
  }
  chart = new Chart(canvas, {
    type: 'bar',
    data: { labels, datasets: datasets as never },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { stacked: true, ticks: { color: fg }, grid: { color: grid } },
        y: { stacked: true, ticks: { color: fg, callback: (v) => `$${Number(v).toFixed(2)}` }, grid: { color: grid } },
      },
      plugins: { legend: { labels: { color: fg } }, tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${formatUsd(Math.round(Number(c.raw) * 1e6))}` } } },
    },
  });
}

function bucketTable(title: string, rows: Array<{ key: string; cost: number; requests: number }>, total: number): HTMLElement {
  const body = el('tbody');
  for (const r of rows.slice(0, 12)) body.append(el('tr', {}, el('td', {}, r.key), el('td', { class: 'num' }, int(r.requests)), el('td', { class: 'num' }, formatUsd(r.cost)), el('td', { class: 'num' }, total ? `${Math.round((r.cost / total) * 100)} %` : '—')));
  if (!rows.length) body.append(el('tr', {}, el('td', { colspan: '4' }, 'Nothing this month')));
  return el('table', { class: 'breakdown', 'aria-label': `Spend by ${title}` }, el('caption', {}, `By ${title}`), el('thead', {}, el('tr', {}, el('th', {}, title), el('th', { class: 'num' }, 'requests'), el('th', { class: 'num' }, 'cost'), el('th', { class: 'num' }, 'share'))), body);
}

function requestsSection(d: ReportData): HTMLElement {
  const section = el('section', { class: 'requests', 'aria-label': 'Requests' }, el('h2', {}, 'Requests'));
  const input = el('input', { id: 'filter', type: 'search', placeholder: 'Filter by model, file, provider, tier…', 'aria-label': 'Filter requests', value: table.filter });
  const holder = el('div', { id: 'request-table' });
  input.addEventListener('input', () => {
    table.filter = input.value;
    table.page = 0;
    drawRequests(holder, d);
  });
  section.append(input, holder);
  drawRequests(holder, d);
  return section;
}

const COLUMNS: Array<[SortKey, string, boolean]> = [
  ['at', 'time', false],
  ['file', 'file', false],
  ['model', 'model', false],
  ['tier', 'tier', false],
  ['input', 'in', true],
  ['output', 'out', true],
  ['cost', 'cost', true],
];

function drawRequests(holder: HTMLElement, d: ReportData): void {
  const rows = sortRows(d.requests, filterRows(d.requests, table.filter), table.sort, table.descending);
  const r = d.requests;
  const pages = Math.max(1, Math.ceil(rows.length / PAGE));
  table.page = Math.min(table.page, pages - 1);
  const head = el('tr');
  for (const [key, label, num] of COLUMNS) {
    const sorted = table.sort === key;
    const b = el('button', { type: 'button', class: 'sort', 'aria-label': `Sort by ${label}` }, label + (sorted ? (table.descending ? ' ▾' : ' ▴') : ''));
    b.addEventListener('click', () => {
      table.descending = table.sort === key ? !table.descending : num || key === 'at';
      table.sort = key;
      drawRequests(holder, d);
    });
    head.append(el('th', { class: num ? 'num' : '', 'aria-sort': sorted ? (table.descending ? 'descending' : 'ascending') : 'none' }, b));
  }
  head.append(el('th', {}, 'usage'));
  const body = el('tbody');
  let shownCost = 0;
  for (const i of rows) shownCost += r.cost[i]!;
  for (const i of rows.slice(table.page * PAGE, (table.page + 1) * PAGE)) {
    body.append(
      el(
        'tr',
        {},
        el('td', {}, new Date(r.at[i]!).toLocaleString()),
        el('td', {}, r.file[i]!),
        el('td', {}, r.model[i]!),
        el('td', {}, r.tier[i]!),
        el('td', { class: 'num' }, int(r.input[i]!)),
        el('td', { class: 'num' }, int(r.output[i]!) + (r.reasoning[i] ? ` (${int(r.reasoning[i]!)})` : '')),
        el('td', { class: 'num' }, formatUsd(r.cost[i]!)),
        el('td', {}, r.estimated[i] ? 'estimated' : r.outcome[i] === 'ok' ? 'reported' : r.outcome[i]!),
      ),
    );
  }
  const prev = el('button', { type: 'button', class: 'secondary', id: 'prev-page' }, '‹ Newer');
  const next = el('button', { type: 'button', class: 'secondary', id: 'next-page' }, 'Older ›');
  prev.disabled = table.page === 0;
  next.disabled = table.page >= pages - 1;
  prev.addEventListener('click', () => (table.page--, drawRequests(holder, d)));
  next.addEventListener('click', () => (table.page++, drawRequests(holder, d)));
  holder.replaceChildren(
    el('p', { id: 'request-count', role: 'status' }, `${int(rows.length)} of ${int(r.at.length)} requests · ${formatUsdExact(shownCost)}`),
    el('div', { class: 'scroll' }, el('table', { class: 'request-table' }, el('thead', {}, head), body)),
    el('div', { class: 'pager' }, prev, el('span', {}, `page ${table.page + 1} of ${pages}`), next),
  );
}

function yearSection(d: ReportData): HTMLElement {
  const body = el('tbody');
  let spend = 0;
  let requests = 0;
  for (const m of d.year) {
    spend += m.spend;
    requests += m.requests;
    const go = el('button', { type: 'button', class: 'sort', 'aria-label': `Show ${m.month}` }, m.month);
    go.addEventListener('click', () => {
      vscode.setState({ month: m.month });
      vscode.postMessage({ type: 'month', month: m.month });
    });
    body.append(el('tr', m.month === d.month ? { class: 'current', 'aria-current': 'true' } : {}, el('td', {}, go), el('td', { class: 'num' }, int(m.requests)), el('td', { class: 'num' }, formatUsd(m.spend)), el('td', { class: 'num' }, formatUsd(m.localCost))));
  }
  body.append(el('tr', { class: 'total' }, el('td', {}, `${d.month.slice(0, 4)} so far`), el('td', { class: 'num' }, int(requests)), el('td', { class: 'num' }, formatUsd(spend)), el('td', {}, '')));
  return el('section', { class: 'year', 'aria-label': 'The year' }, el('h2', {}, `The year ${d.month.slice(0, 4)}`), el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'month'), el('th', { class: 'num' }, 'requests'), el('th', { class: 'num' }, 'spend'), el('th', { class: 'num' }, 'local (energy)'))), body));
}

function whatIfSection(d: ReportData): HTMLElement {
  const body = el('tbody');
  const actual = d.kpis.spend;
  for (const w of d.whatIf) {
    const diff = w.cost === undefined ? '' : w.cost === actual ? '=' : `${w.cost > actual ? '+' : '−'}${formatUsd(Math.abs(w.cost - actual))}`;
    body.append(el('tr', { class: w.kind }, el('td', {}, w.model), el('td', {}, w.provider), el('td', { class: 'num' }, w.cost === undefined ? 'n/a' : formatUsd(w.cost)), el('td', { class: 'num' }, diff), el('td', { class: 'note' }, w.note)));
  }
  return el(
    'section',
    { class: 'whatif', 'aria-label': 'What if' },
    el('h2', {}, 'What the same work would have cost'),
    el('p', {}, `This month’s actual usage (${formatUsd(actual)}) re-priced on every catalog model at list price, and on local models by energy.`),
    el('div', { class: 'scroll' }, el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'model'), el('th', {}, 'where'), el('th', { class: 'num' }, 'cost'), el('th', { class: 'num' }, 'vs actual'), el('th', {}, 'basis'))), body)),
  );
}

function selfHostingSection(d: ReportData): HTMLElement {
  const s = d.selfHosting;
  const a: SelfHostingAssumptions = { apiSpendUsdPerMonth: s.apiSpendPerMonth / 1e6, usdPerCny: s.usdPerCny, fullR1: { ...s.fullR1 }, distill: { ...s.distill } };
  const out = el('tbody');
  const redraw = () => {
    out.replaceChildren();
    for (const b of breakEven(a)) {
      const times = Number.isFinite(b.timesCurrentSpend) ? `${b.timesCurrentSpend.toFixed(b.timesCurrentSpend < 10 ? 1 : 0)} × this month’s API spend` : 'no API spend to compare';
      const payback = Number.isFinite(b.paybackMonths) ? `${b.paybackMonths < 1200 ? b.paybackMonths.toFixed(0) : '> 1,200'} months` : '—';
      out.append(el('tr', {}, el('td', {}, b.option), el('td', { class: 'num' }, `$${b.monthlyUsd.toLocaleString('en-US', { maximumFractionDigits: 0 })}/month`), el('td', {}, times), el('td', { class: 'num' }, payback)));
    }
  };
  const field = (label: string, get: () => number, set: (v: number) => void, step = 'any') => {
    const input = el('input', { type: 'number', step, min: '0', value: String(get()), 'aria-label': label });
    input.addEventListener('input', () => {
      const v = Number(input.value);
      if (Number.isFinite(v) && v >= 0) {
        set(v);
        redraw();
      }
    });
    return el('label', {}, el('span', {}, label), input);
  };
  redraw();
  return el(
    'section',
    { class: 'selfhost', 'aria-label': 'Self-hosting break-even' },
    el('h2', {}, 'Running it yourself: break-even'),
    el('p', {}, 'Owning the hardware pays off when your API spend reaches its monthly cost. Edit the assumptions (from the DeepSeek-R1 serving figures: 8 x H100 at about CNY 2.0–2.4M, several kW, 3-year amortisation).'),
    el(
      'div',
      { class: 'fields' },
      field('API spend per month (USD)', () => a.apiSpendUsdPerMonth, (v) => (a.apiSpendUsdPerMonth = v)),
      field('USD per CNY', () => a.usdPerCny, (v) => (a.usdPerCny = v)),
      field('R1 server price (CNY)', () => a.fullR1.serverCny, (v) => (a.fullR1.serverCny = v)),
      field('R1 server power (kW)', () => a.fullR1.powerKw, (v) => (a.fullR1.powerKw = v)),
      field('Workstation price (USD)', () => a.distill.hardwareUsd, (v) => (a.distill.hardwareUsd = v)),
      field('Workstation hours per day', () => a.distill.hoursPerDay, (v) => (a.distill.hoursPerDay = v)),
      field('Amortisation (months)', () => a.fullR1.amortizationMonths, (v) => ((a.fullR1.amortizationMonths = v || 1), (a.distill.amortizationMonths = v || 1)), '1'),
    ),
    el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'option'), el('th', { class: 'num' }, 'owning costs'), el('th', {}, 'break-even'), el('th', { class: 'num' }, 'payback at this spend'))), out),
    rentedGpuPart(s.gpu, field),
  );
}

/** A distill on a rented GPU by the hour, from the measured tokens per GPU-hour at 1, 4 and 16 parallel requests. */
function rentedGpuPart(g: ReportData['selfHosting']['gpu'], field: (label: string, get: () => number, set: (v: number) => void) => HTMLElement): HTMLElement {
  let price = g.usdPerGpuHour;
  const body = el('tbody');
  const redraw = () => {
    body.replaceChildren();
    for (const c of rentedGpuCost(g.throughput, price, g.monthlyGeneratedTokens)) {
      body.append(
        el('tr', {}, el('td', {}, c.model), el('td', { class: 'num' }, String(c.batch)), el('td', { class: 'num' }, Math.round(c.tokensPerGpuHour).toLocaleString('en-US')), el('td', { class: 'num' }, `$${c.usdPerMillionTokens.toFixed(2)}`), el('td', { class: 'num' }, `$${c.monthlyUsd.toFixed(2)}`)),
      );
    }
  };
  const input = field('GPU rental (USD per hour)', () => price, (v) => ((price = v), redraw()));
  redraw();
  return el(
    'div',
    { class: 'rented-gpu' },
    el('h3', {}, 'A distill on a rented GPU'),
    el('p', {}, `Tokens per GPU-hour from ${g.throughput.hardware}. Batching serves several requests per read of the weights, so it pays only with that many requests at once. This month: ${g.monthlyGeneratedTokens.toLocaleString('en-US')} generated tokens.`),
    el('div', { class: 'fields' }, input),
    el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'model (Q4_0)'), el('th', { class: 'num' }, 'parallel requests'), el('th', { class: 'num' }, 'tokens per GPU-hour'), el('th', { class: 'num' }, 'per 1M tokens'), el('th', { class: 'num' }, 'this month’s tokens'))), body),
  );
}

function render(d: ReportData): void {
  const total = d.kpis.spend;
  const sections: Node[] = [header(d), kpis(d)];
  if (d.kpis.corruptLines) sections.push(el('p', { class: 'warning', role: 'alert' }, `${d.kpis.corruptLines} damaged ledger line(s) are left out of these figures (kept in the file).`));
  if (!d.kpis.requests) sections.push(el('p', { class: 'empty' }, `No requests in ${d.month}.`));
  sections.push(
    chartSection(d),
    el('section', { class: 'breakdowns', 'aria-label': 'Breakdowns' }, ...(d.breakdowns.person ? [bucketTable('person', d.breakdowns.person, total)] : []), bucketTable('model', d.breakdowns.model, total), bucketTable('provider', d.breakdowns.provider, total), bucketTable('surface', d.breakdowns.surface, total), ...(d.breakdowns.conversation ? [bucketTable('conversation', d.breakdowns.conversation, total)] : []), bucketTable('workspace', d.breakdowns.workspace, total)),
    requestsSection(d),
    yearSection(d),
    whatIfSection(d),
    selfHostingSection(d),
  );
  root.replaceChildren(...sections);
}

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  const m = e.data;
  if (!isHostToReportView(m)) return;
  if (m.type === 'data') {
    data = m.data;
    vscode.setState({ month: data.month });
    render(data);
  } else if (m.type === 'error') root.replaceChildren(el('p', { class: 'warning', role: 'alert' }, m.message));
  else if (m.type === 'exported') {
    const status = document.getElementById('status');
    if (status) status.textContent = `Exported to ${m.file} (${formatUsdExact(m.total)})`;
  }
});
// Re-theme the chart when VS Code switches themes (body classes change).
new MutationObserver(() => data && chart && drawChart(chart.canvas, data)).observe(document.body, { attributes: true, attributeFilter: ['class'] });

root.replaceChildren(el('p', {}, 'Reading the ledger…'));
vscode.postMessage({ type: 'ready' });
