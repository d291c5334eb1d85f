import { type DomainEvent, type NewEvent, Repository, type SubscribableEventStore } from '@chronicle/core';
import { BenchAccount } from '../account';
import { AGGREGATE_TYPE, type BenchEvent } from '../payload';
import type { AccountState, ReadEvent, Subject } from '../subject';

/**
 * A subject over any Chronicle `EventStore`: the workloads go through the public contract only, and
 * W5 loads through core's `Repository` exactly as an application would.
 */
export function chronicleSubject(store: SubscribableEventStore, location: string): Subject {
  const accounts = new Repository(store, { create: (id) => new BenchAccount(id) });

  return {
    location,
    store,

    // A ConcurrencyError passes through as it is (see `isConflict`): wrapping it would cost the
    // adapter a second error per conflict that the raw baselines do not pay.
    async append(stream, expectedVersion, events) {
      await store.append(
        { aggregateType: AGGREGATE_TYPE, aggregateId: stream },
        expectedVersion,
        events.map(toNewEvent),
      );
    },

    streamVersion(stream) {
      return store.getStreamVersion({ aggregateType: AGGREGATE_TYPE, aggregateId: stream });
    },

    async readStream(stream) {
      return (await store.getEvents(AGGREGATE_TYPE, stream)).map(toReadEvent);
    },

    async *readAll(batchSize) {
      for await (const event of store.readAll({ batchSize })) yield toReadEvent(event);
    },

    async loadAccount(id) {
      const account = await accounts.get(id);
      return account.toState();
    },

    async saveAccountSnapshot(state: AccountState) {
      await store.saveSnapshot({
        aggregateType: AGGREGATE_TYPE,
        aggregateId: state.id,
        version: state.version,
        schemaVersion: 1,
        state: { balance: state.balance, deposits: state.deposits },
        createdAt: new Date(),
      });
    },

    close() {
      return store.close();
    },
  };
}

function toNewEvent(event: BenchEvent): NewEvent {
  return {
    eventId: event.eventId,
    eventType: event.eventType,
    eventData: event.data,
    occurredAt: event.occurredAt,
  };
}

function toReadEvent(event: DomainEvent): ReadEvent {
  return {
    position: event.position,
    eventId: event.eventId,
    aggregateType: event.aggregateType,
    aggregateId: event.aggregateId,
    eventType: event.eventType,
    version: event.version,
    schemaVersion: event.schemaVersion,
    data: event.eventData,
    occurredAt: event.occurredAt,
  };
}
