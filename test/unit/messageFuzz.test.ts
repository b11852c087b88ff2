import * as assert from 'node:assert/strict';
import { isDecisionViewToHost } from '../../src/shared/decisionProtocol';
import { isExplainViewToHost } from '../../src/shared/explainProtocol';
import { isReportViewToHost } from '../../src/shared/reportProtocol';
import { xorshift } from '../harness/xorshift';

/** Deterministic pseudo-random values of every JSON shape (and some that JSON cannot carry). */
function generator(seed: number) {
  const next = xorshift(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const TYPES = ['ready', 'rendered', 'cancel', 'whyThisModel', 'escalate', 'month', 'export', 'openSettings', 'run', 'eval', '__proto__', 'constructor', '', 'READY'];
  const STRINGS = ['2026-11', '2026-13', '../../etc/passwd', 'csv', 'json', 'html', '<img src=x onerror=alert(1)>', 'javascript:alert(1)', '\u0000', 'x'.repeat(10_000), '2026-1', '9999-12'];
  const value = (depth: number): unknown => {
    switch (Math.floor(next() * (depth > 2 ? 6 : 9))) {
      case 0: return pick(STRINGS);
      case 1: return Math.floor(next() * 1e6) - 5e5;
      case 2: return pick([NaN, Infinity, -0, 1e308]);
      case 3: return pick([true, false, null, undefined]);
      case 4: return pick(TYPES);
      case 5: return Symbol('x');
      case 6: return Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
      default: {
        const o: Record<string, unknown> = {};
        for (let i = Math.floor(next() * 5); i > 0; i--) o[pick(['type', 'month', 'format', 'extra', 'command', 'args', 'tier', 'rows'])] = value(depth + 1);
        if (next() < 0.7) o.type = pick(TYPES);
        return o;
      }
    }
  };
  return () => value(0);
}

describe('webview → host messages: fuzzed input is rejected with no side effect', () => {
  it('20,000 random messages: only well-formed ones pass, nothing throws, no input is modified', () => {
    const next = generator(0xc057);
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      const m = next();
      const before = typeof m === 'object' && m !== null ? JSON.stringify(m, (_k, v) => (typeof v === 'symbol' ? 'sym' : v)) : undefined;
      const report = isReportViewToHost(m);
      const explain = isExplainViewToHost(m);
      if (before !== undefined) assert.equal(JSON.stringify(m, (_k, v) => (typeof v === 'symbol' ? 'sym' : v)), before, 'the validator does not modify its input');
      if (report) {
        accepted++;
        const o = m as Record<string, unknown>;
        // What passes is exactly a known shape.
        if (o.type === 'month') assert.match(o.month as string, /^\d{4}-(0[1-9]|1[0-2])$/);
        else if (o.type === 'export') assert.ok(o.format === 'csv' || o.format === 'json');
        else assert.deepEqual(Object.keys(o), ['type']);
      }
      if (explain) accepted++;
      if (isDecisionViewToHost(m)) {
        accepted++;
        const o = m as Record<string, unknown>;
        if (o.type === 'rendered') assert.ok(Number.isSafeInteger(o.rows) && (o.rows as number) >= 0 && Object.keys(o).length === 2);
        else assert.deepEqual(Object.keys(o), ['type']);
      }
    }
    assert.ok(accepted > 0, 'some valid messages were generated');
  });

  it('prototype tricks do not pass', () => {
    for (const m of [JSON.parse('{"__proto__":{"type":"ready"}}'), Object.create({ type: 'ready' }), { type: 'month', month: { toString: () => '2026-11' } }, { type: new String('ready') }]) {
      assert.equal(isReportViewToHost(m), false, JSON.stringify(m));
      assert.equal(isDecisionViewToHost(m), false, JSON.stringify(m));
    }
  });
});
