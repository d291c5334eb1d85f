import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { createPostgresEventStore, notificationChannel } from '../src/index';
import { LISTENERS_CHECK_INTERVAL_MS } from '../src/sql/commit-notifier';
import { describePostgres, freshSchemaName, useStores, waitFor } from './support/postgres';
import { recordingPool } from './support/recording-pool';

const stream = (id: string) => ({ aggregateType: 'Account', aggregateId: id });
const deposit = (amount: number) => ({ eventType: 'Deposited', eventData: { amount } });

describePostgres('postgres store: the after-commit NOTIFY goes only where someone listens', () => {
  const stores = useStores('notifier');
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('sends no NOTIFY while no session listens on the channel, and notifies a listener that starts later', async () => {
    const schema = freshSchemaName('notifier');
    stores.create({ schema }); // dropped with the file's schemas
    // The statements the store really sends, recorded on the way to the pool.
    const sent: string[] = [];
    const recording = recordingPool(stores.pool, sent);
    const writer = createPostgresEventStore({ pool: recording, schema });
    cleanups.push(() => writer.close());
    await writer.migrate();
    const notifications = () => sent.filter((text) => text.includes('pg_notify')).length;

    for (let i = 0; i < 5; i++) await writer.append(stream('quiet'), 'any', [deposit(i)]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(notifications(), 'nobody listens: no NOTIFY').toBe(0);

    const client = new pg.Client({ connectionString: stores.url });
    client.on('error', () => {});
    await client.connect();
    cleanups.push(() => client.end());
    let received = 0;
    client.on('notification', () => received++);
    await client.query(`LISTEN "${notificationChannel(schema)}"`);
    // Past the interval, the next append looks again, finds the listener, and notifies it.
    await new Promise((resolve) => setTimeout(resolve, LISTENERS_CHECK_INTERVAL_MS + 100));
    await writer.append(stream('heard'), 'any', [deposit(1)]);
    await waitFor(async () => received === 1, 'the notification to the new listener');
    expect(notifications()).toBe(1);
  });
});
