const { writeSync } = require('node:fs');

/**
 * Prints one plain closing line, `Totals: N passed, N failed[, N skipped]`, as the run's very
 * last line. Jest's "Tests: 702 passed, 702 total" is not a line that CI's result reader knows,
 * so without this a green run is recorded as having run no test. Jest always adds its summary
 * reporter after this one, hence the write at exit rather than in onRunComplete.
 *
 * A suite that cannot run (it does not compile, an import throws) has no failed test, only a
 * failed suite: it counts as one failure, so the line never reads green for a broken run; so does
 * an interrupted run.
 */
class ClosingLineReporter {
  onRunComplete(_contexts, results) {
    const brokenSuites = results.numRuntimeErrorTestSuites + (results.wasInterrupted ? 1 : 0);
    const failed = results.numFailedTests + brokenSuites;
    const skipped = results.numPendingTests + results.numTodoTests;
    const counts = `${results.numPassedTests} passed, ${failed} failed`;
    const line = `Totals: ${skipped > 0 ? `${counts}, ${skipped} skipped` : counts}\n`;
    process.once('exit', () => writeSync(1, line));
  }
}

module.exports = ClosingLineReporter;
