import { isDecisionViewData, isHostToDecisionView, type DecisionRow, type DecisionViewData, type DecisionViewToHost } from '../shared/decisionProtocol';

declare function acquireVsCodeApi(): {
  postMessage(m: DecisionViewToHost): void;
  setState(s: DecisionViewData | undefined): void;
  getState(): unknown;
};

const vscode = acquireVsCodeApi();
const root = document.getElementById('root')!;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

const MARK: Record<DecisionRow['kind'], string> = { chosen: 'chosen', fallback: 'fallback', rejected: 'rejected' };

/** One candidate: a table row when wide, a card (the same cells stacked, each labelled) when narrow. */
function candidateRow(r: DecisionRow, i: number): HTMLTableRowElement {
  const tr = el('tr', `row ${r.kind}`);
  tr.tabIndex = i === 0 ? 0 : -1;
  tr.setAttribute('aria-label', `${MARK[r.kind]}: ${r.model}${r.effort ? `, ${r.effort} effort` : ''}, ${r.endpoint}, quality ${r.quality}, expected ${r.expected}, worst case ${r.worstCase}. ${r.reason}`);
  const cell = (label: string, cls: string, content: string | Node[]) => {
    const td = el('td', cls);
    td.dataset.label = label;
    if (typeof content === 'string') td.textContent = content;
    else td.append(...content);
    tr.append(td);
    return td;
  };
  const name = [el('span', `badge ${r.kind}`, MARK[r.kind]), el('code', 'model-name', r.model)];
  if (r.effort) name.push(el('span', 'effort-inline', ` · ${r.effort}`));
  cell('Model', 'model', name);
  cell('Effort', 'effort', r.effort ?? 'default');
  cell('Endpoint', 'endpoint', r.endpoint);
  cell('Quality', 'num quality', r.quality);
  cell('Expected', 'num cost', r.expected);
  cell('Worst case', 'num cost', r.worstCase);
  const why: Node[] = [el('span', undefined, r.reason)];
  if (r.timeOfDay) why.push(el('span', 'note time', r.timeOfDay));
  if (r.promo) why.push(el('span', 'note promo', r.promo));
  cell('Reason', 'reason', why);
  return tr;
}

/** Arrow keys, Home and End move through the candidates (one tab stop for the whole list). */
function navigate(e: KeyboardEvent): void {
  const rows = [...root.querySelectorAll<HTMLTableRowElement>('tbody tr')];
  const at = rows.indexOf(document.activeElement as HTMLTableRowElement);
  if (at < 0) return;
  const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: rows.length - 1 }[e.key];
  if (to === undefined || !rows[to]) return;
  e.preventDefault();
  rows[at]!.tabIndex = -1;
  rows[to].tabIndex = 0;
  rows[to].focus();
}

function render(d: DecisionViewData | undefined): void {
  root.replaceChildren();
  root.append(el('h1', undefined, 'Why this model?'));
  if (!d) {
    root.append(el('p', 'muted', 'No request has been routed in this window yet. Run “Costwise: Explain Selection” first.'));
    return;
  }
  root.append(el('p', 'summary', d.summary));
  const facts = el('dl', 'facts');
  const fact = (k: string, v: string) => facts.append(el('dt', undefined, k), el('dd', undefined, v));
  fact('Task', d.task);
  fact('Tier', `${d.tier} (${d.thresholds})`);
  fact('Decided', d.decidedAt);
  root.append(facts);
  if (d.timeNotes.length) {
    const notes = el('ul', 'time-notes');
    notes.setAttribute('aria-label', 'Prices by time of day');
    for (const n of d.timeNotes) notes.append(el('li', undefined, n));
    root.append(notes);
  }
  if (d.priceData) root.append(el('p', d.priceData.stale ? 'price-data stale' : 'price-data muted', d.priceData.text));
  const table = el('table', 'candidates');
  table.setAttribute('aria-label', 'Candidates, cheapest first: chosen, fallbacks, then rejections');
  const head = el('tr');
  for (const h of ['Model', 'Effort', 'Endpoint', 'Quality', 'Expected', 'Worst case', 'Reason']) head.append(el('th', ['Quality', 'Expected', 'Worst case'].includes(h) ? 'num' : undefined, h));
  const thead = el('thead');
  thead.append(head);
  const tbody = el('tbody');
  d.rows.forEach((r, i) => tbody.append(candidateRow(r, i)));
  tbody.addEventListener('keydown', navigate);
  table.append(thead, tbody);
  root.append(table);
  root.append(el('p', 'muted', 'Expected cost uses the estimated prompt and the expected output (reasoning included) at the request’s instant; the worst case is what was reserved against your budget. Quality: LiveBench coding at that effort (costwise.routing.quality); tiers: costwise.routing.tiers.'));
  if (d.savings) root.append(el('p', 'muted', d.savings));
}

function show(d: DecisionViewData | undefined): void {
  vscode.setState(d);
  render(d);
  vscode.postMessage({ type: 'rendered', rows: d?.rows.length ?? 0 });
}

window.addEventListener('message', (event: MessageEvent) => {
  if (!isHostToDecisionView(event.data)) return;
  show(event.data.type === 'decision' ? event.data.data : undefined);
});

const saved = vscode.getState();
render(isDecisionViewData(saved) ? saved : undefined);
vscode.postMessage({ type: 'ready' });
