import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { SHARED_LIMITS_DIR, SharedLimitStamps } from '../../src/node/sharedLimitStamps';
import { costwise, setUserSetting, waitFor } from './helpers';

describe('limits shared with other windows, inside VS Code', () => {
  it('a lower limit another window stamped binds here and the tooltip says so; setting the limit here replaces it', async () => {
    const api = await costwise();
    await setUserSetting('budget.monthlyUsd', 5);
    const file = new SharedLimitStamps(join(api.ledgerDir, SHARED_LIMITS_DIR));
    assert.equal(file.read()['budget.monthlyUsd']?.value, 5, 'a change made here is stamped for the other windows');
    // Another window (a code-server tab this one has not heard from) lowered the limit to $0.50.
    file.write({ 'budget.monthlyUsd': { value: 0.5, at: Date.now(), by: 'other-host:42:1' } });
    await waitFor('the lower limit to apply here', () => (api.settings.current().settings.budget.monthly === 500_000 ? true : undefined));
    await waitFor('the status bar to show it', () => (api.statusBar.text.includes('/ $0.50') ? true : undefined));
    assert.match(api.statusBar.tooltip, /A stricter limit set in another window applies here/);
    // The user sets the limit here (Raise Limit… does this): this choice is now the newest everywhere.
    await api.settings.setBudget('budget.monthlyUsd', 5);
    await waitFor("this window's own limit to apply again", () => (api.settings.current().settings.budget.monthly === 5_000_000 ? true : undefined));
    assert.notEqual(file.read()['budget.monthlyUsd']?.by, 'other-host:42:1');
    await waitFor('the status bar to follow', () => (api.statusBar.text.includes('/ $5.00') ? true : undefined));
  });
});
