import * as assert from 'node:assert/strict';
import { DEFAULT_ENERGY, energyCost, energyPer1kTokens } from '../../src/core/pricing/energy';

describe('local inference priced by energy', () => {
  it('charges generation time x watts x price per kWh, in micro-dollars', () => {
    // One hour at 60 W and $0.17/kWh: 0.06 kWh x 0.17 = $0.0102.
    assert.equal(energyCost(3600, DEFAULT_ENERGY), 10_200);
    // 50 s: 10,200 x 50 / 3600 = 141.67 -> 142.
    assert.equal(energyCost(50, DEFAULT_ENERGY), 142);
    assert.equal(energyCost(0.001, DEFAULT_ENERGY), 1, 'any real generation costs something');
    assert.equal(energyCost(0, DEFAULT_ENERGY), 0);
  });

  it('adds hardware amortisation per hour when asked', () => {
    assert.equal(energyCost(3600, { watts: 0, usdPerKwh: 0, hardwareUsdPerHour: 0.5 }), 500_000);
  });

  it('prices 1,000 tokens at a given speed (for ranking before a request)', () => {
    // 20 tokens/s: 50 s per 1,000 tokens.
    assert.equal(energyPer1kTokens(20, DEFAULT_ENERGY), 142);
    assert.equal(energyPer1kTokens(0, DEFAULT_ENERGY), 0);
  });
});
