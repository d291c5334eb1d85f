import type { NewEvent } from '@chronicle/core';
import { expect, it } from 'vitest';
import { describePostgres, everyPath, useStores } from './support/postgres';

// How long the writers run: 20 s in CI; CHRONICLE_HOT_STREAM_SECONDS=180 for a longer soak.
const SECONDS = Number(process.env.CHRONICLE_HOT_STREAM_SECONDS ?? 20);
const BATCH = 40_000;

for (const via of everyPath) {
  describePostgres(
    'postgres store: one hot stream with big batches beside many small writers',
    () => {
      const stores = useStores('hot', via);

      it(
        `runs ${SECONDS} s of 40,000-event 'any' appends to one stream beside single-event writers with zero failures`,
        async () => {
          const store = stores.createWithOwnPool({ poolConfig: { max: 9 } });
          await store.migrate();
          const hot = { aggregateType: 'Hot', aggregateId: 'hot' };
          const deadline = Date.now() + SECONDS * 1000;
          const failures: string[] = [];
          const appended = { hotBatches: 0, smallAppends: 0 };
          const batch = (loop: number, round: number): NewEvent[] =>
            Array.from({ length: BATCH }, (_, i) => ({ eventType: 'Heated', eventData: { loop, round, i } }));

          const hotLoop = async (loop: number) => {
            for (let round = 0; Date.now() < deadline; round++) {
              try {
                await store.append(hot, 'any', batch(loop, round));
                appended.hotBatches++;
              } catch (error) {
                failures.push(`hot loop ${loop}: ${String(error)}`);
              }
            }
          };
          const smallLoop = async (loop: number) => {
            for (let round = 0; Date.now() < deadline; round++) {
              const stream = { aggregateType: 'Cold', aggregateId: `cold-${(loop * 7 + round) % 20}` };
              try {
                await store.append(stream, 'any', [{ eventType: 'Ticked', eventData: { loop, round } }]);
                appended.smallAppends++;
              } catch (error) {
                failures.push(`small loop ${loop}: ${String(error)}`);
              }
            }
          };
          await Promise.all([0, 1, 2, 3].flatMap((loop) => [hotLoop(loop), smallLoop(loop)]));
          console.log(`[hot stream] ${SECONDS} s:`, appended, `failures: ${failures.length}`);

          expect(failures.slice(0, 5)).toEqual([]);
          expect(appended.hotBatches).toBeGreaterThan(0);
          // The hot stream is gapless, its positions rise with its versions, and nothing partial was kept.
          const { rows } = await stores.pool.query(
            `SELECT count(*)::int AS n, max(version) AS hi, bool_and(position > prev) AS rising FROM (` +
              'SELECT version, position, lag(position, 1, -1::bigint) OVER (ORDER BY version) AS prev ' +
              `FROM "${store.schema}".events WHERE aggregate_type = 'Hot' AND aggregate_id = 'hot') v`,
          );
          expect(rows[0]).toEqual({
            n: appended.hotBatches * BATCH,
            hi: appended.hotBatches * BATCH,
            rising: true,
          });
        },
        (SECONDS + 120) * 1000,
      );
    },
    via,
  );
}
