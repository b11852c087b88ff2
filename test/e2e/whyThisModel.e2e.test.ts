import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import type { BrowserSession } from '../harness/browser';
import type { CodeServer } from '../harness/codeServer';
import { FixtureServer } from '../harness/openAIServer';
import { freshWorkspace, openFile, openVsixWorkbench, poll, runCommand, selectAll, setApiKey, SHOTS } from './workbench';


/** The webview content frame that holds `selector` (several webviews are open side by side). */
async function frameWith(page: Page, selector: string): Promise<Frame> {
  return poll(`a webview with ${selector}`, async () => {
    for (const f of page.frames()) if (await f.$(selector).catch(() => null)) return f;
    return undefined;
  }, 60_000);
}

interface Layout {
  width: number;
  rowDisplay: string;
  /** Per model name: line boxes, and whether its box is narrower than its text. */
  names: Array<{ text: string; lines: number; clipped: boolean }>;
  /** Per cost value: how far its text reaches past its card/row and past the viewport (px; <= 0 is fully visible). */
  costs: Array<{ text: string; pastRow: number; pastView: number }>;
  pageScrolls: boolean;
}

/**
 * Measured in the webview: what a person would see (line boxes, overflow), not what the markup says.
 * (Plain JavaScript run in the page: this project's TypeScript has no DOM types outside src/webview.)
 */
const MEASURE = `(() => {
  const view = document.documentElement.clientWidth;
  const names = [...document.querySelectorAll('.model-name')].map((el) => ({ text: el.textContent, lines: el.getClientRects().length, clipped: el.scrollWidth > Math.ceil(el.getBoundingClientRect().width) + 1 }));
  const costs = [...document.querySelectorAll('td.cost')].map((td) => {
    const range = document.createRange();
    range.selectNodeContents(td);
    const text = range.getBoundingClientRect();
    const row = td.closest('tr').getBoundingClientRect();
    return { text: td.textContent, pastRow: text.right - row.right, pastView: text.right - view };
  });
  const firstRow = document.querySelector('tbody tr');
  return { width: view, rowDisplay: firstRow ? getComputedStyle(firstRow).display : '', names, costs, pageScrolls: document.documentElement.scrollWidth > view + 1 };
})()`;

/** Body text and background as drawn, their contrast ratio (WCAG), and the theme's foreground variable. */
const COLOURS = `(() => {
  const rgb = (s) => (s.match(/\\d+(\\.\\d+)?/g) || []).slice(0, 3).map(Number);
  const lum = (c) => {
    const [r, g, b] = c.map((v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const body = getComputedStyle(document.body);
  const [fg, bg] = [lum(rgb(body.color)), lum(rgb(body.backgroundColor))];
  return { dark: document.body.classList.contains('vscode-dark'), themeFg: getComputedStyle(document.documentElement).getPropertyValue('--vscode-foreground').trim(), color: body.color, ratio: (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05) };
})()`;

/** Which candidate row has focus, its outline, and how many rows are tab stops. */
const FOCUS = `(() => {
  const all = [...document.querySelectorAll('tbody tr')];
  const a = document.activeElement;
  return { index: all.indexOf(a), outline: getComputedStyle(a).outlineStyle, tabStops: all.filter((r) => r.tabIndex === 0).length };
})()`;

const measure = (frame: Frame) => frame.evaluate(MEASURE) as Promise<Layout>;

function assertReadable(l: Layout, where: string): void {
  assert.ok(l.names.length >= 1, `${where}: candidates are listed`);
  for (const n of l.names) {
    assert.equal(n.lines, 1, `${where}: ${n.text} is on one line (not broken per letter)`);
    assert.equal(n.clipped, false, `${where}: ${n.text} is not cut off`);
  }
  assert.ok(l.costs.length >= 2 * l.names.length, `${where}: expected and worst case for every candidate`);
  for (const c of l.costs) {
    assert.ok(c.pastRow <= 0.5 && c.pastView <= 0.5, `${where}: ${c.text} is fully visible (${c.pastRow.toFixed(1)} px past its row, ${c.pastView.toFixed(1)} px past the view)`);
  }
  assert.equal(l.pageScrolls, false, `${where}: nothing overflows sideways`);
}

