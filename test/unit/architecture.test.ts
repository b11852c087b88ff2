import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Module specifiers a source file imports or requires (static, dynamic and type-only). */
export function importsOf(source: string): string[] {
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;
  return [...source.matchAll(re)].map((m) => m[1]!);
}

function violations(folder: string, banned: (spec: string, file: string) => boolean): string[] {
  return tsFiles(join(ROOT, 'src', folder)).flatMap((f) =>
    importsOf(readFileSync(f, 'utf8'))
      .filter((spec) => banned(spec, f))
      .map((spec) => `${relative(ROOT, f)} imports ${spec}`),
  );
}

describe('architecture (DESIGN.md §1)', () => {
  it('the import scanner sees every form of importing vscode', () => {
    for (const src of [`import * as vscode from 'vscode';`, `import type { Uri } from "vscode"`, `const v = require('vscode')`, `await import('vscode')`, `import 'vscode';`]) {
      assert.deepEqual(importsOf(src), ['vscode'], src);
    }
  });

  for (const folder of ['core', 'providers', 'runtime', 'shared']) {
    it(`src/${folder} never imports vscode`, () => {
      assert.deepEqual(violations(folder, (s) => s === 'vscode'), []);
    });
  }

  it('src/core does no I/O: no node built-ins, SDKs or other layers', () => {
    // Relative imports must land in src/core or src/shared (src/core/runtime is core's own folder, src/runtime is not).
    const inside = (spec: string, file: string) => ['core', 'shared'].some((d) => !relative(join(ROOT, 'src', d), resolve(dirname(file), spec)).startsWith('..'));
    const bad = violations('core', (s, f) => !s.startsWith('.') || !inside(s, f));
    assert.deepEqual(bad, []);
  });

  it('src/core never reads the clock itself', () => {
    const hits = tsFiles(join(ROOT, 'src', 'core')).filter((f) => /Date\.now\(\)|new Date\(\)/.test(readFileSync(f, 'utf8')));
    assert.deepEqual(hits.map((f) => relative(ROOT, f)), []);
  });

  it('src/webview imports only shared/ and its own files (and the markdown renderer and Chart.js)', () => {
    assert.deepEqual(violations('webview', (s) => !(s.startsWith('./') || s.startsWith('../shared/') || s === 'markdown-it' || s === 'chart.js')), []);
  });

  it('only src/vscode/settingsGateway.ts reads configuration', () => {
    const readers = tsFiles(join(ROOT, 'src')).filter((f) => readFileSync(f, 'utf8').includes('getConfiguration('));
    assert.deepEqual(readers.map((f) => relative(ROOT, f)), [join('src', 'vscode', 'settingsGateway.ts')]);
  });
});
