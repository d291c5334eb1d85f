import type { ReadWriteEventStore, Snapshot } from '../../src/index';

/** A call the repository made, for asserting what it read. */
export type StoreCall =
  | { method: 'getEvents'; fromVersion: number | undefined }
  | { method: 'getSnapshot' }
  | { method: 'getStreamVersion' }
  | { method: 'saveSnapshot'; version: number }
  | { method: 'append'; expectedVersion: unknown; count: number };

/**
 * A real store behind a thin decorator that records the calls the repository makes, and can make
 * `saveSnapshot` fail, as a full disk or a lost connection would.
 */
export interface RecordingStore extends ReadWriteEventStore {
  readonly calls: StoreCall[];
  failSnapshotWrites: Error | undefined;
}

export function recording(inner: ReadWriteEventStore): RecordingStore {
  const calls: StoreCall[] = [];
  const store: RecordingStore = {
    calls,
    failSnapshotWrites: undefined,
    append(stream, expectedVersion, events) {
      calls.push({ method: 'append', expectedVersion, count: events.length });
      return inner.append(stream, expectedVersion, events);
    },
    getEvents(aggregateType, aggregateId, fromVersion) {
      calls.push({ method: 'getEvents', fromVersion });
      return inner.getEvents(aggregateType, aggregateId, fromVersion);
    },
    readStream: (stream, options) => inner.readStream(stream, options),
    getStreamVersion(stream) {
      calls.push({ method: 'getStreamVersion' });
      return inner.getStreamVersion(stream);
    },
    getSnapshot(aggregateType, aggregateId) {
      calls.push({ method: 'getSnapshot' });
      return inner.getSnapshot(aggregateType, aggregateId);
    },
    async saveSnapshot(snapshot: Snapshot) {
      calls.push({ method: 'saveSnapshot', version: snapshot.version });
      if (store.failSnapshotWrites !== undefined) throw store.failSnapshotWrites;
      return inner.saveSnapshot(snapshot);
    },
    getEventsByType: (eventType, fromDate) => inner.getEventsByType(eventType, fromDate),
    getAllEvents: (aggregateType, fromPosition) => inner.getAllEvents(aggregateType, fromPosition),
    readAll: (options) => inner.readAll(options),
    close: () => inner.close(),
  };
  return store;
}

/** The versions at which snapshots were written. */
export const snapshotVersions = (store: RecordingStore): number[] =>
  store.calls.flatMap((call) => (call.method === 'saveSnapshot' ? [call.version] : []));