describe('e2e: Why This Model? reads well in a narrow editor column', function () {
  this.timeout(180_000);
  let server: FixtureServer;
  let cs: CodeServer;
  let browser: BrowserSession;

  before(async () => {
    server = await new FixtureServer({ apiKey: 'sk-e2e-why', fixtures: { 'deepseek-flash': 'deepseek-reasoner' } }).start();
    const { runDir, workspace } = freshWorkspace('e2e-why');
    ({ cs, browser } = await openVsixWorkbench({
      runDir,
      workspace,
      userSettings: {
        'costwise.endpoint.baseUrl': server.url,
        'costwise.endpoint.model': 'deepseek-flash',
        'costwise.defaultTier': 'basic',
        'costwise.budget.monthlyUsd': 5,
        'workbench.colorTheme': 'Default Dark Modern',
      },
    }));
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && browser) await browser.page.screenshot({ path: join(SHOTS, `failed-why-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 50)}.png`) }).catch(() => undefined);
  });

  after(async () => {
    await browser?.close();
    await cs?.stop();
    await server?.stop();
  });

  it('after an explain, shows the decision as cards in a ~420 px column: names on one line, costs in full, time of day and price age', async () => {
    const page = browser.page;
    await page.setViewportSize({ width: 900, height: 900 });
    await setApiKey(page, 'sk-e2e-why');
    await openFile(page, 'sample.js');
    await selectAll(page);
    await runCommand(page, 'Costwise: Explain Selection');
    const answer = await frameWith(page, 'article.answer');
    const footer = await poll('the answer footer', async () => (await answer.locator('footer').innerText({ timeout: 1000 })) || undefined, 60_000);
    assert.match(footer, /deepseek-flash · basic/);
    assert.match(footer, /(off-peak|peak) price until (\w{3} \d{4}-\d{2}-\d{2} )?\d{2}:\d{2} UTC/, 'the footer says which price window applied, and until when');

    // Two editor columns (the file, the answer) without the side bar: about 420 px each.
    await runCommand(page, 'View: Close Primary Side Bar');
    await runCommand(page, 'Costwise: Why This Model?');
    const frame = await frameWith(page, 'table.candidates');
    const text = await frame.locator('main').innerText();
    assert.match(text, /deepseek-flash: (off-peak|peak) until (\w{3} \d{4}-\d{2}-\d{2} )?\d{2}:\d{2} UTC \((peak|off-peak) prices from then\)/);
    assert.match(text, /premium ≥ 80 · standard ≥ 72 · basic ≥ 0/);
    const age = /price data (\d+) days? old/.exec(text);
    assert.ok(age, 'the price data age is shown');
    if (Number(age[1]) > 60) {
      assert.equal(await frame.locator('.price-data.stale').count(), 1, 'stale price data is flagged');
      // The footer judges the price actually used: deepseek-flash's is curated (verified 2026-11-30), so it is
      // flagged only once that verification is itself more than 60 days old.
      const curatedStale = Date.now() - Date.parse('2026-11-30T00:00:00Z') > 60 * 86_400_000;
      if (curatedStale) assert.match(footer, /price data \d+ days old \(stale\)/);
      else assert.doesNotMatch(footer, /stale/, 'the curated price used is current');
    }

    const narrow = await measure(frame);
    assert.ok(narrow.width >= 300 && narrow.width <= 520, `the column is narrow (${narrow.width} px)`);
    assert.equal(narrow.rowDisplay, 'block', 'narrow: one card per candidate');
    assertReadable(narrow, `${narrow.width} px`);
    await page.screenshot({ path: join(SHOTS, 'e2e-why-this-model-narrow.png') });

    // Dark theme: text drawn in the theme's foreground, clearly apart from its background.
    const colours = (await frame.evaluate(COLOURS)) as { dark: boolean; themeFg: string; color: string; ratio: number };
    assert.ok(colours.dark, 'the dark theme is in use');
    assert.ok(colours.themeFg, 'VS Code passes its theme variables in');
    assert.ok(colours.ratio >= 4.5, `text contrast ${colours.ratio.toFixed(2)}:1 (${colours.color})`);

    // Keyboard: the list is one tab stop; arrows move through the candidates with a visible focus ring.
    const rows = frame.locator('tbody tr');
    await rows.first().focus();
    await page.keyboard.press('ArrowDown');
    const focus = await frame.evaluate(FOCUS);
    // With one candidate (only the custom endpoint is configured here) the arrow stays on it.
    const count = await rows.count();
    assert.deepEqual(focus, { index: Math.min(1, count - 1), outline: 'solid', tabStops: 1 });
  });

  it('at a wide column the same decision is a table, still readable', async () => {
    const page = browser.page;
    await runCommand(page, 'View: Single Column Editor Layout');
    await page.setViewportSize({ width: 1600, height: 900 });
    const frame = await frameWith(page, 'table.candidates');
    const wide = await poll('the table layout', async () => {
      const l = await measure(frame);
      return l.rowDisplay === 'table-row' ? l : undefined;
    });
    assertReadable(wide, `${wide.width} px`);
    await page.screenshot({ path: join(SHOTS, 'e2e-why-this-model-wide.png') });
  });
});
