import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { launchBrowser, type BrowserSession } from '../harness/browser';
import { CodeServer, toolchainFromEnv } from '../harness/codeServer';
import { eventually } from '../harness/condition';

export const SHOTS = join(resolve(__dirname, '..', '..', '..'), 'test-results');

export const SAMPLE_ADD = 'function add(a, b) {\n  return a + b;\n}\n';

/** An empty run folder `.run/<name>` with a workspace holding `sample.js` (`add` unless told otherwise). */
export function freshWorkspace(name: string, sample = SAMPLE_ADD): { runDir: string; workspace: string } {
  const runDir = join(resolve(__dirname, '..', '..', '..'), '.run', name);
  rmSync(runDir, { recursive: true, force: true });
  const workspace = join(runDir, 'workspace');
  mkdirSync(workspace, { recursive: true });
  writeFileSync(join(workspace, 'sample.js'), sample);
  return { runDir, workspace };
}

/**
 * code-server with the packaged VSIX installed (COSTWISE_VSIX), opened in Chromium and ready.
 * `beforeStart` runs after the user data is prepared (e.g. to seed a ledger).
 */
export async function openVsixWorkbench(o: { runDir: string; workspace: string; userSettings?: Record<string, unknown>; workspaceTrust?: boolean; beforeStart?: (cs: CodeServer) => void }): Promise<{ cs: CodeServer; browser: BrowserSession }> {
  const vsix = process.env.COSTWISE_VSIX;
  if (!vsix) throw new Error('COSTWISE_VSIX is not set: run the e2e suite through `npm test`, which packages the extension first.');
  const cs = new CodeServer(toolchainFromEnv(), { runDir: o.runDir, workspace: o.workspace, ...(o.userSettings ? { userSettings: o.userSettings } : {}), ...(o.workspaceTrust ? { workspaceTrust: true } : {}) });
  cs.prepare();
  o.beforeStart?.(cs);
  cs.installExtension(vsix);
  await cs.start();
  const browser = await launchBrowser(toolchainFromEnv().chromium);
  mkdirSync(SHOTS, { recursive: true });
  await browser.page.goto(cs.workbenchUrl());
  await waitForWorkbench(browser.page);
  return { cs, browser };
}

/** Polls `probe` until it returns a value (not undefined/false) or the time runs out. */
export function poll<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  let last: Error | undefined;
  const tolerant = () => probe().catch((e: Error) => ((last = e), undefined));
  return eventually(`Timed out waiting for ${what}`, tolerant, { timeoutMs, everyMs: 200, detail: () => last?.message ?? 'no error' });
}

export async function waitForWorkbench(page: Page): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
  await page.locator('#workbench\\.parts\\.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
}

const QUICK_INPUT = '.quick-input-widget .quick-input-box input';

/** Runs a command from the palette by its full title; retries while the extension host registers it. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await poll(`the command "${title}" in the palette`, async () => {
    await closeQuickInput(page); // never a bare Escape: in the editor it would clear the selection
    await page.keyboard.press('F1');
    const input = page.locator(QUICK_INPUT);
    await input.waitFor({ state: 'visible', timeout: 5_000 });
    await input.fill(`>${title}`);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    await row.waitFor({ state: 'visible', timeout: 3_000 });
    await page.keyboard.press('Enter');
    return true;
  });
}

async function closeQuickInput(page: Page): Promise<void> {
  if (await page.locator('.quick-input-widget').isVisible()) await page.keyboard.press('Escape');
}

/** Opens a workspace file through Quick Open. */
export async function openFile(page: Page, name: string): Promise<void> {
  await poll(`Quick Open to find ${name}`, async () => {
    await closeQuickInput(page);
    await page.keyboard.press('Control+P');
    const input = page.locator(QUICK_INPUT);
    await input.waitFor({ state: 'visible', timeout: 5_000 });
    await input.fill(name);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ state: 'visible', timeout: 3_000 });
    await page.keyboard.press('Enter');
    await page.locator(`.tabs-container .tab[aria-label*="${name}"]`).first().waitFor({ state: 'visible', timeout: 5_000 });
    return true;
  });
}

/** The content frame of the active webview (two frames deep). */
export function webviewFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** The text of `selector` in every ready webview (a restored window may hold more than one). */
export async function webviewTexts(page: Page, selector: string): Promise<string[]> {
  const n = await page.locator('iframe.webview.ready').count();
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = await page.frameLocator(`iframe.webview.ready >> nth=${i}`).frameLocator('#active-frame').locator(selector).first().innerText({ timeout: 1000 }).catch(() => '');
    if (t) out.push(t);
  }
  return out;
}

export function statusBarItem(page: Page, id: string) {
  return page.locator(`#${id.replace(/\./g, '\\.')}`);
}

/** Selects the whole active editor, retrying until the status bar shows a selection. */
export async function selectAll(page: Page): Promise<void> {
  await poll('the whole file to be selected', async () => {
    // The active group's editor: a settings editor left open elsewhere must not take the click.
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+A');
    return /\(\d+ selected\)/.test(await page.locator('#workbench\\.parts\\.statusbar').innerText());
  });
}

/** Stores an API key the way a user does: Set API Key…, typed into the password box. */
export async function setApiKey(page: Page, key: string): Promise<void> {
  await runCommand(page, 'Costwise: Set API Key…');
  const input = page.locator(QUICK_INPUT);
  // The palette's input box is reused for the key prompt: wait until it has turned into a password box.
  await poll('the API key prompt (a password box)', async () => (await input.getAttribute('type')) === 'password');
  await input.fill(key);
  await page.keyboard.press('Enter');
  await poll('the confirmation that the key was saved', async () => {
    const toasts = await page.locator('.notifications-toasts').innerText().catch(() => '');
    if (toasts.includes('API key saved')) return true;
    if (await input.isVisible()) await page.keyboard.press('Enter'); // validation may still have been pending
    return false;
  });
}

/**
 * Changes user settings the way a user would: Preferences: Open User Settings (JSON), find and
 * replace, save. (Recent VS Code opens it in a floating editor, older ones in a tab: found by its text.)
 */
export async function replaceInUserSettings(page: Page, find: string, replace: string): Promise<void> {
  await runCommand(page, 'Preferences: Open User Settings (JSON)');
  const settingsEditor = page.locator('.monaco-editor .view-lines', { hasText: find.slice(0, 30) }).first();
  await settingsEditor.waitFor({ state: 'visible' });
  await settingsEditor.click();
  await page.keyboard.press('Control+H');
  await page.locator('.find-widget textarea[aria-label="Find"]').fill(find);
  await page.locator('.find-widget textarea[aria-label="Replace"]').fill(replace);
  await page.keyboard.press('Control+Alt+Enter');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+S');
}
