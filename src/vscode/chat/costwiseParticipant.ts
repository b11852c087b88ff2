import { basename } from 'node:path';
import * as vscode from 'vscode';
import { budgetMarkdown, conversationName, costMarkdown } from '../../core/chat/spendText';
import type { Clock } from '../../core/clock';
import { localDayKey, localMonthKey } from '../../core/ledger/periods';
import type { SpendLedger } from '../../core/ledger/spendLedger';
import { formatUsd } from '../../core/money';
import { explainMessages } from '../../core/requests/explainPrompt';
import { decisionText } from './decisionText';
import type { ExplainController } from '../explainController';
import { explainTarget, MAX_SELECTION_CHARS, TargetError, type ExplainTarget } from '../explainTarget';
import { isPrivateFile } from '../routingContext';
import type { SettingsGateway } from '../settingsGateway';
import { ChatRefusal, type ChatService } from './chatService';

/** What each answer reports back (VS Code returns it from `workbench.action.chat.open` with blockOnResponse). */
export interface ParticipantMetadata {
  command: string;
  markdown: string;
  model?: string;
  recordId?: string;
  cost?: number;
}

/** A Markdown line under each answer: what it cost. */
function footer(parts: { model?: string; tier?: string; input?: number; output?: number; cost: number; estimated?: boolean }): string {
  if (!parts.model) return `\n\n---\n*Answered by Costwise from its ledger and settings: no model was called, ${formatUsd(0)}.*`;
  return `\n\n---\n*${parts.model}${parts.tier ? ` · ${parts.tier}` : ''} · ${parts.input ?? 0} in / ${parts.output ?? 0} out tokens · ${parts.estimated ? '~' : ''}${formatUsd(parts.cost)}*`;
}

/** `@costwise`: /explain, /cost, /why, /budget. */
export class CostwiseParticipant {
  constructor(
    private readonly service: ChatService,
    private readonly ledger: SpendLedger,
    private readonly settings: SettingsGateway,
    private readonly clock: Clock,
    private readonly explain: ExplainController,
  ) {}

  /** What to offer after an answer (the activation bundle registers the participant and asks here). */
  followups(result: vscode.ChatResult): vscode.ChatFollowup[] {
    return followups((result.metadata as ParticipantMetadata | undefined)?.command);
  }

