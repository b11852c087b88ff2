import * as vscode from 'vscode';
import { decisionSheet } from '../core/routing/decisionSheet';
import type { Decision } from '../core/routing/router';
import { isDecisionViewData, isDecisionViewToHost, type DecisionViewData, type HostToDecisionView } from '../shared/decisionProtocol';
import { webviewHtml } from './webviewHtml';
import { DECISION_VIEW_TYPE } from './contributions';

export { DECISION_VIEW_TYPE };

/**
 * "Why This Model?": the last routing decision in a webview panel (one per window) that reads well at
 * any width. Data is posted only after the webview says `ready`; a restored panel shows what it showed
 * before the reload until a newer decision arrives.
 */
export class DecisionPanel implements vscode.Disposable {
  private ready = false;
  private rendered: number | undefined;
  private readonly subs: vscode.Disposable[] = [];
  private disposed = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private data: DecisionViewData | undefined,
    private readonly onDispose: () => void,
  ) {
    panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')] };
    panel.webview.html = webviewHtml(panel.webview, extensionUri, { title: 'Costwise: Why This Model?', script: 'decision.js', style: 'decision.css' });
    this.subs.push(
      panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** What the panel shows (tests read it). */
  get shown(): DecisionViewData | undefined {
    return this.data;
  }

  /** The webview has said `ready` (the handshake is done). */
  get isReady(): boolean {
    return this.ready;
  }

  /** How many candidate rows the webview last said it rendered (undefined until it has). */
  get renderedRows(): number | undefined {
    return this.rendered;
  }

  show(data: DecisionViewData | undefined): void {
    this.data = data;
    this.rendered = undefined;
    if (this.ready) this.post();
  }

  private post(): void {
    const m: HostToDecisionView = this.data ? { type: 'decision', data: this.data } : { type: 'empty' };
    void this.panel.webview.postMessage(m);
  }

  private receive(m: unknown): void {
    if (!isDecisionViewToHost(m)) return; // untrusted: anything unexpected is ignored
    if (m.type === 'rendered') {
      this.rendered = m.rows;
      return;
    }
    this.ready = true;
    this.post();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const s of this.subs) s.dispose();
    this.panel.dispose();
    this.onDispose();
  }
}

/** Keeps the window's last decision and the one panel that shows it. */
export class DecisionPanels implements vscode.Disposable {
  private last: DecisionViewData | undefined;
  private current: DecisionPanel | undefined;

  constructor(private readonly extensionUri: vscode.Uri) {}

  get panel(): DecisionPanel | undefined {
    return this.current;
  }

  /** A new decision: kept for the command, and shown at once in an open panel. */
  update(d: Decision): void {
    this.last = decisionSheet(d);
    this.current?.show(this.last);
  }

  open(): DecisionPanel {
    if (this.current) {
      this.current.panel.reveal();
      if (this.last) this.current.show(this.last);
      return this.current;
    }
    const panel = vscode.window.createWebviewPanel(DECISION_VIEW_TYPE, 'Costwise: Why This Model?', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')],
    });
    return this.adopt(panel, this.last);
  }

  /** Restores a panel VS Code kept across a reload; its saved view is validated like any webview input. */
  revive(panel: vscode.WebviewPanel, state: unknown): DecisionPanel {
    this.current?.dispose();
    return this.adopt(panel, this.last ?? (isDecisionViewData(state) ? state : undefined));
  }

  private adopt(panel: vscode.WebviewPanel, data: DecisionViewData | undefined): DecisionPanel {
    const p: DecisionPanel = new DecisionPanel(panel, this.extensionUri, data, () => {
      if (this.current === p) this.current = undefined;
    });
    this.current = p;
    return p;
  }

  dispose(): void {
    this.current?.dispose();
  }
}
