/**
 * OpenTelemetry on PostgreSQL (real server): the shared store checks (append and read-page spans,
 * metrics, trace context in metadata, silence without a provider) and the read horizon's age gauge.
 * Listed in EXCLUSIVE_FILES: the gauge test holds a transaction open on purpose.
 */
import { TELEMETRY } from '@chronicle/core/adapter';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeStoreTelemetry } from '../../core/test/support/store-telemetry';
import { installTelemetry, type TestTelemetry } from '../../core/test/support/telemetry';
import { createPostgresEventStore, type PostgresEventStore } from '../src/index';
import { describePostgres, useRawPool, useStores } from './support/postgres';

const stores = useStores('otel');
/** A store that never connects (its pool is made on first use), to ask what it offers. */
const probe = createPostgresEventStore({
  pool: () => {
    throw new Error('not used');
  },
});
const raw = useRawPool();

describePostgres('PostgreSQL', () => {
  describeStoreTelemetry('PostgreSQL', {
    adapter: 'postgresql',
    dbSystem: 'postgresql',
    createStore: async (options) => {
      const store = stores.create({ ...options, streamPageSize: 2 });
      await store.migrate();
      return store;
    },
    namespaceOf: (store) => (store as PostgresEventStore).schema,
    subscribes: typeof (probe as Partial<{ subscribe: unknown }>).subscribe === 'function',
  });
});

describePostgres('PostgreSQL: read horizon age', () => {
  let telemetry: TestTelemetry;
  beforeEach(() => {
    telemetry = installTelemetry();
  });
  afterEach(() => telemetry.uninstall());

  it('reports how long an open transaction has been holding readers, until the store closes', async () => {
    const store = stores.create();
    await store.migrate();
    const ageOf = async () =>
      (await telemetry.points(TELEMETRY.metrics.POSTGRES_READ_HORIZON_AGE)).find(
        (point) => point.attributes[TELEMETRY.attributes.DB_NAMESPACE] === store.schema,
      )?.value as number | undefined;

    const holder = await raw.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_current_xact_id()'); // an xid: from now on it holds the horizon
      await new Promise((resolve) => setTimeout(resolve, 400));
      // The oldest running transaction holds the horizon: ours, or one older still (another test run's).
      expect(await ageOf()).toBeGreaterThanOrEqual(0.4);
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    await store.close();
    // A closed store no longer queries: the gauge keeps its last value and is not asked again.
    await expect(telemetry.collect()).resolves.toBeDefined();
  });
});
