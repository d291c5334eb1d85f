// Above the store: aggregates, repository, snapshots, retry, event-type registry.
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
export {
  checkExpectedVersion,
  resolveRepeatedAppend,
  type StoredEventLocation,
  satisfiesExpectedVersion,
} from './append/append-rules';
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
  Snapshot,
  StreamRef,
} from './contract/types';
export {
  ConcurrencyError,
  DuplicateEventError,
  EventStoreError,
  type EventStoreErrorCode,
  EventValidationError,
  type EventViolation,
  InvalidArgumentError,
  isConcurrencyError,
  isDuplicateEventError,
  isEventStoreError,
  isEventValidationError,
  isInvalidArgumentError,
  isStoreUnavailableError,
  isUpcastError,
  StoreUnavailableError,
  UpcastError,
} from './errors';
export {
  createInMemoryEventStore,
  type InMemoryEventStore,
  type InMemoryEventStoreOptions,
} from './in-memory/in-memory-event-store';
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
export { createEventPipeline, type EventPipeline, type EventStoreOptions } from './store-options';
export type { Upcaster } from './upcasting/upcaster';
export { UpcasterPipeline } from './upcasting/upcaster-pipeline';
export {
  assertDate,
  assertExpectedVersion,
  assertIdentifier,
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
} from './validation/arguments';
export { assertJsonValue, MAX_JSON_DEPTH } from './validation/json';
