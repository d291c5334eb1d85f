/**
 * OpenTelemetry on SQLite (real database files): append and read-page spans, metrics, trace context
 * in metadata, the processor chain, and silence without a provider — the checks every adapter shares.
 */
import { afterAll } from 'vitest';
import { describeStoreTelemetry } from '../../core/test/support/store-telemetry';
import { createSqliteEventStore } from '../src/index';
import { createTempDirectory } from './support/temp-database';

const temp = createTempDirectory('otel');
afterAll(() => temp.cleanup());

describeStoreTelemetry('SQLite', {
  adapter: 'sqlite',
  dbSystem: 'sqlite',
  createStore: async (options) =>
    createSqliteEventStore({ ...options, filename: temp.file(), streamPageSize: 2 }),
  namespaceOf: (store) => (store as ReturnType<typeof createSqliteEventStore>).database.name,
  subscribes: true,
});
