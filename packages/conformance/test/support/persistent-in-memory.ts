import {
  createInMemoryEventStore,
  type EventStoreOptions,
  type ReadWriteEventStore,
  StoreUnavailableError,
} from '@chronicle/core';
import { wrapStore } from './wrap-store';

/**
 * Simulates a persistent adapter over the in-memory store: `close()` ends one handle, `reopen`
 * opens a new handle over the same data. Lets the package prove its durability tests pass and fail.
 */
export function createPersistentInMemory(): {
  createStore: (options?: EventStoreOptions) => ReadWriteEventStore;
  reopen: (store: ReadWriteEventStore) => Promise<ReadWriteEventStore>;
} {
  const storage = new WeakMap<ReadWriteEventStore, ReadWriteEventStore>();
  const handle = (inner: ReadWriteEventStore): ReadWriteEventStore => {
    let closed = false;
    const guard =
      <A extends unknown[], R>(call: (...args: A) => R) =>
      (...args: A): R => {
        if (closed) throw new StoreUnavailableError('this handle is closed', { retriable: false });
        return call(...args);
      };
    const base = wrapStore(inner, {});
    const store: ReadWriteEventStore = {
      append: guard(base.append),
      getEvents: guard(base.getEvents),
      readStream: guard(base.readStream),
      getStreamVersion: guard(base.getStreamVersion),
      getSnapshot: guard(base.getSnapshot),
      saveSnapshot: guard(base.saveSnapshot),
      getEventsByType: guard(base.getEventsByType),
      getAllEvents: guard(base.getAllEvents),
      readAll: guard(base.readAll),
      // Closing a handle leaves the data: that is what persistence means here.
      close: async () => {
        closed = true;
      },
    };
    storage.set(store, inner);
    return store;
  };
  return {
    createStore: (options) => handle(createInMemoryEventStore(options)),
    reopen: async (store) => {
      const inner = storage.get(store);
      if (inner === undefined) throw new Error('not a store of this factory');
      await store.close();
      return handle(inner);
    },
  };
}
