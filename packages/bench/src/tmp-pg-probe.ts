import { createPostgresEventStore } from '@chronicle/postgres';
import pg from 'pg';
import { makeEvents } from './payload';
import { openRawPostgres } from './subjects/postgres-raw';

const url = 'postgres://postgres@127.0.0.1:5432/test';
const N = Number(process.env.N ?? 1500);
const sync = process.env.SYNC ?? 'on';

async function main() {
  const admin = new pg.Pool({ connectionString: url });
  const tag = `${process.pid}`;
  const store = createPostgresEventStore({
    connectionString: url,
    schema: `probe_pg_${tag}`,
    poolConfig: { max: 1, options: `-c synchronous_commit=${sync}` },
  });
  await store.migrate();
  const raw = await openRawPostgres(url, `probe_raw_${tag}`, 1, true);
  const versions = { a: new Array(10).fill(0), b: new Array(10).fill(0) };
  let tA = 0,
    tB = 0;
  for (let round = 0; round < 4; round++) {
    let t0 = performance.now();
    for (let i = 0; i < N / 4; i++) {
      const s = i % 10;
      const evs = makeEvents(`s${s}`, versions.a[s], 1);
      await store.append(
        { aggregateType: 'BenchAccount', aggregateId: `s${s}` },
        versions.a[s],
        evs.map((e) => ({
          eventId: e.eventId,
          eventType: e.eventType,
          eventData: e.data,
          occurredAt: e.occurredAt,
        })),
      );
      versions.a[s]++;
    }
    tA += performance.now() - t0;
    t0 = performance.now();
    for (let i = 0; i < N / 4; i++) {
      const s = i % 10;
      await raw.append(`s${s}`, versions.b[s], makeEvents(`s${s}`, versions.b[s], 1));
      versions.b[s]++;
    }
    tB += performance.now() - t0;
  }
  console.log(
    `sync=${sync} chronicle ${((tA / N) * 1000).toFixed(0)}us/append  raw ${((tB / N) * 1000).toFixed(0)}us/append  ratio ${(tB / tA).toFixed(2)}`,
  );
  await store.close();
  await raw.close();
  await admin.query(`DROP SCHEMA probe_pg_${tag} CASCADE; DROP SCHEMA probe_raw_${tag} CASCADE`);
  await admin.end();
}
main();