  async handle(request: vscode.ChatRequest, _context: vscode.ChatContext, stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<vscode.ChatResult> {
    const command = request.command ?? 'help';
    try {
      let markdown: string;
      let meta: Partial<ParticipantMetadata> = {};
      if (command === 'explain') ({ markdown, meta } = await this.explainIn(request, stream, token));
      else {
        markdown = command === 'cost' ? await this.cost() : command === 'why' ? this.why() : command === 'budget' ? await this.budget() : HELP;
        markdown += footer({ cost: 0 });
        stream.markdown(markdown);
      }
      return { metadata: { command, markdown, ...meta } satisfies ParticipantMetadata };
    } catch (e) {
      const message = e instanceof ChatRefusal || e instanceof TargetError ? e.message : `Costwise failed: ${(e as Error).message}`;
      return { errorDetails: { message }, metadata: { command, markdown: '' } };
    }
  }

  private async explainIn(request: vscode.ChatRequest, stream: vscode.ChatResponseStream, token: vscode.CancellationToken) {
    const { settings } = this.settings.current();
    const target = await this.target(request);
    const messages = explainMessages(target);
    if (request.prompt.trim()) messages[1]!.content += `\n\nIn particular: ${request.prompt.trim()}`;
    stream.progress(`Explaining ${target.fileName} (${target.scope}) at the ${settings.defaultTier} tier…`);
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    let markdown = '';
    try {
      const answer = await this.service.ask({
        tier: settings.defaultTier,
        messages,
        task: 'explain',
        localFallback: true,
        fileIsPrivate: target.document ? isPrivateFile(target.document, settings.routing.localOnlyFiles) : false,
        signal: abort.signal,
        onEvent: (e) => {
          if (e.type === 'text') {
            markdown += e.text;
            stream.markdown(e.text);
          }
        },
      });
      const r = answer.result.record;
      if (answer.result.error && answer.result.error.kind !== 'cancelled') throw new ChatRefusal(`Costwise: ${answer.model} failed: ${answer.result.error.message}`);
      const u = r?.usage;
      const below = answer.localFallback && `\n\n*${answer.localFallback === 'key' ? 'No API key is set' : answer.localFallback === 'local-only' ? 'Local-only mode is on' : 'This file is local-only'}, so the local model answered at the basic tier (below the ${settings.defaultTier} tier asked for).*`;
      const foot = (below || '') + footer({ model: answer.model, tier: answer.tier, input: u ? u.inputTokens + u.cachedReadTokens + u.cacheWrite5mTokens + u.cacheWrite1hTokens : 0, output: u?.outputTokens ?? 0, cost: r?.cost ?? 0, estimated: u?.source === 'estimated' });
      stream.markdown(foot);
      return { markdown: markdown + foot, meta: { model: answer.model, ...(r ? { recordId: r.id, cost: r.cost } : {}) } };
    } finally {
      sub.dispose();
    }
  }

  /** A file the request references (#file), else the active editor's selection (or the code around the cursor). */
  private async target(request: vscode.ChatRequest): Promise<ExplainTarget & { document?: vscode.TextDocument }> {
    for (const ref of request.references) {
      const uri = ref.value instanceof vscode.Uri ? ref.value : ref.value instanceof vscode.Location ? ref.value.uri : undefined;
      if (!uri) continue;
      const document = await vscode.workspace.openTextDocument(uri);
      const range = ref.value instanceof vscode.Location ? ref.value.range : undefined;
      const text = document.getText(range);
      if (text.length > MAX_SELECTION_CHARS) throw new TargetError(`${basename(uri.fsPath)} is too long to explain (${text.length.toLocaleString('en-US')} characters; at most ${MAX_SELECTION_CHARS.toLocaleString('en-US')}). Select a part of it.`);
      return { text, languageId: document.languageId, fileName: vscode.workspace.asRelativePath(uri, false), scope: 'selection', document };
    }
    const editor = vscode.window.activeTextEditor;
    if (!editor) throw new TargetError('Open a file and select code, or attach a file (#file), to explain.');
    return { ...(await explainTarget(editor)), document: editor.document };
  }

  private async cost(): Promise<string> {
    const now = this.clock.now();
    const s = (await this.ledger.fold()).summary();
    const id = this.service.book.latest;
    const c = id ? this.service.book.conversation(id) : undefined;
    return costMarkdown({
      month: { label: `This month (${localMonthKey(now)})`, total: s.total, requests: s.requests, byModel: s.byModel, bySurface: s.bySurface },
      conversation: id && c ? { ...c, name: conversationName(id) } : undefined,
    });
  }

  private why(): string {
    const chat = this.service.lastDecision;
    if (chat) return decisionText(chat.decision, 'Why this model? (the last chat request)');
    if (this.explain.lastDecision) return decisionText(this.explain.lastDecision, 'Why this model? (the last Explain Selection)');
    return 'No request has been routed in this window yet.';
  }

  private async budget(): Promise<string> {
    const { settings } = this.settings.current();
    const fold = await this.ledger.fold();
    return budgetMarkdown(settings.budget.policy, settings.budget.perRun, (scope) => fold.spent(scope), localDayKey(this.clock.now()));
  }
}

const HELP = [
  '`@costwise` answers from Costwise\'s ledger and router:',
  '',
  '- `/explain` — explain the selection (or an attached #file) with the cheapest model of your tier',
  '- `/cost` — what this conversation and this month cost, by model and by surface',
  '- `/why` — why the last request went to its model',
  '- `/budget` — your limits and what is left',
  '',
  'Pick **Costwise Auto** in the model picker to route any chat through Costwise.',
].join('\n');

function followups(command: string | undefined): vscode.ChatFollowup[] {
  const f = (cmd: string, label: string): vscode.ChatFollowup => ({ prompt: '', command: cmd, label });
  if (command === 'explain') return [f('cost', 'What did that cost?'), f('why', 'Why this model?')];
  if (command === 'cost') return [f('budget', 'What is left of my budget?')];
  if (command === 'budget') return [f('cost', 'Where did the money go?')];
  if (command === 'why') return [f('cost', 'What did it cost?')];
  return [f('cost', 'What has chat cost me?')];
}
