import { isInvalidArgumentError } from '@chronicle/core';
import { expect, it } from 'vitest';
import { describePostgres, useStores } from './support/postgres';

const HOSTILE = [
  "'); DROP TABLE events; --",
  'Robert"); DROP SCHEMA public CASCADE; --',
  "it's a 'quoted' \"string\" with \\ backslashes \\' and $1 $$ dollars $$",
  '{"not": "json, just text"}',
  'ümlaut ✓ 日本語 🎉',
  `x${'\t\n\r'}y`,
  '*/ /* -- ; ;',
];

describePostgres('postgres store: hostile input', () => {
  const stores = useStores('hostile');

  it('stores quotes, SQL fragments and unicode in ids, types and data verbatim, never executing them', async () => {
    const store = stores.create();
    for (const [i, text] of HOSTILE.entries()) {
      const stream = { aggregateType: text, aggregateId: `${text}#${i}` };
      await store.append(stream, 'no_stream', [
        {
          eventType: text,
          eventId: `${text}@${i}`,
          eventData: { [text]: text, list: [text] },
          userId: text,
          correlationId: text,
          causationId: text,
          metadata: { [text]: text },
        },
      ]);
      const [event] = await store.getEvents(text, `${text}#${i}`);
      expect(event).toMatchObject({
        aggregateType: text,
        aggregateId: `${text}#${i}`,
        eventType: text,
        eventId: `${text}@${i}`,
        eventData: { [text]: text, list: [text] },
        userId: text,
        metadata: { [text]: text },
      });
      expect((await store.getEventsByType(text)).length).toBe(1);
      const filtered = [];
      for await (const e of store.readAll({ aggregateTypes: [text], eventTypes: [text] })) filtered.push(e);
      expect(filtered.length).toBe(1);
    }
    // Backdoor: the raw rows hold exactly the strings, and every table still stands.
    const { rows } = await stores.pool.query(
      `SELECT event_type FROM "${store.schema}".events ORDER BY position`,
    );
    expect(rows.map((r) => r.event_type)).toEqual(HOSTILE);
    const tables = await stores.pool.query(
      "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema IN ($1, 'public')",
      [store.schema],
    );
    expect(tables.rows[0]!.n).toBeGreaterThanOrEqual(5);
  });

  it('stores ids and types of the maximum length and a multi-megabyte payload', async () => {
    const store = stores.create();
    const long = 'x'.repeat(255);
    const huge = `${'🎉'.repeat(1000)}${"'; DROP TABLE x; --".repeat(200_000)}`;
    await store.append({ aggregateType: long, aggregateId: long }, 'no_stream', [
      { eventType: long, eventId: long, eventData: { huge }, metadata: { huge } },
    ]);
    const [event] = await store.getEvents(long, long);
    expect((event!.eventData as { huge: string }).huge).toBe(huge);
    expect((event!.metadata as { huge: string }).huge.length).toBe(huge.length);
    const tooLong = await store
      .append({ aggregateType: 'A', aggregateId: 'x'.repeat(256) }, 'any', [{ eventType: 'E', eventData: 1 }])
      .catch((e: unknown) => e);
    expect(isInvalidArgumentError(tooLong)).toBe(true);
  });
});
