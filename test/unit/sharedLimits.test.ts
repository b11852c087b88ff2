import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateBudget } from '../../src/core/budget/budget';
import { withSharedLimits } from '../../src/core/budget/sharedLimits';
import { parseSettings, type RawSettings } from '../../src/core/settings';
import { SHARED_LIMITS_DIR, SharedLimitStamps } from '../../src/node/sharedLimitStamps';

const stamp = (value: unknown, at: number, by = 'other:1:1') => ({ value, at, by });

describe('limits shared between windows', () => {
  describe('the stamps beside the ledger', () => {
    let dir: string;
    let stamps: SharedLimitStamps;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'costwise-shared-budget-'));
      stamps = new SharedLimitStamps(join(dir, 'ledger', SHARED_LIMITS_DIR));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('keeps the newest stamp of each setting: an older one never replaces it, other settings are kept', () => {
      assert.deepEqual(stamps.read(), {}, 'none yet');
      stamps.write({ 'budget.monthlyUsd': stamp(1, 2_000, 'a:1:1') });
      stamps.write({ 'budget.monthlyUsd': stamp(50, 1_000, 'b:2:2'), 'budget.dailyUsd': stamp(0.5, 1_000, 'b:2:2') });
      assert.deepEqual(stamps.read(), { 'budget.monthlyUsd': stamp(1, 2_000, 'a:1:1'), 'budget.dailyUsd': stamp(0.5, 1_000, 'b:2:2') });
      stamps.write({ 'budget.monthlyUsd': stamp(2, 3_000, 'b:2:2') });
      assert.equal(stamps.read()['budget.monthlyUsd']?.value, 2);
      assert.deepEqual(readdirSync(stamps.dir).sort(), ['budget.dailyUsd.json', 'budget.monthlyUsd.json'], 'one file per setting, no temporary file left behind');
    });

    it('a damaged stamp reads as no stamp (each window keeps its own setting)', () => {
      stamps.write({ 'budget.monthlyUsd': stamp(1, 1) });
      for (const text of ['{', '[]', 'null', '7', '{"value":1,"at":"soon","by":"a"}', '{"value":1,"at":1}', '{"at":1,"by":"a"}']) {
        writeFileSync(stamps.fileFor('budget.monthlyUsd'), text);
        assert.deepEqual(stamps.read(), {}, text);
      }
    });

    it('two windows stamping different settings at once keep both (one file each)', () => {
      const [a, b] = [new SharedLimitStamps(stamps.dir), new SharedLimitStamps(stamps.dir)];
      a.write({ 'budget.monthlyUsd': stamp(1, 5, 'a:1:1') });
      b.write({ 'budget.dailyUsd': stamp(0.2, 5, 'b:2:2') });
      assert.deepEqual(Object.keys(stamps.read()).sort(), ['budget.dailyUsd', 'budget.monthlyUsd']);
    });

    it('tells a window when another one stamps a change', async () => {
      let heard!: () => void;
      const heardIt = new Promise<void>((r) => (heard = r));
      const w = stamps.watch(() => heard());
      try {
        await w.ready;
        new SharedLimitStamps(stamps.dir).write({ 'budget.monthlyUsd': stamp(3, Date.now()) });
        await heardIt; // the watcher fired (or the test times out)
      } finally {
        w.dispose();
      }
    });
  });

  describe('applying them', () => {
    const raw: RawSettings = { 'endpoint.model': 'm', 'budget.monthlyUsd': 5 };
    const own = parseSettings(raw);
    const cost = (limits: ReturnType<typeof withSharedLimits>, worst: number, provider = 'openai') =>
      evaluateBudget(limits.settings.budget.policy, { provider, model: 'o4-mini', local: false }, worst, () => 0, '2026-11-30');

    it('a stamp equal to this window, or written by it, changes nothing', () => {
      assert.equal(withSharedLimits(own, raw, { 'budget.monthlyUsd': stamp(5, 9) }, 'me'), own);
      assert.equal(withSharedLimits(own, raw, { 'budget.monthlyUsd': stamp(1, 9, 'me') }, 'me'), own);
    });

    it('a limit lowered in another window binds here too, and the refusal says where it comes from', () => {
      const s = withSharedLimits(own, raw, { 'budget.monthlyUsd': stamp(0.01, 9) }, 'me');
      assert.equal(s.settings.budget.monthly, 10_000, 'the status bar shows the tighter limit');
      assert.equal(cost(s, 9_000).admitted, true);
      const v = cost(s, 20_000);
      assert.equal(v.admitted, false, 'fits this window ($5) but not the limit set elsewhere ($0.01)');
      assert.match(v.reason, /costwise\.budget\.monthlyUsd as last set in another window/);
    });

    it('a limit raised in another window does not loosen this one until it sees the change', () => {
      const s = withSharedLimits(own, raw, { 'budget.monthlyUsd': stamp(500, 9) }, 'me');
      assert.equal(s.settings.budget.monthly, 5_000_000);
      assert.equal(cost(s, 6_000_000).admitted, false);
    });

    it('daily and per-provider limits set elsewhere apply in their scope; an invalid one blocks paid calls', () => {
      const s = withSharedLimits(own, raw, { 'budget.dailyUsd': stamp(0.5, 9), 'budget.perProvider': stamp({ openai: { monthlyUsd: 0.1 } }, 9) }, 'me');
      assert.equal(s.settings.budget.daily, 500_000);
      assert.equal(cost(s, 200_000, 'openai').admitted, false, 'openai is held to $0.10');
      assert.equal(cost(s, 200_000, 'anthropic').admitted, true);
      const broken = withSharedLimits(own, raw, { 'budget.monthlyUsd': stamp('lots', 9) }, 'me');
      assert.equal(broken.settings.budget.monthly, 0, 'never read as no limit');
    });
  });
});
