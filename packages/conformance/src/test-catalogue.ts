// The catalogue: every conformance test as data, in registration order, and look-ups by key.

import { appendTests } from './suites/append';
import { badInputTests } from './suites/bad-input';
import { checkpointsTests } from './suites/checkpoints';
import { concurrencyTests } from './suites/concurrency';
import { concurrencyPropertyTests, schedulerTests } from './suites/concurrency-properties';
import { documentsTests } from './suites/documents';
import { durabilityTests } from './suites/durability';
import { expectedVersionTests } from './suites/expected-version';
import { followTheLogTests } from './suites/follow-the-log';
import { idempotencyTests } from './suites/idempotency';
import { identifiersTests } from './suites/identifiers';
import { leasesTests } from './suites/leases';
import { modelTests } from './suites/model';
import { processorsTests } from './suites/processors';
import { projectionsTests } from './suites/projections';
import { readAllTests } from './suites/read-all';
import { readsTests } from './suites/reads';
import { roundTripTests } from './suites/round-trip';
import { snapshotsTests } from './suites/snapshots';
import { storeOptionsTests } from './suites/store-options';
import { subscriptionsTests } from './suites/subscriptions';
import type { ConformanceTest } from './test-definition';

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
  ...identifiersTests,
  ...badInputTests,
  ...snapshotsTests,
  ...concurrencyTests,
  ...concurrencyPropertyTests,
  ...schedulerTests,
  ...followTheLogTests,
  ...modelTests,
  ...durabilityTests,
  ...storeOptionsTests,
  ...subscriptionsTests,
  ...checkpointsTests,
  ...leasesTests,
  ...processorsTests,
  ...projectionsTests,
  ...documentsTests,
];

/** The `<suite>/<name>` key of every test: the keys `disable` accepts. */
export const conformanceTestNames: readonly string[] = conformanceTests.map((t) => t.key);

/** Finds a test by its `<suite>/<name>` key; throws an `Error` naming the key when none has it. */
export function findConformanceTest(key: string): ConformanceTest {
  const test = conformanceTests.find((t) => t.key === key);
  if (test === undefined) throw new Error(`No conformance test is named '${key}'`);
  return test;
}

/** @deprecated Renamed {@link findConformanceTest} (it finds a test by key); this alias goes in the next minor. */
export const conformanceTest: (key: string) => ConformanceTest = findConformanceTest;
