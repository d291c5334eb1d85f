import type { ConformanceTest } from './conformance-test';
import { appendTests } from './suites/append';
import { badInputTests } from './suites/bad-input';
import { expectedVersionTests } from './suites/expected-version';
import { idempotencyTests } from './suites/idempotency';
import { readAllTests } from './suites/read-all';
import { readsTests } from './suites/reads';
import { roundTripTests } from './suites/round-trip';
import { snapshotsTests } from './suites/snapshots';

/**
 * Every conformance test, as data, in registration order. Run one with `runConformanceTest`, or all
 * of them through vitest with `runEventStoreConformance`.
 */
export const conformanceTests: readonly ConformanceTest[] = [
  ...appendTests,
  ...expectedVersionTests,
  ...idempotencyTests,
  ...readsTests,
  ...readAllTests,
  ...roundTripTests,
  ...badInputTests,
  ...snapshotsTests,
];

/** The `<suite>/<name>` key of every test: the keys `disable` accepts. */
export const conformanceTestNames: readonly string[] = conformanceTests.map((t) => t.key);

/** Finds a test by its key; throws on an unknown key. */
export function conformanceTest(key: string): ConformanceTest {
  const test = conformanceTests.find((t) => t.key === key);
  if (test === undefined) throw new Error(`No conformance test is named '${key}'`);
  return test;
}
