import * as vscode from 'vscode';
import type { Engine } from './engine';
import type { Spend } from './spend';
import { DOCUMENTS } from './vscode/contributions';
import { registerLazyContributions } from './vscode/lazyContributions';
import { MarkdownDocument } from './vscode/markdownDocument';

/** When the engine loads if nothing asked for it sooner: its background work (GPU probe, price updates) starts then. */
const ENGINE_START_MS = 2000;

/**
 * Activation registers names only — every command, restorable view, chat model, the `@costwise`
 * participant and Costwise's documents — and returns. Two bundles do the work: `dist/spend.js`
 * (settings, ledger, status bar, alerts; `src/spend.ts`), built right after activation returns, and
 * `dist/engine.js` (routing, prices, providers, chat, panels, local models; `src/engine.ts`), built on
 * first use or two seconds later. Whatever is asked first loads what it needs, synchronously.
 */
export function activate(context: vscode.ExtensionContext) {
  const documents = { local: new MarkdownDocument(...DOCUMENTS.local), models: new MarkdownDocument(...DOCUMENTS.models), prices: new MarkdownDocument(...DOCUMENTS.prices) };
  const modelsChanged = new vscode.EventEmitter<void>();
  let spendBuilt: Spend | undefined;
  let engineBuilt: Engine | undefined;
  const spend = (): Spend => (spendBuilt ??= built('spend tracker', 'spend', () => (require('./spend') as typeof import('./spend')).createSpend(context)));
  const engine = (): Engine =>
    (engineBuilt ??= built('engine', 'engine', () => {
      const { settings, ledger, ledgerDir } = spend();
      const e = (require('./engine') as typeof import('./engine')).createEngine({ context, settings, ledger, ledgerDir, documents });
      e.disposables.push(e.chat.provider.onDidChangeLanguageModelChatInformation(() => modelsChanged.fire()));
      return e;
    }));
  const start = (what: () => unknown) => () => void Promise.resolve().then(what).catch((e: Error) => vscode.window.showErrorMessage(e.message));
  const timers = [setTimeout(start(spend), 0), setTimeout(start(engine), ENGINE_START_MS)];
  context.subscriptions.push(
    modelsChanged,
    ...Object.values(documents).map((doc) => vscode.workspace.registerTextDocumentContentProvider(doc.scheme, doc)),
    // A key stored or removed changes which models the chat's model picker can offer.
    context.secrets.onDidChange(() => modelsChanged.fire()),
    ...registerLazyContributions(engine, () => spend().setLedgerPassword(), modelsChanged),
    {
      dispose: () => {
        for (const t of timers) clearTimeout(t);
        for (const d of [...(engineBuilt?.disposables ?? []), ...(spendBuilt?.disposables ?? [])]) d.dispose();
      },
    },
  );
  return {
    get statusBar() { return spend().statusBar; },
    get alerts() { return spend().alerts; },
    get ledger() { return spend().ledger; },
    get settings() { return spend().settings; },
    ledgerDir: vscode.Uri.joinPath(context.globalStorageUri, 'ledger').fsPath,
    get explain() { return engine().explain; },
    get local() { return engine().local; },
    get decisions() { return engine().decisions; },
    get modelLists() { return engine().modelLists; },
    get prices() { return engine().prices; },
    get chat() { return engine().chat; },
  };
}

/** Builds one of the bundles, with an error that says which and what to do. */
function built<T>(what: string, bundle: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    throw new Error(`Costwise could not start its ${what} (dist/${bundle}.js): ${(e as Error).message}`);
  }
}

export function deactivate() {}
