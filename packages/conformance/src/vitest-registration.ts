// Registers the whole suite with vitest: `runEventStoreConformance`, the one call an adapter's test
// file makes.
import { describe, it } from 'vitest';
import type { ConformanceOptions } from './conformance-options';
import { resolveCapabilities } from './conformance-options';
import { conformanceTests } from './test-catalogue';
import { SUITE_NAMES } from './test-definition';
import { runConformanceTest, skipReason, validateConformanceOptions } from './test-runner';

const PREFIX = '[chronicle conformance]';

/**
 * Registers the Chronicle conformance suite with vitest: one `describe` block per sub-suite, named
 * `<name> › <sub-suite>`, one test per contract rule. Call it at the top level of a test file.
 *
 * A test whose capability the adapter does not declare, or that `disable` turns off, is reported as
 * skipped with its reason printed. An unknown `disable` key throws.
 *
 * @example
 * ```ts
 * import { createInMemoryEventStore } from '@chronicle/core';
 * import { runEventStoreConformance } from '@chronicle/conformance';
 *
 * runEventStoreConformance({ name: 'in-memory', createStore: (options) => createInMemoryEventStore(options) });
 * ```
 */
export function runEventStoreConformance(options: ConformanceOptions): void {
  validateConformanceOptions(options);
  const capabilities = resolveCapabilities(options.capabilities);
  const parallelism = capabilities.concurrentWriters
    ? 'real parallel writers (the adapter declares concurrentWriters)'
    : 'writers interleaved on one event loop (Promise.all); the adapter does not declare concurrentWriters';

  for (const suite of SUITE_NAMES) {
    const tests = conformanceTests.filter((t) => t.suite === suite);
    describe(`${options.name} › ${suite}`, () => {
      if (suite === 'concurrency' || suite === 'follow-the-log') {
        console.info(`${PREFIX} ${options.name} › ${suite}: ${parallelism}`);
      }
      for (const test of tests) {
        const reason = skipReason(test, options);
        if (reason !== undefined) {
          it(test.name, (context) => {
            console.info(`${PREFIX} ${options.name} › ${test.key}: skipped, ${reason}`);
            context.skip(reason);
          });
          continue;
        }
        it(
          test.name,
          () =>
            runConformanceTest(test, options, (message) =>
              console.info(`${PREFIX} ${options.name} › ${test.key}: ${message}`),
            ),
          test.timeout,
        );
      }
    });
  }
}
