/**
 * `@chronicle/cli`: the `chronicle` command. Also exports {@link runCli} to embed it (tests, tools).
 *
 * @packageDocumentation
 */
export { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './errors';
export type {
  Finding,
  HorizonHolder,
  Inspection,
  ProgressSink,
  StoredEvent,
  StoreStatus,
  StreamSummary,
} from './inspect/inspection';
export { NotMigratedError, StoreMissingError } from './inspect/open-errors';
export {
  type InspectorOptions,
  type RunningInspector,
  startInspector,
} from './inspector/start-inspector';
export { openInspection } from './open-store';
export type { Io } from './output';
export { runCli } from './program';
export { parseTarget, type StoreTarget } from './target';
