#!/usr/bin/env python3
"""Run the Saiets end-to-end tests.

    python3 tests/e2e/run.py [--saiets PATH] [-v] [-k PATTERN] [--list] [MODULE ...]

MODULE is a test module (test_registration), optionally with a class or method
(test_registration.RegisterTest.test_manage_token_format); with none, every
test_*.py here runs. The binary comes from --saiets or the SAIETS_BIN variable.

Prints a last line `e2e: N passed, M failed` and exits non-zero if anything
failed (or nothing ran).
"""

import argparse
import os
import signal
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


class CountingResult(unittest.TextTestResult):
    """Counts tests (not subtests) as passed or failed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.failed_ids = set()
        self.passed_ids = set()
        self.skipped_ids = set()

    def _fail(self, test):
        self.failed_ids.add(test.id())
        self.passed_ids.discard(test.id())

    def addSuccess(self, test):
        super().addSuccess(test)
        if test.id() not in self.failed_ids:
            self.passed_ids.add(test.id())

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._fail(test)

    def addError(self, test, err):
        super().addError(test, err)
        self._fail(test)

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._fail(test)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.skipped_ids.add(test.id())

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._fail(test)

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self.passed_ids.add(test.id())


def module_names():
    return sorted(f[:-3] for f in os.listdir(HERE)
                  if f.startswith("test_") and f.endswith(".py"))


def iter_tests(suite):
    for item in suite:
        if isinstance(item, unittest.TestSuite):
            yield from iter_tests(item)
        else:
            yield item


def main(argv=None):
    ap = argparse.ArgumentParser(description="Saiets end-to-end tests")
    ap.add_argument("--saiets", metavar="PATH", help="the saiets binary "
                    "(default: $SAIETS_BIN)")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("-k", dest="patterns", action="append", default=[],
                    metavar="PATTERN", help="only tests whose name contains PATTERN")
    ap.add_argument("--list", action="store_true", help="list the tests and exit")
    ap.add_argument("modules", nargs="*", metavar="MODULE")
    args = ap.parse_args(argv)

    if args.saiets:
        os.environ["SAIETS_BIN"] = os.path.abspath(args.saiets)
    sys.path.insert(0, HERE)

    # a SIGTERM (e.g. from a test driver's timeout) unwinds like Ctrl-C, so
    # every server this run started is stopped on the way out
    def on_term(signum, frame):
        raise KeyboardInterrupt("SIGTERM")
    signal.signal(signal.SIGTERM, on_term)

    names = [m[:-3] if m.endswith(".py") else m for m in args.modules] or module_names()
    names = [os.path.basename(n) if "/" in n else n for n in names]
    loader = unittest.TestLoader()
    if args.patterns:
        loader.testNamePatterns = ["*%s*" % p for p in args.patterns]
    suite = unittest.TestSuite(loader.loadTestsFromName(n) for n in names)

    if args.list:
        for t in iter_tests(suite):
            print(t.id())
        return 0

    binary = os.environ.get("SAIETS_BIN", "")
    if not (binary and os.path.isfile(binary) and os.access(binary, os.X_OK)):
        print("run.py: no saiets binary: give --saiets PATH or set SAIETS_BIN "
              "(now %r)" % binary, file=sys.stderr)
        print("e2e: 0 passed, 1 failed")
        return 2

    runner = unittest.TextTestRunner(verbosity=2 if args.verbose else 1,
                                     resultclass=CountingResult, stream=sys.stderr)
    try:
        result = runner.run(suite)
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted\n")
        sys.stderr.flush()
        print("e2e: 0 passed, 1 failed")
        return 130
    # class- and module-level setup errors are reported as errors of a
    # placeholder "test"; they are counted among the failures above
    passed = len(result.passed_ids - result.failed_ids)
    failed = len(result.failed_ids)
    sys.stderr.flush()
    print("e2e: %d passed, %d failed" % (passed, failed))
    sys.stdout.flush()
    if failed or passed == 0:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
