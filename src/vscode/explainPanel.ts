import * as vscode from 'vscode';
import {
  EMPTY_EXPLAIN_VIEW,
  isExplainViewToHost,
  reduceExplainView,
  type ExplainViewState,
  type ExplainViewToHost,
  type HostToExplainView,
} from '../shared/explainProtocol';
import { webviewHtml } from './webviewHtml';
import { EXPLAIN_VIEW_TYPE } from './contributions';

export { EXPLAIN_VIEW_TYPE };

/**
 * The explanation panel beside the editor. Messages are queued until the webview says `ready`, and
 * the host keeps the folded view state so a reloaded or restored panel shows the whole answer.
 */
const INTERRUPTED =
  'This answer was interrupted: the window was reloaded or closed before it finished. Its cost is recorded at the reserved worst case. Explain the selection again for a full answer.';

export class ExplainPanel implements vscode.Disposable {
  private ready = false;
  private queue: HostToExplainView[] = [];
  private state: ExplainViewState = EMPTY_EXPLAIN_VIEW;
  private readonly subs: vscode.Disposable[] = [];
  private disposed = false;
  onCancel: (() => void) | undefined;

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly onMessage: (m: ExplainViewToHost) => void,
  ) {
    panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')] };
    panel.webview.html = webviewHtml(panel.webview, extensionUri, { title: 'Costwise', script: 'explain.js', style: 'explain.css' });
    this.subs.push(
      panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  static create(extensionUri: vscode.Uri, onMessage: (m: ExplainViewToHost) => void): ExplainPanel {
    const panel = vscode.window.createWebviewPanel(EXPLAIN_VIEW_TYPE, 'Costwise: Explanation', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')],
    });
    return new ExplainPanel(panel, extensionUri, onMessage);
  }

  /** Restores a panel VS Code kept across a reload, with the state the webview saved. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, state: unknown, onMessage: (m: ExplainViewToHost) => void): ExplainPanel {
    const p = new ExplainPanel(panel, extensionUri, onMessage);
    const s = state as Partial<ExplainViewState> | undefined;
    if (s && typeof s.text === 'string' && typeof s.model === 'string') {
      // Replayed as messages (each one updates p.state, 'start' clears it): read from the saved state.
      const saved: ExplainViewState = { ...EMPTY_EXPLAIN_VIEW, ...s };
      p.post({ type: 'start', title: saved.title, model: saved.model });
      if (saved.reasoning) p.post({ type: 'reasoning', text: saved.reasoning });
      if (saved.text) p.post({ type: 'text', text: saved.text });
      // Still running when the window went away (reload, crash): say so rather than leave it hanging.
      const interrupted = saved.running && !saved.error && !saved.footer;
      if (interrupted) p.post({ type: 'error', message: INTERRUPTED });
      else p.post(saved.error ? { type: 'error', message: saved.error } : { type: 'done', footer: saved.footer });
    }
    return p;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  get view(): ExplainViewState {
    return this.state;
  }

  post(m: HostToExplainView): void {
    if (this.disposed) return;
    this.state = reduceExplainView(this.state, m);
    if (this.ready) void this.panel.webview.postMessage(m);
    else this.queue.push(m);
  }

  private receive(m: unknown): void {
    if (!isExplainViewToHost(m)) return; // untrusted input: anything unexpected is ignored
    if (m.type === 'ready') {
      this.ready = true;
      for (const q of this.queue.splice(0)) void this.panel.webview.postMessage(q);
      return;
    }
    if (m.type === 'cancel') this.onCancel?.();
    this.onMessage(m);
  }

  reveal(): void {
    this.panel.reveal(vscode.ViewColumn.Beside, true);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.onCancel?.();
    for (const s of this.subs) s.dispose();
    this.panel.dispose();
  }
}
