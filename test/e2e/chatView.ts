// Driving VS Code's Chat view in code-server from Chromium: send, read answers, pick models and modes,
// store keys, edit settings, read the installed extension's ledger.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { CodeServer } from '../harness/codeServer';
import type { RecordedRequest } from '../harness/openAIServer';
import { poll, replaceInUserSettings, runCommand } from './workbench';

export const INPUT = '.interactive-input-part .monaco-editor';
export const SPEND = 'costwise.costwise.spend';

export interface LedgerLine {
  kind: string;
  id: string;
  task?: string;
  model?: string;
  provider?: string;
  cost?: number;
}

export function ledger(cs: CodeServer): LedgerLine[] {
  const dir = cs.ledgerDir('costwise.costwise');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as LedgerLine));
}

/**
 * The chat's answers in the visible session, by their row in the chat list (rows scrolled away leave the
 * DOM, so rows are told apart by their index), with whether each is still streaming.
 */
export async function answers(page: Page): Promise<Array<{ row: number; loading: boolean; text: string }>> {
  return page.locator('.interactive-item-container.interactive-response').evaluateAll((els) =>
    (els as unknown as Array<{ offsetParent: unknown; innerText: string; classList: { contains(c: string): boolean }; closest(s: string): { getAttribute(a: string): string | null } | null }>)
      .filter((e) => e.offsetParent !== null)
      .map((e) => ({ row: Number(e.closest('.monaco-list-row')?.getAttribute('data-index') ?? -1), loading: e.classList.contains('chat-response-loading'), text: e.innerText })),
  );
}

export async function lastRow(page: Page): Promise<number> {
  return Math.max(-1, ...(await answers(page)).map((a) => a.row));
}

/** Types a message into the chat input and sends it (closing any suggestion list first, so Enter sends). */
export async function send(page: Page, text: string): Promise<number> {
  const before = await lastRow(page);
  const input = page.locator(INPUT).first();
  await closeModalEditor(page);
  await input.click();
  await page.keyboard.type(text);
  await poll(`"${text}" to be sent`, async () => {
    if (await page.locator('.suggest-widget.visible').first().isVisible()) await page.keyboard.press('Escape');
    else if ((await input.innerText()).trim()) await page.keyboard.press('Enter');
    return (await lastRow(page)) > before || undefined;
  });
  return before;
}

/** The first answer after row `after` once it is complete. */
export async function answerAfter(page: Page, after: number, what: string, timeoutMs = 60_000): Promise<string> {
  return poll(what, async () => {
    const a = (await answers(page)).find((x) => x.row > after);
    return a && !a.loading && a.text.trim() ? a.text : undefined;
  }, timeoutMs);
}

export async function ask(page: Page, text: string): Promise<string> {
  const n = await send(page, text);
  return answerAfter(page, n, `the answer to "${text}"`);
}

/** Closes a floating editor (Manage Language Models, settings.json) that would take the clicks. */
export async function closeModalEditor(page: Page): Promise<void> {
  const modal = page.locator('.monaco-modal-editor-block').first();
  await poll('the floating editor to close', async () => {
    if (!(await modal.isVisible())) return true;
    const close = modal.locator('[aria-label^="Close"]').first();
    if (await close.isVisible()) await close.click();
    else await page.keyboard.press('Escape');
    return false;
  });
}

/** Picks a mode (Ask, Agent) in the chat input's mode picker. */
export async function chooseMode(page: Page, mode: 'Ask' | 'Agent'): Promise<void> {
  const picker = page.locator('.interactive-input-part a.action-label[aria-haspopup="true"]').filter({ hasText: /^(Agent|Ask|Edit|Plan)$/ }).first();
  await poll(`the ${mode} mode`, async () => {
    if ((await picker.innerText()).trim() === mode) return true;
    await picker.click();
    const row = page.locator(`.action-widget .monaco-list-row[aria-label^="${mode}"]`).first();
    await row.waitFor({ state: 'visible', timeout: 3000 }).catch(() => undefined);
    if (await row.isVisible()) await row.click();
    else await page.keyboard.press('Escape');
    return false; // checked on the next round
  });
}

/** Stores a key as a user does: Set API Key…, the provider's endpoint, the password box. */
export async function setKey(page: Page, endpoint: string, key: string): Promise<void> {
  await runCommand(page, 'Costwise: Set API Key…');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await poll('the API key prompt (a password box)', async () => {
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: endpoint }).first();
    if (await row.isVisible()) await row.click();
    return (await input.getAttribute('type')) === 'password';
  });
  await input.fill(key);
  await page.keyboard.press('Enter');
  await poll('the confirmation that the key was saved', async () => (await page.locator('.notifications-toasts').innerText().catch(() => '')).includes('API key saved'));
}

/** Picks a model by its name in the chat's model picker (opening "Other Models" when it is there). */
export async function pickModel(page: Page, name: string): Promise<void> {
  await poll(`${name} in the model picker`, async () => {
    await closeModalEditor(page);
    const picker = page.locator('.interactive-input-part .model-picker-name').first();
    if ((await picker.getAttribute('aria-label'))?.includes(name)) return true;
    await picker.click();
    const row = page.locator(`.action-widget .monaco-list-row[aria-label^="${name}"]`).first();
    const toggle = page.locator('.action-widget .chat-model-picker-section-toggle').first();
    await row.or(toggle).first().waitFor({ state: 'visible', timeout: 3000 }).catch(() => undefined);
    if (!(await row.isVisible()) && (await toggle.isVisible())) await toggle.click();
    if (await row.isVisible()) await row.click();
    else await page.keyboard.press('Escape');
    return false; // checked on the next round
  }, 60_000);
}

export function lastUserText(r: RecordedRequest): string {
  const messages = (r.body.messages ?? []) as Array<{ role: string; content: unknown }>;
  const user = messages.filter((m) => m.role === 'user').at(-1);
  return typeof user?.content === 'string' ? user.content : JSON.stringify(user?.content ?? '');
}

/** Changes a user setting the way a user does: find and replace in settings.json, save, close it. */
export async function editSetting(page: Page, find: string, replace: string): Promise<void> {
  await replaceInUserSettings(page, find, replace);
  await closeModalEditor(page);
}
