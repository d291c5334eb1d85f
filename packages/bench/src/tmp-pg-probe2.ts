import { createPostgresEventStore } from '@chronicle/postgres';
import pg from 'pg';
import { makeEvents } from './payload';
import { openRawPostgres } from './subjects/postgres-raw';

const url = 'postgres://postgres@127.0.0.1:5432/test';
async function main() {
  const admin = new pg.Pool({ connectionString: url });
  const tag = `${process.pid}`;
  const store = createPostgresEventStore({
    connectionString: url,
    schema: `probe_pg_${tag}`,
    poolConfig: { max: 2 },
  });
  await store.migrate();
  const raw = await openRawPostgres(url, `probe_raw_${tag}`, 2, true);
  for (let i = 0; i < 200; i++) {
    const evs = makeEvents(`s${i}`, 0, 100);
    await store.append(
      { aggregateType: 'BenchAccount', aggregateId: `s${i}` },
      0,
      evs.map((e) => ({
        eventId: e.eventId,
        eventType: e.eventType,
        eventData: e.data,
        occurredAt: e.occurredAt,
      })),
    );
    await raw.append(
      `s${i}`,
      0,
      evs.map((e) => ({ ...e, eventId: `r${e.eventId}` })),
    );
  }
  for (let round = 0; round < 4; round++) {
    let t0 = performance.now();
    let n = 0;
    for await (const _ of store.readAll({ batchSize: 500 })) n++;
    const a = performance.now() - t0;
    t0 = performance.now();
    let m = 0;
    for await (const _ of raw.readAll(500)) m++;
    const b = performance.now() - t0;
    console.log(
      `readAll chronicle ${a.toFixed(0)}ms (${n})  raw ${b.toFixed(0)}ms (${m}) ratio ${(b / a).toFixed(2)}`,
    );
  }
  await store.close();
  await raw.close();
  await admin.query(`DROP SCHEMA probe_pg_${tag} CASCADE; DROP SCHEMA probe_raw_${tag} CASCADE`);
  await admin.end();
}
main();
