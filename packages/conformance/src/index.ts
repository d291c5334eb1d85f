/**
 * `@chronicle/conformance`: the suite every Chronicle adapter must pass. One test file proves an
 * adapter honours the `EventStore` contract of `@chronicle/core` (a store with only the
 * `ReadWriteEventStore` half runs every sub-suite but the consuming ones).
 *
 * @packageDocumentation
 */
export {
  type CapabilityName,
  type ConformanceCapabilities,
  type ConformanceOptions,
  type OpenTransactionAppend,
  type ResolvedCapabilities,
  resolveCapabilities,
} from './conformance-options';
export {
  conformanceTest,
  conformanceTestNames,
  conformanceTests,
  findConformanceTest,
} from './test-catalogue';
export {
  type ConformanceContext,
  type ConformanceTest,
  SUITE_NAMES,
  type SuiteName,
} from './test-definition';
export {
  type ConformanceResult,
  runConformanceTest,
  runConformanceTests,
  skipReason,
  validateConformanceOptions,
} from './test-runner';
export { runEventStoreConformance } from './vitest-registration';
