import type { DomainEvent, ReadAllOptions } from '@chronicle/core';
import { expect, it } from 'vitest';
import { describePostgres, everyPath, useStores } from './support/postgres';

async function collect(events: AsyncIterable<DomainEvent>): Promise<DomainEvent[]> {
  const result: DomainEvent[] = [];
  for await (const event of events) result.push(event);
  return result;
}

const ev = (eventType: string, eventId: string) => ({ eventType, eventData: { eventId }, eventId });

for (const via of everyPath) {
  describePostgres(
    'postgres store: filtered readAll next to an unrelated open transaction',
    () => {
      const stores = useStores('filtered', via);

      /** Opens a transaction on another connection that holds a transaction id (and so the horizon). */
      async function openUnrelatedTransaction() {
        const client = await stores.pool.connect();
        await client.query('BEGIN');
        await client.query('SELECT pg_current_xact_id()');
        return client;
      }

      it('a caught-up filtered reader returns at once, however many other events commit above the horizon', async () => {
        // A long wait, so waiting at all would show (the fault: the full inFlightWaitMs every call).
        const store = stores.create({ inFlightWaitMs: 20_000 });
        const wanted = await store.append({ aggregateType: 'Order', aggregateId: 'o-1' }, 'no_stream', [
          ev('OrderPlaced', 'placed-1'),
        ]);
        const open = await openUnrelatedTransaction();
        try {
          // Committed after the open transaction began: visible, but above the horizon.
          await store.append({ aggregateType: 'Order', aggregateId: 'o-1' }, 1, [
            ev('OrderNoted', 'noted-1'),
          ]);
          await store.append({ aggregateType: 'Audit', aggregateId: 'a-1' }, 'no_stream', [
            ev('OrderPlaced', 'audit-1'),
          ]);
          const filters: [string, ReadAllOptions][] = [
            ['event type', { eventTypes: ['OrderPlaced'], aggregateTypes: ['Order'] }],
            ['aggregate type', { aggregateTypes: ['Billing'] }],
            ['event type only, nothing newer of it', { eventTypes: ['OrderShipped'] }],
          ];
          for (const [what, filter] of filters) {
            const started = Date.now();
            const seen = await collect(store.readAll({ ...filter, fromPosition: wanted.lastPosition }));
            expect(seen, what).toEqual([]);
            expect(Date.now() - started, `a reader filtered by ${what} waited`).toBeLessThan(2000);
          }
          await open.query('ROLLBACK');
        } finally {
          open.release();
        }
      });

      it('a filtered reader still waits for a matching event committed above the horizon (reads its own append)', async () => {
        const store = stores.create({ inFlightWaitMs: 20_000 });
        await store.migrate();
        const open = await openUnrelatedTransaction();
        try {
          await store.append({ aggregateType: 'Order', aggregateId: 'o-2' }, 'no_stream', [
            ev('OrderPlaced', 'placed-2'),
            ev('OrderNoted', 'noted-2'),
          ]);
          const started = Date.now();
          setTimeout(() => void open.query('ROLLBACK'), 300);
          const seen = await collect(store.readAll({ eventTypes: ['OrderPlaced'] }));
          expect(Date.now() - started).toBeGreaterThanOrEqual(250);
          expect(seen.map((e) => e.eventId)).toEqual(['placed-2']);
        } finally {
          open.release();
        }
      });
    },
    via,
  );
}
