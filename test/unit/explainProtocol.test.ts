import * as assert from 'node:assert/strict';
import { EMPTY_EXPLAIN_VIEW, isExplainViewToHost, isHostToExplainView, reduceExplainView } from '../../src/shared/explainProtocol';

describe('explanation webview protocol', () => {
  it('accepts only the messages a webview may send', () => {
    assert.ok(isExplainViewToHost({ type: 'ready' }));
    assert.ok(isExplainViewToHost({ type: 'cancel' }));
    for (const bad of [null, 'ready', {}, { type: 'eval' }, { type: 'ready', extra: 1 }, { type: ['ready'] }]) assert.equal(isExplainViewToHost(bad), false, JSON.stringify(bad));
  });

  it('validates host messages', () => {
    assert.ok(isHostToExplainView({ type: 'text', text: 'x' }));
    assert.equal(isHostToExplainView({ type: 'text', text: 5 }), false);
    assert.equal(isHostToExplainView({ type: 'done', footer: 'x' }), false);
  });

  it('folds a stream into view state', () => {
    let s = reduceExplainView(EMPTY_EXPLAIN_VIEW, { type: 'start', title: 'f.ts', model: 'm' });
    s = reduceExplainView(s, { type: 'reasoning', text: 'a' });
    s = reduceExplainView(s, { type: 'text', text: 'b' });
    s = reduceExplainView(s, { type: 'text', text: 'c' });
    s = reduceExplainView(s, { type: 'done', footer: undefined });
    assert.deepEqual([s.reasoning, s.text, s.running], ['a', 'bc', false]);
  });
});
