// Runs conformance tests without vitest: checks the options, decides skips, runs one test (fresh
// store, body, dispose) or several and reports each result.
import type { EventStoreOptions, ReadWriteEventStore } from '@chronicle/core';
import { type ConformanceOptions, resolveCapabilities } from './conformance-options';
import { registerRawEventCount } from './support/fixtures';
import { createWatchdog } from './support/watchdog';
import { conformanceTestNames } from './test-catalogue';
import type { ConformanceContext, ConformanceTest } from './test-definition';

/**
 * Throws a `TypeError` naming the problem when `options` cannot drive the suite: no name, no
 * `createStore`, `persistent` without `reopen`, or a `disable` entry that names an unknown test or
 * gives no reason.
 */
export function validateConformanceOptions(options: ConformanceOptions): void {
  const fail = (problem: string): never => {
    throw new TypeError(`runEventStoreConformance: ${problem}`);
  };
  if (typeof options.name !== 'string' || options.name.trim() === '')
    fail('options.name must be a non-empty string');
  if (typeof options.createStore !== 'function') fail('options.createStore must be a function');
  if (options.rawEventCount !== undefined && typeof options.rawEventCount !== 'function') {
    fail('options.rawEventCount must be a function');
  }
  if (options.capabilities?.persistent === true && typeof options.reopen !== 'function') {
    fail(
      'capabilities.persistent is true, so options.reopen (close, then open over the same storage) is required',
    );
  }
  if (
    options.capabilities?.outOfOrderCommits === true &&
    typeof options.appendInOpenTransaction !== 'function'
  ) {
    fail('capabilities.outOfOrderCommits is true, so options.appendInOpenTransaction is required');
  }
  for (const [key, reason] of Object.entries(options.disable ?? {})) {
    if (!conformanceTestNames.includes(key)) {
      fail(`disable names an unknown test '${key}'. Known tests:\n  ${conformanceTestNames.join('\n  ')}`);
    }
    if (typeof reason !== 'string' || reason.trim() === '') fail(`disable['${key}'] needs a reason`);
  }
}

/** Why a consuming-side test skips: the adapter's subscribe/checkpoints are not there yet. */
const SUBSCRIPTIONS_PENDING =
  ' (subscribe() and checkpoints: pending for this adapter until it implements them, a full EventStore)';

/** Why a test cannot run against these options, or `undefined` when it can. */
export function skipReason(test: ConformanceTest, options: ConformanceOptions): string | undefined {
  const disabled = options.disable?.[test.key];
  if (disabled !== undefined) return `disabled by the adapter: ${disabled}`;
  const capabilities = resolveCapabilities(options.capabilities);
  const missing = test.requires.filter((capability) => !capabilities[capability]);
  if (missing.length > 0) {
    return `the adapter does not declare the capabilit${missing.length > 1 ? 'ies' : 'y'} ${missing
      .map((c) => `'${c}'`)
      .join(', ')}${missing.includes('subscriptions') ? SUBSCRIPTIONS_PENDING : ''}`;
  }
  return undefined;
}

/**
 * Runs one conformance test body against the adapter described by `options`: creates a fresh store,
 * runs the body, disposes every store the test opened. Throws what the body throws. A second before
 * the test's time limit it fails instead with what it was waiting for (the phase, and the store calls
 * that never settled), so a hang is not reported as a bare timeout.
 *
 * This is the harness `runEventStoreConformance` uses inside each vitest test; call it directly to
 * run the suite without registering tests (the package's own tests do, to prove broken stores fail).
 *
 * @example
 * ```ts
 * for (const test of conformanceTests) await runConformanceTest(test, { name: 'mine', createStore });
 * ```
 */
