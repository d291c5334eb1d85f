import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcessor } from '@chronicle/core';
import { createSqliteEventStore, type SqliteEventStore } from '@chronicle/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chronicle, json, startChronicle } from './run-cli';
import { seed } from './seed';

const dir = mkdtempSync(join(tmpdir(), 'chronicle-cli-consume-'));
const fixture = (name: string) => `${join(import.meta.dirname, 'fixtures/account-model.ts')}#${name}`;
let file = '';
let store: SqliteEventStore;

beforeAll(async () => {
  file = join(dir, 'consume.db');
  store = createSqliteEventStore({ filename: file });
  await seed(store, 3, 4); // 13 events: positions 1..13
  // Two processors: one caught up to position 10, one that parked the deposit at position 5.
  const upTo10 = startProcessor(store, {
    id: 'balances',
    handle: () => {},
    filter: { aggregateTypes: ['Account'] },
  });
  await upTo10.whenProcessed(13n);
  await upTo10.stop();
  await store.checkpoints.reset('balances', 10n);
  const emails = startProcessor(store, {
    id: 'emails',
    retry: { maxAttempts: 1 },
    onFailure: 'park',
    handle: (event) => {
      if (event.position === 5n) throw new Error('mail server said no');
    },
  });
  await emails.whenProcessed(13n);
  await emails.stop();
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const db = () => ['--db', file];
/** The events `--follow --json` printed, one JSON object a line. */
const ndjson = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('chronicle events --follow', () => {
  it('prints events as they commit, filtered by type, and ends with exit 0 when its input ends', async () => {
    const follow = startChronicle(['events', '--follow', '--type', 'MoneyDeposited', '--json', ...db()]);
    await follow.waitFor('stderr', /following the log after position 13/);
    await store.append({ aggregateType: 'Account', aggregateId: 'acc-9' }, 'no_stream', [
      { eventType: 'AccountOpened', eventData: { owner: 'Live' } },
      { eventType: 'MoneyDeposited', eventData: { amount: 7 } },
    ]);
    await follow.waitFor('stdout', /\n/);
    follow.child.stdin!.end();
    expect(await follow.exited).toBe(0);
    const lines = ndjson(follow.stdout());
    expect(lines).toEqual([
      expect.objectContaining({ position: '15', eventType: 'MoneyDeposited', data: { amount: 7 } }),
    ]);
  });

  it('--from replays from a position, upcast with --upcasters, and SIGINT ends it with exit 0', async () => {
    const follow = startChronicle([
      'events',
      '--follow',
      '--from',
      '12',
      '--upcasters',
      fixture('upcasters'),
      '--json',
      ...db(),
    ]);
    await follow.waitFor('stdout', /"position":"13"/);
    follow.child.kill('SIGINT');
    expect(await follow.exited).toBe(0);
    const lines = ndjson(follow.stdout());
    expect(lines.map((e) => e.position)).toEqual(['12', '13', '14', '15']);
    // Position 12 is a stored MoneyDeposited of 30 at schema version 1; the application reads cents.
    expect(lines[0]).toMatchObject({ eventType: 'MoneyDeposited', schemaVersion: 2, data: { amount: 3000 } });
  });
});

describe('chronicle processors and processor', () => {
  it('lists every checkpoint with its lag behind the head and its parked count', async () => {
    const run = await chronicle(['processors', '--json', ...db()]);
    expect(run.code, run.stderr).toBe(0);
    const { head, processors } = json<{ head: string; processors: Record<string, unknown>[] }>(run);
    const lagOf = (position: string) => (BigInt(head) - BigInt(position)).toString();
    expect(processors).toEqual([
      expect.objectContaining({ processorId: 'balances', position: '10', lag: lagOf('10'), parked: 0 }),
      expect.objectContaining({ processorId: 'emails', position: '13', lag: lagOf('13'), parked: 1 }),
    ]);
    const text = await chronicle(['processors', ...db()]);
    expect(text.stdout).toMatch(
      /^PROCESSOR\s+CHECKPOINT\s+LAG\s+PARKED\s+UPDATED\nbalances\s+10\s+\d+\s+0\s/,
    );
  });

  it('parked lists the event with its error; replay through the handler unparks it', async () => {
    const parked = await chronicle(['processor', 'emails', 'parked', '--json', ...db()]);
    expect(parked.code, parked.stderr).toBe(0);
    expect(json(parked).parked).toEqual([
      expect.objectContaining({
        position: '5',
        eventType: 'MoneyDeposited',
        attempts: 1,
        error: 'mail server said no',
      }),
    ]);
    const replay = await chronicle([
      'processor',
      'emails',
      'replay',
      '--handler',
      fixture('replayHandler'),
      '--json',
      ...db(),
    ]);
    expect(replay.code, replay.stderr).toBe(0);
    expect(json(replay)).toEqual({ processorId: 'emails', replayed: ['5'], failed: [] });
    expect(await store.checkpoints.listParked('emails')).toEqual([]);
  });

  it('reset --to moves the checkpoint; without --to it is a usage error and writes nothing', async () => {
    const refused = await chronicle(['processor', 'balances', 'reset', ...db()]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('processor reset needs --to');
    expect((await store.checkpoints.load('balances'))?.position).toBe(10n);
    const beyond = await chronicle(['processor', 'balances', 'reset', '--to', '999', ...db()]);
    expect(beyond.code).toBe(2);
    expect(beyond.stderr).toContain('beyond the head');
    const run = await chronicle(['processor', 'balances', 'reset', '--to', '3', '--json', ...db()]);
    expect(run.code, run.stderr).toBe(0);
    expect(json(run)).toEqual({ processorId: 'balances', from: '10', to: '3' });
    expect((await store.checkpoints.load('balances'))?.position).toBe(3n);
  });

  it('an unknown processor: exit 1', async () => {
    const run = await chronicle(['processor', 'nobody', '--json', ...db()]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stderr).error).toMatchObject({ name: 'ProcessorNotFoundError' });
  });
});

describe('chronicle stream --aggregate', () => {
  it("rebuilds the state at a version with the user's aggregate class (TypeScript, loaded by the command)", async () => {
    const run = await chronicle([
      'stream',
      'Account/acc-1',
      '--at',
      '3',
      '--aggregate',
      fixture('Account'),
      '--json',
      ...db(),
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(json(run)).toMatchObject({ version: 3, state: { owner: 'owner-1', balance: 30 } });
  });

  it('with a decider and upcasters: the state of the upcast events', async () => {
    const run = await chronicle([
      'stream',
      'Account/acc-1',
      '--aggregate',
      fixture('accountDecider'),
      '--upcasters',
      fixture('upcasters'),
      ...db(),
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('state (AccountDecider) at version 4:');
    expect(run.stdout).toContain('"balance": 6000');
  });

  it.each([
    ['a missing module', 'missing.ts#Account', 'no file at'],
    ['a missing export', fixture('Nope'), 'has no export "Nope" (it exports: Account, accountDecider'],
    ['an export that is not a model', fixture('notAModel'), 'expected an aggregate class'],
    ['a malformed reference', 'x.ts#1bad', 'expected ./path/to/module.ts#ExportName'],
  ])('%s: exit 2 with the reason', async (_name, ref, message) => {
    const run = await chronicle(['stream', 'Account/acc-1', '--aggregate', ref, ...db()]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });
});

describe('chronicle inspect --allow-writes (the API, without a browser)', () => {
  it('resets a processor over a JSON POST; refuses a form post and a foreign Host header', async () => {
    const inspector = startChronicle(['inspect', '--allow-writes', '--port', '0', '--json', ...db()]);
    try {
      const { url } = JSON.parse((await inspector.waitFor('stdout', /\{.*\}\n/))[0]);
      const reset = await fetch(`${url}api/processors/reset`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ processorId: 'emails', to: '2' }),
      });
      expect(reset.status).toBe(200);
      expect(await reset.json()).toEqual({ processorId: 'emails', to: '2' });
      expect((await store.checkpoints.load('emails'))?.position).toBe(2n);
      const form = await fetch(`${url}api/processors/reset`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'processorId=emails&to=0',
      });
      expect(form.status).toBe(415);
      const foreign = await new Promise<number>((resolve, reject) => {
        const r = request(`${url}api/overview`, { headers: { host: 'attacker.example:80' } }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        r.on('error', reject);
        r.end();
      });
      expect(foreign).toBe(403);
      expect((await store.checkpoints.load('emails'))?.position).toBe(2n);
    } finally {
      inspector.child.kill('SIGTERM');
      expect(await inspector.exited).toBe(0);
    }
  });
});
