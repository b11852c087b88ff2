import * as assert from 'node:assert/strict';
import { formatUsd, formatUsdExact, usdToMicro } from '../../src/core/money';

describe('money', () => {
  it('converts dollars to integer micro-dollars without float drift', () => {
    assert.equal(usdToMicro(0.028), 28_000);
    assert.equal(usdToMicro(2.19), 2_190_000);
    assert.equal(usdToMicro(0.1 + 0.2), 300_000);
  });

  it('rejects amounts that are not money', () => {
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, 1e20]) assert.throws(() => usdToMicro(bad), RangeError);
  });

  it('never shows a real charge as $0.00', () => {
    assert.equal(formatUsd(0), '$0.00');
    assert.equal(formatUsd(1), '$0.000001');
    assert.equal(formatUsd(31), '$0.000031');
    assert.equal(formatUsd(3_100), '$0.0031');
    assert.equal(formatUsd(9_999), '$0.009999');
    assert.equal(formatUsd(10_000), '$0.01');
    assert.equal(formatUsd(18_400_000), '$18.40');
    assert.equal(formatUsd(1_234_567_890), '$1,234.57');
  });

  it('formats exact amounts with six decimals', () => {
    assert.equal(formatUsdExact(1_234_567), '$1.234567');
    assert.equal(formatUsdExact(5), '$0.000005');
  });
});
