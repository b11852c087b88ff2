import type { FrameLocator, Page } from 'playwright-core';

/** Polls `probe` until it returns a value (not undefined/false) or the time runs out. */
export async function poll<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
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

export function statusBarItem(page: Page, id: string) {
  return page.locator(`#${id.replace(/\./g, '\\.')}`);
}

/** Selects the whole active editor, retrying until the status bar shows a selection. */
export async function selectAll(page: Page): Promise<void> {
  await poll('the whole file to be selected', async () => {
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+A');
    return /\(\d+ selected\)/.test(await page.locator('#workbench\\.parts\\.statusbar').innerText());
  });
}
