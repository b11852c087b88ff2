import * as vscode from 'vscode';
import type { Engine } from '../engine';
import { ENGINE_COMMANDS, LEDGER_COMMAND, LM_VENDOR, PARTICIPANT_ID, VIEW_TYPES } from './contributions';

/**
 * Registers every command, restorable webview, chat model and the chat participant the manifest names,
 * each answered by the engine — which `engine()` loads on the first call (the ledger password by the
 * spend tracker). Activation registers names only; nothing of routing, pricing or chat is loaded until
 * something is asked.
 */
export function registerLazyContributions(engine: () => Engine, setLedgerPassword: () => Promise<void>, modelsChanged: vscode.EventEmitter<void>): vscode.Disposable[] {
  const models: vscode.LanguageModelChatProvider = {
    onDidChangeLanguageModelChatInformation: modelsChanged.event,
    provideLanguageModelChatInformation: () => engine().chat.provider.provideLanguageModelChatInformation(),
    provideLanguageModelChatResponse: (model, messages, options, progress, token) => engine().chat.provider.provideLanguageModelChatResponse(model, messages, options, progress, token),
    provideTokenCount: (model, text) => engine().chat.provider.provideTokenCount(model, text),
  };
  const participant = vscode.chat.createChatParticipant(PARTICIPANT_ID, (request, context, stream, token) => engine().chat.participant.handle(request, context, stream, token));
  participant.followupProvider = { provideFollowups: (result) => engine().chat.participant.followups(result) };
  return [
    vscode.commands.registerCommand(LEDGER_COMMAND, setLedgerPassword),
    ...ENGINE_COMMANDS.map((id) => vscode.commands.registerCommand(id, (arg?: never) => engine().commands[id](arg))),
    ...VIEW_TYPES.map((type) => vscode.window.registerWebviewPanelSerializer(type, { deserializeWebviewPanel: (panel, state: unknown) => engine().revive[type](panel, state) })),
    vscode.lm.registerLanguageModelChatProvider(LM_VENDOR, models),
    participant,
  ];
}
