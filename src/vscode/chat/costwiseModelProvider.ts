import * as vscode from 'vscode';
import { AUTO_PREFIX, autoModelInfo, autoTierOf, concreteModelInfo, offerable, type ChatModelInfo } from '../../core/chat/chatModels';
import type { ChatMessage } from '../../core/chat/chatProvider';
import { chatPosition } from '../../core/chat/conversations';
import { toChatMessages } from '../../core/chat/languageModelParts';
import { messageText } from '../../core/chat/requestText';
import { TIERS } from '../../core/settings';
import type { LazyTokenEstimator } from '../../node/lazyTokenEstimator';
import type { SettingsGateway } from '../settingsGateway';
import { ChatRefusal, type ChatAnswer, type ChatService } from './chatService';
import { lmTurns, toolSpecs } from './languageModelParts';


type Info = vscode.LanguageModelChatInformation;

/** A model your allow/deny lists exclude is never offered in the picker (routing would refuse it anyway). */
function listed(model: string, r: { allow: readonly string[]; deny: readonly string[] }): boolean {
  return (!r.allow.length || r.allow.includes(model)) && !r.deny.includes(model);
}

/**
 * `agent` for a step of a tool loop (it carries tool results, or must call a tool), `chat` for the answer to a
 * typed message — even when tools are offered: VS Code's Ask mode offers read-only tools with every question.
 * (The per-run cap applies to every request that offers tools, whatever its task.)
 */
function taskOf(messages: readonly ChatMessage[], tools: boolean, required: boolean): 'chat' | 'agent' {
  return tools && (required || chatPosition(messages).continuesRun) ? 'agent' : 'chat';
}

function toInfo(m: ChatModelInfo): Info {
  return {
    id: m.id,
    name: m.name,
    family: m.family,
    version: '1',
    detail: m.detail,
    tooltip: m.tooltip,
    maxInputTokens: m.maxInputTokens,
    maxOutputTokens: m.maxOutputTokens,
    capabilities: { toolCalling: m.toolCalling, imageInput: m.imageInput },
  };
}

/**
 * Costwise in VS Code's own chat: "Costwise Auto · basic / standard / premium" and each usable, priced,
 * scored model. Requests go through Costwise's routing, budget and ledger; chat has no usage API, so what a
 * request cost shows in Costwise's status bar and report.
 */
export class CostwiseModelProvider implements vscode.LanguageModelChatProvider<Info>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeLanguageModelChatInformation = this.changed.event;
  private readonly subs: vscode.Disposable[] = [];
  /** The last answer (for tests and the participant's /why). */
  last: ChatAnswer | undefined;

  constructor(
    private readonly service: ChatService,
    settings: SettingsGateway,
    private readonly estimator: LazyTokenEstimator,
  ) {
    this.subs.push(settings.onDidChange(() => this.changed.fire()));
  }

  /** Keys set or removed change which models can be offered. */
  refresh(): void {
    this.changed.fire();
  }

  async provideLanguageModelChatInformation(): Promise<Info[]> {
    const { settings, candidates } = await this.service.pool();
    const thresholds = settings.routing.thresholds;
    const autos = TIERS.map((t) => toInfo(autoModelInfo(t, candidates, thresholds, settings.maxOutputTokens)));
    const seen = new Set<string>();
    // Best-scoring effort first, so each model is listed once with its best pair.
    const concrete = [...candidates]
      .sort((a, b) => (b.quality ?? -1) - (a.quality ?? -1) || a.model.localeCompare(b.model))
      .filter((c) => offerable(c) && listed(c.model, settings.routing) && !seen.has(c.model) && seen.add(c.model))
      .map((c) => toInfo(concreteModelInfo(c, thresholds, settings.maxOutputTokens)));
    return [...autos, ...concrete];
  }

  async provideLanguageModelChatResponse(
    model: Info,
    messages: readonly vscode.LanguageModelChatRequestMessage[],
    options: vscode.ProvideLanguageModelChatResponseOptions,
    progress: vscode.Progress<vscode.LanguageModelResponsePart>,
    token: vscode.CancellationToken,
  ): Promise<void> {
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    const tools = toolSpecs(options.tools);
    const tier = autoTierOf(model.id);
    const chatMessages = toChatMessages(lmTurns(messages), model.capabilities.imageInput === true);
    const required = options.toolMode === vscode.LanguageModelChatToolMode.Required;
    try {
      const answer = await this.service.ask({
        ...(tier ? { tier } : { model: model.id }),
        messages: chatMessages,
        ...(tools.length ? { tools, toolMode: required ? 'required' : 'auto' } : {}),
        task: taskOf(chatMessages, tools.length > 0, required),
        signal: abort.signal,
        onEvent: (e) => {
          if (e.type === 'text') progress.report(new vscode.LanguageModelTextPart(e.text));
          else if (e.type === 'toolCall') progress.report(new vscode.LanguageModelToolCallPart(e.call.id, e.call.name, e.call.input));
        },
      });
      this.last = answer;
      const err = answer.result.error;
      if (err && err.kind !== 'cancelled') throw new Error(`Costwise: ${answer.model} failed: ${err.message}`);
    } catch (e) {
      if (e instanceof ChatRefusal) throw new Error(e.message);
      throw e;
    } finally {
      sub.dispose();
    }
  }

  async provideTokenCount(model: Info, text: string | vscode.LanguageModelChatRequestMessage): Promise<number> {
    const plain = typeof text === 'string' ? text : toChatMessages(lmTurns([text]), false).map(messageText).join('\n');
    const estimator = await this.estimator.get();
    if (!estimator) return Math.ceil(plain.length / 4);
    // Auto's model is decided per request: the o200k count, uncalibrated; a concrete model's is calibrated to its family.
    return model.id.startsWith(AUTO_PREFIX) ? estimator.count(plain) : estimator.prompt(plain, model.id, model.family).calibrated;
  }

  dispose(): void {
    this.changed.dispose();
    for (const s of this.subs) s.dispose();
  }
}
