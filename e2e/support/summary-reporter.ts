import type { FullResult, Reporter, Suite } from "@playwright/test/reporter";

/**
 * Prints the plain closing line 'e2e: N passed, N failed, N skipped' after the
 * list reporter's summary (flaky tests count as passed); .ci/run adds it up.
 */
export default class SummaryReporter implements Reporter {
  private root: Suite | undefined;

  onBegin(_config: unknown, suite: Suite): void {
    this.root = suite;
  }

  printsToStdio(): boolean {
    return true;
  }

  onEnd(result: FullResult): void {
    const tests = this.root?.allTests() ?? [];
    // `playwright test --list` runs nothing: no summary line then.
    if (result.status === "passed" && tests.every((test) => test.results.length === 0)) return;
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const test of tests) {
      const outcome = test.outcome();
      if (outcome === "expected" || outcome === "flaky") passed += 1;
      else if (outcome === "unexpected") failed += 1;
      else skipped += 1;
    }
    // A run that failed outside any test (web server, global setup, timeout) still failed.
    if (result.status !== "passed" && failed === 0) failed = 1;
    process.stdout.write(`\ne2e: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
