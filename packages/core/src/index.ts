/**
 * `@chronicle/core`, for applications: the event-store contract and its errors, the in-memory store,
 * aggregates, the repository, snapshots, retry, upcasters and the event-type registry. Adapter
 * authors import their building blocks from `@chronicle/core/adapter`.
 *
 * @packageDocumentation
 */

// Adapter helpers: deprecated here, see `@chronicle/core/adapter`.
export * from './adapter/deprecated-root-exports';
export type {
  AggregateEvent,
  AppliedEvent,
  AppliedEventOf,
  EventDataOf,
  EventHandlers,
  EventTypeOf,
  RaiseOptions,
} from './aggregate/aggregate-event';
export { AggregateRoot } from './aggregate/aggregate-root';
export type { EventSourcedAggregate } from './aggregate/event-sourced-aggregate';
export { isUnknownEventTypeError, UnknownEventTypeError } from './aggregate/unknown-event-type-error';
export { newEventId } from './append/event-id';
export type {
  Checkpoint,
  CheckpointStore,
  EventBatch,
  EventFilter,
  HorizonHolder,
  Lease,
  ParkEventInput,
  ParkedEvent,
  SaveCheckpointOptions,
  SubscribableEventStore,
  SubscribeOptions,
} from './contract/consuming';
export type { EventTypeDefinition, EventTypeRegistry } from './contract/registry';
export type {
  AppendResult,
  DomainEvent,
  EventStore,
  ExpectedVersion,
  JsonValue,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  ReadWriteEventStore,
  Snapshot,
  StreamRef,
} from './contract/types';
// The functional style: deciders, the command handler (specifications: '@chronicle/core/testing').
export {
  type AnyDecider,
  type CommandOf,
  type Decider,
  defineDecider,
  type EventOf,
  type Evolvers,
  type StateOf,
} from './decider/decider';
export {
  type CommandResult,
  commandHandler,
  type HandleCommandOptions,
  handleCommand,
} from './decider/handle-command';
export { InvalidDecisionError, isInvalidDecisionError } from './decider/invalid-decision-error';
export {
  CheckpointConflictError,
  ConcurrencyError,
  DuplicateEventError,
  EventStoreError,
  type EventStoreErrorCode,
  EventValidationError,
  type EventViolation,
  InvalidArgumentError,
  isCheckpointConflictError,
  isConcurrencyError,
  isDuplicateEventError,
  isEventStoreError,
  isEventValidationError,
  isInvalidArgumentError,
  isProcessingTimeoutError,
  isProjectionError,
  isRelayConfigurationError,
  isReplicaLagError,
  isStoreUnavailableError,
  isUpcastError,
  ProcessingTimeoutError,
  ProjectionError,
  RelayConfigurationError,
  ReplicaLagError,
  StoreUnavailableError,
  UpcastError,
} from './errors';
export {
  createInMemoryEventStore,
  type InMemoryEventStore,
  type InMemoryEventStoreOptions,
} from './in-memory/in-memory-event-store';
export type { SnapshotErrorHandler, SnapshotMark } from './persistence/stream-persistence';
// The consuming side: processors (subscriptions and checkpoints are on the store).
export type {
  BatchHandlerContext,
  BatchProcessorOptions,
  EventProcessorOptions,
  HandlerContext,
  Processor,
  ProcessorBatch,
  ProcessorCommonOptions,
  ProcessorOptions,
  ProcessorRetryOptions,
  ProcessorState,
  ProcessorStatus,
} from './processor/processor-contract';
export { DEFAULT_LEASE_TTL_MS } from './processor/processor-options';
export { DEFAULT_WHEN_PROCESSED_TIMEOUT_MS } from './processor/progress-waiters';
export { type ReplayParkedResult, replayParked } from './processor/replay-parked';
export { startProcessor } from './processor/start-processor';
// Projections: read models built from events, inline or async (storage port: '@chronicle/core/adapter').
export { defineProjection, MAX_NAME_LENGTH } from './projection/define-projection';
export type {
  AnyProjectionDefinition,
  DocumentCollection,
  DocumentFilter,
  DocumentReader,
  FindOptions,
  JsonDocument,
  ProjectedEvent,
  ProjectionContext,
  ProjectionDefinition,
  ProjectionDefinitionInput,
  ProjectionHandler,
  ProjectionHandlers,
  ProjectionVersion,
  ProjectionVersionStatus,
  RebuildProgress,
} from './projection/projection-contract';
export type { ProjectableEventStore } from './projection/projection-storage';
export { readDocuments } from './projection/read-documents';
export { type RebuildOptions, type RebuildResult, rebuildProjection } from './projection/rebuild-projection';
export { type ProjectionProcessorOptions, startProjection } from './projection/start-projection';
export {
  createEventTypeRegistry,
  type EventTypeRegistryOptions,
  type StringFormat,
} from './registry/event-type-registry';
export { AggregateNotFoundError, isAggregateNotFoundError } from './repository/aggregate-not-found-error';
export {
  Repository,
  type RepositoryOptions,
  type SaveOptions,
  type SaveResult,
  type SnapshotErrorInfo,
} from './repository/repository';
export { type RetryContext, type RetryInfo, type RetryOptions, withRetry } from './retry/with-retry';
export {
  everyNEvents,
  maxSnapshotAge,
  neverSnapshot,
  type SnapshotContext,
  type SnapshotStrategy,
  snapshotWhenAny,
} from './snapshot/snapshot-strategy';
export type { EventStoreOptions } from './store-options';
export type { Upcaster } from './upcasting/upcaster';
export { UpcasterPipeline } from './upcasting/upcaster-pipeline';
export { DEFAULT_READ_ALL_BATCH_SIZE, MAX_IDENTIFIER_LENGTH } from './validation/arguments';
export { MAX_JSON_DEPTH } from './validation/json';
export { DEFAULT_SUBSCRIBE_BATCH_SIZE } from './validation/subscribe-options';
