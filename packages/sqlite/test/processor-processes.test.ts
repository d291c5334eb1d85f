// C7 and C8 with real processes on one SQLite file: two processors with one id take turns (the
// lease), a SIGKILLed one is replaced after its lease expires, one frozen past its lease cannot save,
// and a processor killed at random points again and again skips no event.
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../src/index';
import { type Child, type ChildMessage, startChild } from './support/child-process';
import { createTempDirectory } from './support/temp-database';

const temp = createTempDirectory('processor-processes');
afterAll(() => temp.cleanup());

const KILLS = 22;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A file holding `count` deposits of amounts 1..count; returns its head position. */
async function seed(filename: string, count: number): Promise<bigint> {
  const store = createSqliteEventStore({ filename });
  let head = 0n;
  for (let i = 0; i < count; i += 50) {
    const events = Array.from({ length: Math.min(50, count - i) }, (_, j) => ({
      eventType: 'Deposited',
      eventData: { amount: i + j + 1 },
    }));
    head = (await store.append({ aggregateType: 'Account', aggregateId: `a-${i}` }, 'any', events))
      .lastPosition;
  }
  await store.close();
  return head;
}

/** What the idempotent handlers left in the file, and the stored checkpoint. */
function effects(filename: string, id: string) {
  const raw = new Database(filename, { readonly: true });
  try {
    const rows = raw.prepare('SELECT amount, deliveries FROM effects').all() as {
      amount: number;
      deliveries: number;
    }[];
    const checkpoint = raw.prepare('SELECT position FROM checkpoints WHERE processor_id = ?').get(id) as
      | { position: number }
      | undefined;
    return {
      rows: rows.length,
      sum: rows.reduce((n, r) => n + r.amount, 0),
      repeats: rows.reduce((n, r) => n + r.deliveries - 1, 0),
      checkpoint: checkpoint?.position,
    };
  } finally {
    raw.close();
  }
}

/** `promise`, or a rejection naming `what` after `ms`: a broken scenario fails fast instead of hanging. */
function within<T>(promise: Promise<T>, what: string, ms = 20_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting until ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const running = new Set<Child>();
const processorChild = (args: Record<string, string | number>): Child => {
  const child = startChild('run', args, 'processor-child.ts');
  running.add(child);
  void child.exited.then(() => running.delete(child));
  return child;
};
// A failed test must not leave processes writing into a directory that is being removed.
afterEach(async () => {
  for (const child of running) child.process.kill('SIGKILL');
  await Promise.all([...running].map((c) => c.exited));
});
/** Collects every message of `type` a child sends, as it arrives. */
function record(child: Child, type: string, into: ChildMessage[]): void {
  child.process.on('message', (m: ChildMessage) => {
    if (m.type === type) into.push(m);
  });
}

describe('processors in several processes on one SQLite file', () => {
  it('one is active at a time; when it is SIGKILLed the standby takes over after the lease and finishes', {
    timeout: 120_000,
  }, async () => {
    const filename = temp.file('failover');
    const count = 200;
    const head = await seed(filename, count);
    const leaseTtlMs = 400;
    const common = {
      filename,
      id: 'failover',
      leaseTtlMs,
      handleDelayMs: 20,
      target: String(head),
      batchSize: 5,
    };
    const a = processorChild({ ...common, name: 'a' });
    const b = processorChild({ ...common, name: 'b' });
    const handled: ChildMessage[] = [];
    record(a, 'handled', handled);
    record(b, 'handled', handled);
    const firsts = { a: a.next('first'), b: b.next('first') };
    const first = await Promise.race([firsts.a, firsts.b]);
    const [active, standby] = first.name === 'a' ? [a, b] : [b, a];
    const standbyFirst = first.name === 'a' ? firsts.b : firsts.a;
    await sleep(300);
    expect(new Set(handled.map((m) => m.name)), 'C7: only one instance handles while both run').toEqual(
      new Set([first.name]),
    );
    const killedAt = Date.now();
    active.process.kill('SIGKILL');
    await active.exited;
    const takeover = await standbyFirst;
    const takeoverMs = Number(takeover.at) - killedAt;
    await standby.next('done');
    standby.send({ type: 'stop' });
    await standby.exited;
    const result = effects(filename, 'failover');
    console.info(
      `processor failover: ${leaseTtlMs} ms lease, standby took over ${takeoverMs} ms after SIGKILL; ` +
        `${result.repeats} events handled twice (at-least-once)`,
    );
    expect(takeoverMs, 'C7: takeover within about the lease').toBeLessThan(leaseTtlMs * 2 + 1_000);
    expect(result.rows, 'C8: no event skipped').toBe(count);
    expect(result.sum).toBe((count * (count + 1)) / 2);
    expect(BigInt(result.checkpoint!)).toBe(head);
  });

  it('an instance frozen past its lease is taken over and cannot move the checkpoint when it resumes', {
    timeout: 120_000,
  }, async () => {
    const filename = temp.file('deposed');
    const count = 400;
    const head = await seed(filename, count);
    const common = {
      filename,
      id: 'deposed',
      leaseTtlMs: 300,
      handleDelayMs: 40,
      target: String(head),
      batchSize: 10,
    };
    const a = processorChild({ ...common, name: 'a' });
    await within(a.next('first'), 'a handles');
    const b = processorChild({ ...common, name: 'b' });
    await within(b.next('ready'), 'b starts');
    const checkpoints: number[] = [];
    const watch = setInterval(() => {
      const { checkpoint } = effects(filename, 'deposed');
      if (checkpoint !== undefined) checkpoints.push(checkpoint);
    }, 20);
    try {
      a.send({ type: 'freeze', ms: 2_000 });
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
      clearInterval(watch);
    }
    expect(
      checkpoints.every((c, i) => i === 0 || c >= checkpoints[i - 1]!),
      'C6: the checkpoint never moved back',
    ).toBe(true);
    for (const child of [a, b]) child.send({ type: 'stop' });
    await Promise.all([a.exited, b.exited]);
    const result = effects(filename, 'deposed');
    console.info(
      `processor freeze: the frozen instance was deposed; ${result.repeats} events handled twice (at-least-once)`,
    );
    expect(result.rows, 'C8: no event skipped').toBe(count);
    expect(BigInt(result.checkpoint!)).toBe(head);
  });

  it(`a processor SIGKILLed at random points ${KILLS} times resumes each time and skips no event`, {
    timeout: 300_000,
  }, async () => {
    const filename = temp.file('crash');
    const count = 600;
    const head = await seed(filename, count);
    const common = {
      filename,
      id: 'crash',
      leaseTtlMs: 250,
      handleDelayMs: 3,
      target: String(head),
      batchSize: 7,
    };
    let kills = 0;
    for (let run = 0; run < KILLS * 2 && kills < KILLS; run++) {
      const child = processorChild({ ...common, name: `run-${run}` });
      const started = await Promise.race([child.next('first'), child.next('done')]);
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
    await last.next('done');
    last.send({ type: 'stop' });
    await last.exited;
    const result = effects(filename, 'crash');
    console.info(
      `processor crash test: ${kills} SIGKILLs over ${count} events; ${result.repeats} handled again after a kill, none skipped`,
    );
    expect(kills, 'enough kills happened before the log ran out').toBeGreaterThanOrEqual(20);
    expect(result.rows, 'C8: no event skipped').toBe(count);
    expect(result.sum, "the idempotent handler's result equals the model").toBe((count * (count + 1)) / 2);
    expect(BigInt(result.checkpoint!)).toBe(head);
  });
});
