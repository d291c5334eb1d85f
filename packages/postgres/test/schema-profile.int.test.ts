import { InvalidArgumentError } from '@chronicle/core';
import { afterAll, expect, it } from 'vitest';
import { createPostgresEventStore, migratePostgres, type PostgresSchemaProfile } from '../src/index';
import type { PostgresEventStore } from '../src/postgres-options';
import { describePostgres, freshSchemaName, useStores } from './support/postgres';

const TYPE_INDEX = 'events_event_type_position_idx';

describePostgres('postgres store: schema profiles', () => {
  const stores = useStores('profile');
  const opened: PostgresEventStore[] = [];
  afterAll(async () => {
    await Promise.all(opened.map((store) => store.close()));
  });

  /** A store on the shared pool in `schema`, with `schemaProfile` as given (or omitted). */
  const open = (schema: string, schemaProfile?: PostgresSchemaProfile) => {
    const store = createPostgresEventStore({
      pool: stores.pool,
      schema,
      ...(schemaProfile === undefined ? {} : { schemaProfile }),
    });
    opened.push(store);
    return store;
  };
  const indexes = async (schema: string): Promise<string[]> =>
    (
      await stores.pool.query<{ name: string }>(
        "SELECT indexname AS name FROM pg_indexes WHERE schemaname = $1 AND tablename = 'events' ORDER BY 1",
        [schema],
      )
    ).rows.map((row) => row.name);

  const dataOf = async (events: AsyncIterable<{ eventData: unknown }>) => {
    const data: unknown[] = [];
    for await (const event of events) data.push(event.eventData);
    return data;
  };

  it("'lean' drops the event-type index and every read still answers the same; 'full' builds it again; omitted keeps what is there", async () => {
    const schema = stores.create().schema;
    const full = open(schema);
    await full.migrate();
    for (let i = 0; i < 6; i++) {
      await full.append({ aggregateType: 'Account', aggregateId: `${i % 2}` }, 'any', [
        { eventType: i % 3 === 0 ? 'Opened' : 'Deposited', eventData: { i } },
      ]);
    }
    const answers = async (store: PostgresEventStore) => ({
      byType: (await store.getEventsByType('Opened')).map((e) => e.eventData),
      filtered: await dataOf(store.readAll({ eventTypes: ['Deposited'] })),
      stream: (await store.getEvents('Account', '1')).map((e) => e.version),
    });
    const expected = await answers(full);
    expect(expected.byType).toEqual([{ i: 0 }, { i: 3 }]);
    expect(await indexes(schema)).toContain(TYPE_INDEX);

    const lean = open(schema, 'lean');
    expect(await lean.migrate()).toMatchObject({ applied: [] });
    expect(await indexes(schema)).not.toContain(TYPE_INDEX);
    expect(await indexes(schema)).toEqual(
      expect.arrayContaining(['events_pkey', 'events_event_id_key', 'events_stream_version_key']),
    );
    await lean.append({ aggregateType: 'Account', aggregateId: '0' }, 3, [
      { eventType: 'Opened', eventData: { i: 6 } },
    ]);
    expect(await answers(lean)).toEqual({ ...expected, byType: [...expected.byType, { i: 6 }] });
    await lean.migrate(); // idempotent
    expect(await indexes(schema)).not.toContain(TYPE_INDEX);

    // A store opened with defaults (a tool, another process) leaves the lean schema lean.
    const defaults = open(schema);
    await defaults.migrate();
    expect(await indexes(schema)).not.toContain(TYPE_INDEX);

    const back = open(schema, 'full');
    await back.migrate();
    expect(await indexes(schema)).toContain(TYPE_INDEX);
    expect((await back.getEventsByType('Opened')).map((e) => e.eventData)).toEqual([
      { i: 0 },
      { i: 3 },
      { i: 6 },
    ]);
  });

  it('autoMigrate applies the profile before the first statement, and migratePostgres takes it too', async () => {
    const auto = open(freshSchemaName('profile'), 'lean');
    await auto.append({ aggregateType: 'A', aggregateId: '1' }, 'no_stream', [
      { eventType: 'E', eventData: 1 },
    ]);
    expect(await indexes(auto.schema)).not.toContain(TYPE_INDEX);
    await stores.drop(auto.schema);

    const schema = freshSchemaName('profile');
    try {
      await migratePostgres({ pool: stores.pool, schema, schemaProfile: 'lean' });
      expect(await indexes(schema)).not.toContain(TYPE_INDEX);
      await migratePostgres({ pool: stores.pool, schema, schemaProfile: 'full' });
      expect(await indexes(schema)).toContain(TYPE_INDEX);
    } finally {
      await stores.drop(schema);
    }
  });

  it('a profile that is neither full nor lean is an InvalidArgumentError before the database is touched', async () => {
    const schema = freshSchemaName('profile');
    const create = () =>
      createPostgresEventStore({
        pool: stores.pool,
        schema,
        schemaProfile: 'small' as PostgresSchemaProfile,
      });
    expect(create).toThrow(InvalidArgumentError);
    expect(create).toThrow(/options\.schemaProfile.*must be 'full' or 'lean', got small/);
    const { rows } = await stores.pool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    expect(rows).toEqual([]);
  });
});
