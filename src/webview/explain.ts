import {
  EMPTY_EXPLAIN_VIEW,
  isHostToExplainView,
  reduceExplainView,
  type ExplainViewState,
  type ExplainViewToHost,
} from '../shared/explainProtocol';
import { renderMarkdown } from './markdown';

declare function acquireVsCodeApi(): {
  postMessage(m: ExplainViewToHost): void;
  setState(s: ExplainViewState): void;
  getState(): ExplainViewState | undefined;
};

const vscode = acquireVsCodeApi();
const root = document.getElementById('root')!;
let state: ExplainViewState = EMPTY_EXPLAIN_VIEW;
let scheduled = false;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function render(): void {
  scheduled = false;
  root.replaceChildren();
  if (!state.model) {
    root.append(el('p', 'muted', 'Select code and run “Costwise: Explain Selection”.'));
    return;
  }
  const header = el('header');
  header.append(el('h1', undefined, state.title), el('span', 'model', state.model));
  if (state.running) {
    const cancel = el('button', 'secondary', 'Cancel');
    cancel.addEventListener('click', () => vscode.postMessage({ type: 'cancel' }));
    header.append(cancel);
  }
  root.append(header);
  if (state.reasoning) {
    const details = el('details', 'reasoning');
    details.append(el('summary', undefined, state.running && !state.text ? 'Thinking…' : 'Reasoning'));
    details.append(el('pre', undefined, state.reasoning));
    root.append(details);
  }
  const answer = el('article', 'answer');
  answer.innerHTML = renderMarkdown(state.text); // sanitised: raw HTML disabled, see markdown.ts
  if (state.running && !state.text && !state.reasoning) answer.append(el('p', 'muted', 'Waiting for the model…'));
  root.append(answer);
  if (state.error) {
    const err = el('div', 'error', state.error);
    err.setAttribute('role', 'alert');
    root.append(err);
  }
  if (state.footer) {
    const f = state.footer;
    const footer = el('footer');
    const tokens = `${f.inputTokens.toLocaleString()} in · ${f.outputTokens.toLocaleString()} out${f.reasoningTokens ? ` (${f.reasoningTokens.toLocaleString()} reasoning)` : ''}`;
    footer.append(el('span', 'cost', `${f.cost}${f.estimated ? ' (estimated)' : ''}`), el('span', undefined, ` · ${f.model} · ${f.tier} · ${tokens} · `));
    const why = el('a', undefined, 'Why this model?');
    why.href = '#';
    why.addEventListener('click', (e) => {
      e.preventDefault();
      vscode.postMessage({ type: 'whyThisModel' });
    });
    footer.append(why);
    if (f.saved) footer.append(el('span', 'saved', ` · saved ${f.saved}`));
    if (f.priceWindow) footer.append(el('span', 'price-window', ` · ${f.priceWindow}`));
    if (f.stalePrices) {
      const stale = el('span', 'stale', f.stalePrices);
      stale.title = 'The price data is more than 60 days old: costs may differ from the bill. Update it, or set prices in costwise.prices.';
      footer.append(el('span', undefined, ' · '), stale);
    }
    if (f.tier !== 'premium') {
      const up = el('button', 'secondary escalate', 'Not good enough? Ask a higher tier');
      up.addEventListener('click', () => vscode.postMessage({ type: 'escalate' }));
      footer.append(el('br'), up);
    }
    root.append(footer);
  }
}

function schedule(): void {
  vscode.setState(state);
  if (!scheduled) {
    scheduled = true;
    requestAnimationFrame(render);
  }
}

window.addEventListener('message', (event: MessageEvent) => {
  if (!isHostToExplainView(event.data)) return;
  state = reduceExplainView(state, event.data);
  schedule();
});

document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && state.running) vscode.postMessage({ type: 'cancel' });
});

render();
vscode.postMessage({ type: 'ready' });
