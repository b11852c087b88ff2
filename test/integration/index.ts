/** Entry the extension host loads (extensionTestsPath): runs every integration test file with mocha. */
import { writeFileSync } from 'node:fs';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  // COSTWISE_INTEGRATION_ONLY=<part of a file name> runs only the matching files (a developer's shortcut).
  const only = process.env.COSTWISE_INTEGRATION_ONLY;
  // Hardening last: its load test fills the ledger, which the routing tests' estimates learn from.
  const files = readdirSync(__dirname).filter((f) => f.endsWith('.test.js') && (!only || f.includes(only))).sort((a, b) => Number(a === 'hardening.test.js') - Number(b === 'hardening.test.js') || a.localeCompare(b));
  for (const f of files) mocha.addFile(join(__dirname, f));
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const passed = runner.stats?.passes ?? 0;
      const results = process.env.COSTWISE_RESULTS;
      if (results) writeFileSync(results, JSON.stringify({ passed, failed: failures }));
      console.log(`integration suite: ${passed} passed, ${failures} failed`);
      if (failures > 0) reject(new Error(`${failures} integration tests failed`));
      else resolve();
    });
  });
}
