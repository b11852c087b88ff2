import * as vscode from 'vscode';

/** A read-only virtual Markdown document whose text Costwise replaces, shown in the Markdown preview. */
export class MarkdownDocument implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  readonly uri: vscode.Uri;

  constructor(
    readonly scheme: string,
    name: string,
    private text = '',
  ) {
    this.uri = vscode.Uri.parse(`${scheme}:/${name}`);
  }

  provideTextDocumentContent(): string {
    return this.text;
  }

  set(text: string): void {
    this.text = text;
    this.changed.fire(this.uri);
  }

  async show(): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(this.uri);
    await vscode.commands.executeCommand('markdown.showPreview', doc.uri).then(undefined, () => vscode.window.showTextDocument(doc, { preview: true }));
  }
}