export async function runConformanceTest(
  test: ConformanceTest,
  options: ConformanceOptions,
  log: (message: string) => void = () => {},
): Promise<void> {
  const capabilities = resolveCapabilities(options.capabilities);
  const watchdog = createWatchdog(test.key);
  // The stores the test sees are watched; the adapter's own callbacks get the stores it made.
  const open: ReadWriteEventStore[] = [];
  const dispose = async (store: ReadWriteEventStore): Promise<void> => {
    const own = watchdog.unwrap(store);
    if (options.dispose) await options.dispose(own);
    else await own.close();
  };
  const adopt = (store: ReadWriteEventStore): ReadWriteEventStore => {
    const watched = watchdog.watch(store);
    open.push(watched);
    const { rawEventCount } = options;
    if (rawEventCount !== undefined) registerRawEventCount(watched, async () => rawEventCount(store));
    return watched;
  };
  const openStore = async (storeOptions?: EventStoreOptions): Promise<ReadWriteEventStore> => {
    watchdog.phase('creating a store (options.createStore)');
    const store = await (storeOptions === undefined
      ? options.createStore()
      : options.createStore(storeOptions));
    watchdog.phase('running the test body');
    return adopt(store);
  };
  const reopen = async (store: ReadWriteEventStore): Promise<ReadWriteEventStore> => {
    if (options.reopen === undefined) {
      throw new Error(`${test.key} needs options.reopen (required when capabilities.persistent is true)`);
    }
    // The adapter's reopen closes the old store: only the new one is left to dispose.
    const index = open.indexOf(store);
    if (index >= 0) open.splice(index, 1);
    watchdog.phase('reopening a store (options.reopen)');
    const reopened = await options.reopen(watchdog.unwrap(store));
    watchdog.phase('running the test body');
    return adopt(reopened);
  };

  const run = async (): Promise<void> => {
    try {
      const store = await openStore();
      const { appendInOpenTransaction } = options;
      const context: ConformanceContext = {
        store,
        openStore,
        reopen,
        capabilities,
        log,
        ...(appendInOpenTransaction !== undefined && {
          appendInOpenTransaction: (target, stream, events) =>
            appendInOpenTransaction(watchdog.unwrap(target), stream, events),
        }),
      };
      await test.run(context);
    } finally {
      watchdog.phase('disposing the test’s stores (options.dispose)');
      const errors: unknown[] = [];
      for (const store of open.reverse()) {
        try {
          await dispose(store);
        } catch (error) {
          errors.push(error);
        }
      }
      if (errors.length > 0) {
        // A failing dispose would leak schemas or files: surface it, unless the body already failed.
        // biome-ignore lint/correctness/noUnsafeFinally: rethrowing the dispose failure is intended
        throw new AggregateError(errors, `${test.key}: dispose failed`);
      }
    }
  };
  await watchdog.within(test.timeout - Math.min(1_000, test.timeout / 10), run());
}

/** The outcome of one test run by {@link runConformanceTests}. */
export interface ConformanceResult {
  /** The test's `<suite>/<name>` key. */
  readonly key: string;
  /** What happened. */
  readonly status: 'passed' | 'failed' | 'skipped';
  /** What the test threw, when it failed. */
  readonly error?: unknown;
  /** Why it did not run, when it was skipped. */
  readonly reason?: string;
}

/**
 * Runs the given tests one after the other without vitest and reports each outcome. Tests the
 * options cannot run (missing capability, disabled) are reported as skipped.
 */
export async function runConformanceTests(
  tests: readonly ConformanceTest[],
  options: ConformanceOptions,
): Promise<ConformanceResult[]> {
  validateConformanceOptions(options);
  const results: ConformanceResult[] = [];
  for (const test of tests) {
    const reason = skipReason(test, options);
    if (reason !== undefined) {
      results.push({ key: test.key, status: 'skipped', reason });
      continue;
    }
    try {
      await runConformanceTest(test, options);
      results.push({ key: test.key, status: 'passed' });
    } catch (error) {
      results.push({ key: test.key, status: 'failed', error });
    }
  }
  return results;
}
