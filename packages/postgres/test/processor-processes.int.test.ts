// C7 and C8 with real processes on one PostgreSQL schema: two processors with one id take turns (the
// lease, a row on the server's clock), a SIGKILLed one is replaced after its lease expires, one
// frozen past its lease cannot save, and a processor killed at random points skips no event.
import { afterEach, expect, it } from 'vitest';
import { describePostgres, useStores } from './support/postgres';
import { type ChildMessage, ProcessorChild } from './support/processor-child';

/** Random SIGKILLs in the crash test: a real handful in CI, at least 20 in a soak run. */
const KILLS = process.env.CHRONICLE_SOAK === '1' ? 22 : 6;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `promise`, or a rejection naming `what` after `ms`: a broken scenario fails fast instead of hanging. */
function within<T>(promise: Promise<T>, what: string, ms = 30_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting until ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const running = new Set<ProcessorChild>();
// A failed test must not leave processes writing into a schema that is being dropped.
afterEach(async () => {
  for (const child of running) child.process.kill('SIGKILL');
  await Promise.all([...running].map((c) => c.exited));
});

describePostgres('processors in several processes on one PostgreSQL schema', () => {
  const stores = useStores('pgproc');

  /** A schema holding `count` deposits of amounts 1..count and an `effects` table; returns its head. */
  async function seed(count: number): Promise<{ schema: string; head: bigint }> {
    const store = stores.create();
    await store.migrate();
    let head = 0n;
    for (let i = 0; i < count; i += 50) {
      const events = Array.from({ length: Math.min(50, count - i) }, (_, j) => ({
        eventType: 'Deposited',
        eventData: { amount: i + j + 1 },
      }));
      head = (await store.append({ aggregateType: 'Account', aggregateId: `a-${i}` }, 'any', events))
        .lastPosition;
    }
    await stores.pool.query(
      `CREATE TABLE "${store.schema}".effects (event_id text PRIMARY KEY, amount int NOT NULL, deliveries int NOT NULL)`,
    );
    return { schema: store.schema, head };
  }

  /** What the idempotent handlers left in the schema, and the stored checkpoint. */
  async function effects(schema: string, id: string) {
    const { rows } = await stores.pool.query(
      `SELECT count(*)::int AS rows, coalesce(sum(amount), 0)::int AS sum, ` +
        `coalesce(sum(deliveries - 1), 0)::int AS repeats, ` +
        `(SELECT position::text FROM "${schema}".checkpoints WHERE processor_id = $1) AS checkpoint ` +
        `FROM "${schema}".effects`,
      [id],
    );
    const row = rows[0] as { rows: number; sum: number; repeats: number; checkpoint: string | null };
    return { ...row, checkpoint: row.checkpoint === null ? undefined : BigInt(row.checkpoint) };
  }

  const processorChild = (args: Record<string, string | number>): ProcessorChild => {
    const child = new ProcessorChild({ url: stores.url, ...args });
    running.add(child);
    void child.exited.then(() => running.delete(child));
    return child;
  };

  it('one is active at a time; when it is SIGKILLed the standby takes over after the lease and finishes', {
    timeout: 120_000,
  }, async () => {
    const count = 120;
    const { schema, head } = await seed(count);
    const leaseTtlMs = 500;
    const common = {
      schema,
      id: 'failover',
      leaseTtlMs,
      handleDelayMs: 20,
      target: String(head),
      batchSize: 5,
    };
    const a = processorChild({ ...common, name: 'a' });
    const b = processorChild({ ...common, name: 'b' });
    const handled: ChildMessage[] = [];
    a.record('handled', handled);
    b.record('handled', handled);
    const firsts = { a: a.next('first'), b: b.next('first') };
    const first = await within(Promise.race([firsts.a, firsts.b]), 'one instance handles');
    const [active, standby] = first.name === 'a' ? [a, b] : [b, a];
    const standbyFirst = first.name === 'a' ? firsts.b : firsts.a;
    await sleep(300);
    expect(new Set(handled.map((m) => m.name)), 'C7: only one instance handles while both run').toEqual(
      new Set([first.name]),
    );
    const killedAt = Date.now();
    active.process.kill('SIGKILL');
    await active.exited;
    const takeover = await within(standbyFirst, 'the standby takes over');
    const takeoverMs = Number(takeover.at) - killedAt;
    await within(standby.next('done'), 'the standby finishes the log', 60_000);
    standby.send({ type: 'stop' });
    await standby.exited;
    const result = await effects(schema, 'failover');
    console.info(
      `postgres processor failover: ${leaseTtlMs} ms lease, standby took over ${takeoverMs} ms after SIGKILL; ` +
        `${result.repeats} events handled twice (at-least-once)`,
    );
    expect(takeoverMs, 'C7: takeover within about the lease').toBeLessThan(leaseTtlMs * 2 + 1_000);
    expect(result.rows, 'C8: no event skipped').toBe(count);
    expect(result.sum).toBe((count * (count + 1)) / 2);
    expect(result.checkpoint).toBe(head);
  });

  it('an instance frozen past its lease is taken over and cannot move the checkpoint when it resumes', {
    timeout: 120_000,
  }, async () => {
    const count = 150;
    const { schema, head } = await seed(count);
    const common = {
      schema,
      id: 'deposed',
      leaseTtlMs: 300,
      handleDelayMs: 30,
      target: String(head),
      batchSize: 10,
    };
    const a = processorChild({ ...common, name: 'a' });
    await within(a.next('first'), 'a handles');
    const b = processorChild({ ...common, name: 'b' });
    await within(b.next('ready'), 'b starts');
    const checkpoints: bigint[] = [];
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const { checkpoint } = await effects(schema, 'deposed');
        if (checkpoint !== undefined) checkpoints.push(checkpoint);
        await sleep(20);
      }
    })();
    try {
      a.send({ type: 'freeze', ms: 1_500 });
      await within(b.next('first'), 'b takes over while a is frozen');
      await within(a.next('thawed'), 'a resumes');
      // After its pause a finishes the events of its batch in hand (at-least-once), then its save or
      // renewal meets the new token: it is deposed and stands by.
      let status: ChildMessage = { type: 'status' };
      for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(50)) {
        a.send({ type: 'status' });
        status = await within(a.next('status'), 'a reports its status');
        if (status.state === 'standby') break;
      }
      expect(status.state, `C7: the resumed instance stands by (status ${JSON.stringify(status)})`).toBe(
        'standby',
      );
      await within(b.next('done'), 'b finishes the log', 60_000);
    } finally {
      watching = false;
      await watch;
    }
    expect(
      checkpoints.every((c, i) => i === 0 || c >= checkpoints[i - 1]!),
      'C6: the checkpoint never moved back',
    ).toBe(true);
    for (const child of [a, b]) child.send({ type: 'stop' });
    await Promise.all([a.exited, b.exited]);
    const result = await effects(schema, 'deposed');
    console.info(
      `postgres processor freeze: the frozen instance was deposed; ${result.repeats} events handled twice (at-least-once)`,
    );
    expect(result.rows, 'C8: no event skipped').toBe(count);
    expect(result.checkpoint).toBe(head);
  });

  it(`a processor SIGKILLed at random points ${KILLS} times resumes each time and skips no event`, {
    timeout: 600_000,
  }, async () => {
    const count = KILLS > 6 ? 600 : 240;
    const { schema, head } = await seed(count);
    const common = {
      schema,
      id: 'crash',
      leaseTtlMs: 250,
      handleDelayMs: 3,
      target: String(head),
      batchSize: 7,
    };
    let kills = 0;
    for (let run = 0; run < KILLS * 2 && kills < KILLS; run++) {
      const child = processorChild({ ...common, name: `run-${run}` });
      const started = await within(Promise.race([child.next('first'), child.next('done')]), 'a run starts');
      if (started.type === 'done') {
        child.send({ type: 'stop' });
        await child.exited;
        break;
      }
      // Somewhere in handling, between a handler's write and the batch's checkpoint, or in between.
      await sleep(Math.random() * 80);
      child.process.kill('SIGKILL');
      await child.exited;
      kills++;
    }
    const last = processorChild({ ...common, name: 'last' });
    await within(last.next('done'), 'the last run finishes the log', 120_000);
    last.send({ type: 'stop' });
    await last.exited;
    const result = await effects(schema, 'crash');
    console.info(
      `postgres processor crash test: ${kills} SIGKILLs over ${count} events; ${result.repeats} handled again after a kill, none skipped`,
    );
    expect(kills, 'every planned kill happened before the log ran out').toBe(KILLS);
    expect(result.rows, 'C8: no event skipped').toBe(count);
    expect(result.sum, "the idempotent handler's result equals the model").toBe((count * (count + 1)) / 2);
    expect(result.checkpoint).toBe(head);
  });
});
