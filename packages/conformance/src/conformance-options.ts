import type { EventStore, EventStoreOptions } from '@chronicle/core';

/**
 * What an adapter can do beyond the contract. Every flag has a safe default, so a new flag never
 * breaks an existing adapter's test file.
 */
export interface ConformanceCapabilities {
  /**
   * The store keeps its data across `close()` and reopening. Default `false`: the durability tests
   * skip with a printed reason. When `true`, {@link ConformanceOptions.reopen} is required.
   */
  readonly persistent?: boolean;
  /**
   * Writers really run in parallel (several connections or processes), not only interleaved on one
   * event loop. Default `false`. The concurrency tests run either way; the suite prints which kind of
   * parallelism it proved.
   */
  readonly concurrentWriters?: boolean;
  /**
   * `createStore(options)` honours `{ upcasters, registry, clock }`. Default `true`: the store-options
   * tests prove upcasting and registry validation through the adapter itself.
   */
  readonly storeOptions?: boolean;
  /**
   * The store is a `SubscribableEventStore`: `subscribe()` and `checkpoints` (leases, parked events),
   * so `startProcessor` runs on it. Default `false`: the `subscriptions`, `checkpoints`, `leases` and
   * `processors` sub-suites skip with a printed reason (an adapter whose consuming side is pending).
   */
  readonly subscriptions?: boolean;
  /**
   * The store is a `ProjectableEventStore` (it has `projections`, the storage port of
   * `@chronicle/core/adapter`) and honours `inlineProjections` in `createStore(options)`. Requires
   * `subscriptions`. Default `false`: the `projections` and `documents` sub-suites skip with a
   * printed reason.
   */
  readonly projections?: boolean;
}

/** The name of a capability flag. */
export type CapabilityName = keyof ConformanceCapabilities;

/** Capabilities with every default filled in. */
export type ResolvedCapabilities = { readonly [K in CapabilityName]-?: boolean };

/**
 * Options of {@link runEventStoreConformance}.
 *
 * @example
 * ```ts
 * runEventStoreConformance({
 *   name: 'sqlite (file)',
 *   createStore: (options) => createSqliteEventStore({ ...options, filename: tempFile() }),
 *   reopen: async (store) => { await store.close(); return createSqliteEventStore({ filename: fileOf(store) }); },
 *   capabilities: { persistent: true },
 * });
 * ```
 */
export interface ConformanceOptions {
  /** Shown in every `describe` block: `<name> › <sub-suite>`. */
  readonly name: string;
  /**
   * Returns a fresh, **empty** store, or a promise of one (an async factory that creates and migrates
   * a schema first is fine). Called once per test (and again by tests that need a store configured
   * with `options`); pass `options` (upcasters, registry, clock) through to the adapter. `dispose`,
   * `reopen` and `rawEventCount` receive the very object it returned.
   */
  readonly createStore: (options?: EventStoreOptions) => EventStore | Promise<EventStore>;
  /**
   * Called after each test for every store the test used. Default: `store.close()`. Use it to drop
   * the test's schema or delete its file.
   */
  readonly dispose?: (store: EventStore) => void | Promise<void>;
  /**
   * Closes `store` and opens a new store over the same storage. Required when
   * `capabilities.persistent` is `true`.
   */
  readonly reopen?: (store: EventStore) => EventStore | Promise<EventStore>;
  /**
   * Optional backdoor: how many events `store`'s storage really holds, counted without the adapter's
   * read API (e.g. `SELECT count(*)` on its table, on a connection of its own). When given, every
   * "nothing written" check compares this count instead of the store's reads: a store that writes
   * part of a failed append and hides it from reads is caught, and a read that lawfully shows less
   * than is committed (a read horizon held back by another transaction) cannot fail the check.
   */
  readonly rawEventCount?: (store: EventStore) => number | Promise<number>;
  /** What the adapter can do. Default: `{ persistent: false, concurrentWriters: false, storeOptions: true, subscriptions: false, projections: false }`. */
  readonly capabilities?: ConformanceCapabilities;
  /**
   * Named tests to turn off, each with the reason, which is printed: `{ 'round-trip/a 1 MB payload
   * reads back equal': 'the X driver caps documents at 512 kB' }`. An unknown name throws, so a typo
   * never silently disables nothing. See `conformanceTestNames`.
   */
  readonly disable?: Readonly<Record<string, string>>;
}

/** Fills in the capability defaults. */
export function resolveCapabilities(capabilities: ConformanceCapabilities = {}): ResolvedCapabilities {
  return {
    persistent: capabilities.persistent ?? false,
    concurrentWriters: capabilities.concurrentWriters ?? false,
    storeOptions: capabilities.storeOptions ?? true,
    subscriptions: capabilities.subscriptions ?? false,
    projections: capabilities.projections ?? false,
  };
}
