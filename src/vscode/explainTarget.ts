import * as vscode from 'vscode';

/** Largest selection Costwise sends (characters); larger ones are refused before anything is spent. */
export const MAX_SELECTION_CHARS = 200_000;

export interface ExplainTarget {
  text: string;
  languageId: string;
  fileName: string;
  /** What was taken when nothing was selected. */
  scope: 'selection' | 'symbol' | 'line';
}

export class TargetError extends Error {}

/** The selection, or else the innermost function/method around the cursor, or else the cursor's line. */
export async function explainTarget(editor: vscode.TextEditor): Promise<ExplainTarget> {
  const doc = editor.document;
  const base = { languageId: doc.languageId, fileName: vscode.workspace.asRelativePath(doc.uri, false) };
  let text: string;
  let scope: ExplainTarget['scope'];
  if (!editor.selection.isEmpty) {
    text = doc.getText(editor.selection);
    scope = 'selection';
  } else {
    const range = await enclosingSymbol(doc, editor.selection.active);
    if (range) {
      text = doc.getText(range);
      scope = 'symbol';
    } else {
      text = doc.lineAt(editor.selection.active.line).text;
      scope = 'line';
    }
  }
  check(text);
  return { ...base, text, scope };
}

function check(text: string): void {
  if (!text.trim()) throw new TargetError('There is nothing to explain here: select some code first.');
  if (text.includes('\u0000')) throw new TargetError('The selection contains binary data (NUL bytes); Costwise only explains text.');
  if (text.length > MAX_SELECTION_CHARS) {
    throw new TargetError(`The selection has ${text.length.toLocaleString('en-US')} characters; Costwise explains at most ${MAX_SELECTION_CHARS.toLocaleString('en-US')} at a time. Select a smaller part.`);
  }
  // VS Code shows bytes it could not decode as U+FFFD: many of them mean a binary or wrongly decoded file.
  let undecodable = 0;
  for (let i = text.indexOf('\uFFFD'); i >= 0; i = text.indexOf('\uFFFD', i + 1)) undecodable++;
  if (undecodable > 8 && undecodable > text.length / 100) {
    throw new TargetError(`The selection has ${undecodable.toLocaleString('en-US')} characters that could not be decoded: the file is binary or not in its editor encoding. Reopen it with the right encoding (status bar) to explain it.`);
  }
}

const CALLABLE = new Set([vscode.SymbolKind.Function, vscode.SymbolKind.Method, vscode.SymbolKind.Constructor, vscode.SymbolKind.Class]);

async function enclosingSymbol(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.Range | undefined> {
  let symbols: vscode.DocumentSymbol[] | undefined;
  try {
    symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', doc.uri);
  } catch {
    return undefined;
  }
  let best: vscode.Range | undefined;
  const visit = (list: readonly vscode.DocumentSymbol[] | undefined) => {
    for (const s of list ?? []) {
      if (!s.range || !s.range.contains(pos)) continue;
      if (CALLABLE.has(s.kind)) best = s.range;
      visit(s.children);
    }
  };
  visit(symbols);
  return best;
}
