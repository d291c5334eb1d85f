import { expect, it } from 'vitest';
import { describePostgres, throughPgBouncer, useStores } from './support/postgres';

// The store with its defaults (named prepared statements) behind PgBouncer in transaction mode: the
// first statement a server connection already has (42P05) or lacks (26000) switches it to unnamed
// statements, and the call is sent again — nothing had run.
describePostgres(
  'postgres store: default settings behind a transaction-mode pooler',
  () => {
    const stores = useStores('bouncer', { ...throughPgBouncer, settings: {} });

    it('racing appends, reads and idempotent retries succeed with prepareStatements left on', async () => {
      const store = stores.create();
      await store.migrate();
      const streams = Array.from({ length: 8 }, (_, i) => ({
        aggregateType: 'Bounced',
        aggregateId: `b-${i}`,
      }));
      for (let round = 0; round < 15; round++) {
        await Promise.all(
          streams.map(async (stream, i) => {
            const eventId = `${stream.aggregateId}-${round}`;
            const event = { eventType: 'Bounced', eventData: { round, i }, eventId };
            await store.append(stream, 'any', [event]);
            // The same event again: recognised as a repeat, not a new one.
            await store.append(stream, round, [event]);
            expect(await store.getStreamVersion(stream)).toBe(round + 1);
          }),
        );
      }
      expect(await store.getAllEvents()).toHaveLength(8 * 15);
    });
  },
  throughPgBouncer,
);
