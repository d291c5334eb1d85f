/**
 * `@chronicle/core/adapter`: the kit for writing an `EventStore` adapter. Applications import
 * `@chronicle/core`; an adapter imports the contract's types from there and everything it builds
 * with from here, so that every adapter validates, decides, decodes, pages and fails alike:
 *
 * - **options and the event pipeline**: `createEventPipeline` validates appends, runs the registry,
 *   upcasts reads and filters by (renamed) event type;
 * - **validation**: `prepareAppend`, the `assert*` guards, `resolveReadStreamOptions`,
 *   `resolveReadAllOptions` and the contract's limits;
 * - **append rules**: `checkExpectedVersion`, `satisfiesExpectedVersion`, `resolveRepeatedAppend`;
 * - **reads**: `decodeEventRow` (stored fields to a `DomainEvent`), `decodeSnapshotRow`,
 *   `readStreamPages` (the paging loop of `readStream`), `pagedEvents` (a paged read as the async
 *   generator `readStream` and `readAll` return), `readEventsByType` (`getEventsByType` with renamed
 *   types merged);
 * - **subscriptions**: `subscribeToSource` (the one subscription loop: an adapter gives it a page
 *   reader, its head and a wake-up source), `createWakeUpEmitter`, `pollForChanges`, `mergeWakeUps`;
 *   checkpoint-store validation (`assertSaveOptions`, `assertLease`, `assertTtl`, `assertParkEvent`);
 * - **projections**: the storage port an adapter implements (`ProjectionStorage`,
 *   `ProjectionTransaction`, `DocumentWrites`) and `pipeline.inline` (`InlineProjections`), which its
 *   append runs inside its transaction;
 * - **observability**: `instrumentEventStore` (spans and metrics around every adapter's appends and
 *   reads), `tracePublishBatch` and `observeRelayBacklog` for relays, `observeGauge`, and the
 *   names in `TELEMETRY` (see `docs/observability.md`);
 * - **errors**: `toEventStoreError` (the one mapping rule, with the adapter's driver classifier) and
 *   `storeClosedError`.
 *
 * See `docs/adapter-authoring.md`.
 *
 * @packageDocumentation
 */
export {
  checkExpectedVersion,
  resolveRepeatedAppend,
  type StoredEventLocation,
  satisfiesExpectedVersion,
} from '../append/append-rules';
export { instrumentEventStore, type StoreTelemetryOptions } from '../observability/instrument-store';
export { setInstrumentationEnabled } from '../observability/otel-api';
export {
  observeRelayBacklog,
  type RelayPublishBatch,
  tracePublishBatch,
} from '../observability/relay-telemetry';
export { type GaugeAttributes, type GaugeDefinition, observeGauge } from '../observability/telemetry';
export { TELEMETRY } from '../observability/telemetry-names';
export { applyEvents, setUpVersion, switchToVersion } from '../projection/apply-events';
export { assertName } from '../projection/define-projection';
export { createInlineProjections } from '../projection/inline-projections';
export type {
  CollectionAddress,
  DocumentFieldFilter,
  DocumentReads,
  DocumentScalar,
  DocumentWrites,
  InlineProjections,
  ProjectableEventStore,
  ProjectionStorage,
  ProjectionTransaction,
  ProjectionTransactionOptions,
} from '../projection/projection-storage';
export {
  createEventPipeline,
  type EventPipeline,
  type EventStoreOptions,
  type EventTypeFilter,
} from '../store-options';
export {
  assertDate,
  assertExpectedVersion,
  assertIdentifier,
  assertNonNegativeInteger,
  assertPosition,
  assertPositiveInteger,
  assertSnapshot,
  assertStreamRef,
  assertVersion,
  DEFAULT_READ_ALL_BATCH_SIZE,
  MAX_IDENTIFIER_LENGTH,
  type PreparedEvent,
  prepareAppend,
  resolveReadAllOptions,
  resolveReadStreamOptions,
} from '../validation/arguments';
export {
  assertLease,
  assertParkEvent,
  assertSaveOptions,
  assertTtl,
} from '../validation/checkpoint-arguments';
export { assertJsonValue } from '../validation/json';
export { type ResolvedSubscribeOptions, resolveSubscribeOptions } from '../validation/subscribe-options';
export { type DecodeOptions, decodeEventRow, type StoredEventFields } from './decode-event-row';
export { decodeSnapshotRow, type StoredSnapshotFields } from './decode-snapshot-row';
export { type DocumentRow, type DocumentScope, type EncodedFilter, encodeFilter } from './document-rows';
export { type FetchEventsOfType, readEventsByType } from './events-by-type';
export type { Mutable } from './mutable';
export { type FetchEventPage, pagedEvents } from './paged-events';
export { type FetchStreamPage, readStreamPages, type StreamPageRequest } from './read-stream-pages';
export {
  type DriverErrorClassifier,
  type StoreErrorContext,
  storeClosedError,
  toEventStoreError,
} from './store-errors';
export { asStoredEvents } from './stored-events';
export type { StoredInstant, StoredInteger } from './stored-values';
export {
  DEFAULT_SUBSCRIPTION_POLL_MS,
  SUBSCRIPTION_RETRY_BASE_DELAY_MS,
  SUBSCRIPTION_RETRY_LIMIT,
  SUBSCRIPTION_RETRY_MAX_DELAY_MS,
  type SubscriptionPage,
  type SubscriptionPageRequest,
  type SubscriptionSource,
  subscribeToSource,
} from './subscription-loop';
export {
  createWakeUpEmitter,
  mergeWakeUps,
  pollForChanges,
  type WakeUpEmitter,
  type WakeUpSource,
} from './wake-up';
