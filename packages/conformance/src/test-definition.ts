// What one conformance test is (its data and the context its body gets), the sub-suite names, and
// `defineSuite`, with which each file under suites/ declares its tests.
import type { EventStore, EventStoreOptions } from '@chronicle/core';
import type { CapabilityName, ResolvedCapabilities } from './conformance-options';

/** The sub-suites, in the order they are registered. */
export const SUITE_NAMES = [
  'append',
  'expected-version',
  'idempotency',
  'reads',
  'read-all',
  'round-trip',
  'identifiers',
  'bad-input',
  'snapshots',
  'concurrency',
  'follow-the-log',
  'model',
  'durability',
  'store-options',
  'subscriptions',
  'checkpoints',
  'leases',
  'processors',
  'projections',
  'documents',
] as const;

/** The name of a sub-suite. */
export type SuiteName = (typeof SUITE_NAMES)[number];

/** What a conformance test body receives. */
export interface ConformanceContext {
  /** A fresh, empty store created for this test (disposed after it). */
  readonly store: EventStore;
  /** Another fresh, empty store, created with `options`; disposed after the test. */
  openStore(options?: EventStoreOptions): Promise<EventStore>;
  /** Closes `store` and opens it again over the same storage (persistent adapters only). */
  reopen(store: EventStore): Promise<EventStore>;
  /** The adapter's capabilities, defaults filled in. */
  readonly capabilities: ResolvedCapabilities;
  /** Prints a line attributed to the running test. */
  log(message: string): void;
}

/**
 * One conformance test as data: a name and an async body. `runEventStoreConformance` registers these
 * with vitest; `runConformanceTest` runs one directly (which is how the suite proves it can fail).
 */
export interface ConformanceTest {
  /** The sub-suite it belongs to. */
  readonly suite: SuiteName;
  /** What it proves, as a sentence. */
  readonly name: string;
  /** `<suite>/<name>`: the key `disable` uses. */
  readonly key: string;
  /** Capabilities the adapter must declare, or the test skips with a printed reason. */
  readonly requires: readonly CapabilityName[];
  /** Time limit in ms. */
  readonly timeout: number;
  /** The body: throws when the store does not conform. */
  readonly run: (context: ConformanceContext) => Promise<void>;
}

/** How a sub-suite declares its tests. */
export interface ConformanceTestDefinition {
  readonly name: string;
  readonly requires?: readonly CapabilityName[];
  readonly timeout?: number;
  readonly run: (context: ConformanceContext) => Promise<void>;
}

/**
 * The time limit of a test that sets none: generous, because a database adapter's CI may run many
 * test files at once on two cores, and a conformance test that times out proves nothing.
 */
export const DEFAULT_TEST_TIMEOUT = 30_000;

/** Builds a sub-suite's tests, giving each its `<suite>/<name>` key. */
export function defineSuite(
  suite: SuiteName,
  definitions: readonly ConformanceTestDefinition[],
): ConformanceTest[] {
  return definitions.map((d) => ({
    suite,
    name: d.name,
    key: `${suite}/${d.name}`,
    requires: d.requires ?? [],
    timeout: d.timeout ?? DEFAULT_TEST_TIMEOUT,
    run: d.run,
  }));
}
