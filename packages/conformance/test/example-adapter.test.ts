import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEventStoreConformance } from '@chronicle/conformance';
import { afterAll } from 'vitest';
import { countRowsInFile, createJsonlEventStore, type JsonlEventStore } from './example/jsonl-event-store';

const directory = mkdtempSync(join(tmpdir(), 'chronicle-jsonl-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

let stores = 0;
const fileOf = (store: unknown) => (store as JsonlEventStore).file;

runEventStoreConformance({
  name: 'example: JSON-lines file',
  // A fresh, empty store per test: a new file. `options` carries upcasters, registry and clock.
  createStore: (options) =>
    createJsonlEventStore({ ...options, file: join(directory, `store-${++stores}.jsonl`) }),
  // Durability: close, then open a new store over the same file.
  reopen: async (store) => {
    await store.close();
    return createJsonlEventStore({ file: fileOf(store) });
  },
  dispose: async (store) => {
    await store.close();
    rmSync(fileOf(store), { force: true });
  },
  // Optional backdoor: count the events in the file itself, so "nothing written" is checked on disk.
  rawEventCount: (store) => countRowsInFile(fileOf(store)),
  capabilities: { persistent: true },
});
