/**
 * `@chronicle/conformance`: the suite every Chronicle adapter must pass. One test file proves an
 * adapter honours the `EventStore` contract of `@chronicle/core`.
 *
 * @packageDocumentation
 */
export {
  type CapabilityName,
  type ConformanceCapabilities,
  type ConformanceOptions,
  type ResolvedCapabilities,
  resolveCapabilities,
} from './conformance-options';
export {
  type ConformanceContext,
  type ConformanceTest,
  SUITE_NAMES,
  type SuiteName,
} from './conformance-test';
export { conformanceTest, conformanceTestNames, conformanceTests } from './conformance-tests';
export {
  type ConformanceResult,
  runConformanceTest,
  runConformanceTests,
  skipReason,
  validateConformanceOptions,
} from './run-conformance-test';
export { runEventStoreConformance } from './run-event-store-conformance';
