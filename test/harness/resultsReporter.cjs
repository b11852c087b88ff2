// Mocha reporter: the usual spec output, plus {passed, failed} written to $COSTWISE_SUITE_RESULTS so
// scripts/test.mjs can sum every suite into one line.
const { writeFileSync } = require('node:fs');
const Mocha = require('mocha');

class ResultsReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const file = process.env.COSTWISE_SUITE_RESULTS;
      if (file) writeFileSync(file, JSON.stringify({ passed: runner.stats.passes, failed: runner.stats.failures }));
    });
  }
}

module.exports = ResultsReporter;
