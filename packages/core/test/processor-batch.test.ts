/**
 * The processor's batch hook (`handleBatch`): whole batches, whole-batch retries (also forever),
 * the checkpoint saved by the processor or by the handler itself, and the options it rejects.
 */
import { describe, expect, it } from 'vitest';
import {
  createInMemoryEventStore,
  type InMemoryEventStore,
  isCheckpointConflictError,
  isInvalidArgumentError,
  type ProcessorBatch,
  type ProcessorOptions,
  startProcessor,
} from '../src/index';

const ledger = { aggregateType: 'Ledger', aggregateId: 'l-1' };
const events = (n: number, eventType = 'Entered') =>
  Array.from({ length: n }, (_, i) => ({ eventType, eventData: { i } }));

async function storeWith(n: number): Promise<{ store: InMemoryEventStore; head: bigint }> {
  const store = createInMemoryEventStore();
  const { lastPosition } = await store.append(ledger, 'any', events(n));
  return { store, head: lastPosition };
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('startProcessor with handleBatch', () => {
  it('hands every event once, in order, batch by batch, and the processor checkpoints each batch', async () => {
    const { store, head } = await storeWith(7);
    const batches: { positions: bigint[]; through: bigint; expected: bigint | undefined }[] = [];
    const processor = startProcessor(store, {
      id: 'batches',
      batchSize: 3,
      handleBatch(batch, context) {
        batches.push({
          positions: batch.events.map((e) => e.position),
          through: batch.through,
          expected: context.checkpoint,
        });
      },
    });
    await processor.whenProcessed(head);
    await processor.stop();
    expect(batches.flatMap((b) => b.positions)).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n]);
    expect(batches.every((b) => b.positions.length <= 3)).toBe(true);
    // Each batch is told the checkpoint stored before it: the previous batch's `through`.
    expect(batches.map((b) => b.expected)).toEqual([
      undefined,
      ...batches.slice(0, -1).map((b) => b.through),
    ]);
    expect((await store.checkpoints.load('batches'))?.position).toBe(head);
  });

  it('hands batches of filtered-out positions too (empty), so their checkpoint moves', async () => {
    const store = createInMemoryEventStore();
    const { lastPosition } = await store.append(ledger, 'any', events(4, 'Unwanted'));
    const seen: ProcessorBatch[] = [];
    const processor = startProcessor(store, {
      id: 'filtered',
      filter: { eventTypes: ['Wanted'] },
      handleBatch: (batch) => void seen.push(batch),
    });
    await processor.whenProcessed(lastPosition);
    await processor.stop();
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((b) => b.events.length === 0)).toBe(true);
    expect(seen.at(-1)?.through).toBe(lastPosition);
  });

  it('retries the whole batch, forever with maxAttempts: Infinity, then checkpoints once it succeeds', async () => {
    const { store, head } = await storeWith(3);
    const attempts: number[] = [];
    const processor = startProcessor(store, {
      id: 'forever',
      retry: { maxAttempts: Number.POSITIVE_INFINITY, baseDelayMs: 1, maxDelayMs: 2 },
      handleBatch(batch, context) {
        attempts.push(context.attempt);
        expect(batch.events).toHaveLength(3);
        if (context.attempt < 25) throw new Error('broker down');
      },
    });
    await processor.whenProcessed(head);
    await processor.stop();
    expect(attempts).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(processor.status().lastError).toBeUndefined();
  });

  it('stop() during endless retries ends the processor without checkpointing the batch', async () => {
    const { store } = await storeWith(2);
    let attempts = 0;
    const processor = startProcessor(store, {
      id: 'stopped-while-retrying',
      retry: { maxAttempts: Number.POSITIVE_INFINITY, baseDelayMs: 5, maxDelayMs: 5 },
      handleBatch() {
        attempts++;
        throw new Error('broker down');
      },
    });
    while (attempts < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    await processor.stop();
    expect(processor.status().state).toBe('stopped');
    expect(await store.checkpoints.load('stopped-while-retrying')).toBeUndefined();
  });

  it('after the last attempt it fails with the error and leaves the batch unchecked', async () => {
    const { store, head } = await storeWith(2);
    const processor = startProcessor(store, {
      id: 'gives-up',
      retry: { maxAttempts: 2, baseDelayMs: 0 },
      handleBatch() {
        throw new Error('always');
      },
    });
    await expect(processor.whenProcessed(head, { timeoutMs: 2_000 })).rejects.toMatchObject({
      reason: 'failed',
    });
    expect(processor.status().state).toBe('failed');
    expect(processor.status().lastError?.message).toBe('always');
    expect(await store.checkpoints.load('gives-up')).toBeUndefined();
  });

  it("with checkpoint: 'by-handler' the processor never saves: the handler's own compare-and-set does", async () => {
    const { store, head } = await storeWith(5);
    const saves: bigint[] = [];
    const processor = startProcessor(store, {
      id: 'by-handler',
      batchSize: 2,
      checkpoint: 'by-handler',
      async handleBatch(batch, context) {
        // A projection does this inside its document transaction; here the store's own save stands in.
        await store.checkpoints.save('by-handler', batch.through, {
          expected: context.checkpoint,
          lease: context.lease,
        });
        saves.push(batch.through);
      },
    });
    await processor.whenProcessed(head);
    await processor.stop();
    expect(saves.at(-1)).toBe(head);
    expect((await store.checkpoints.load('by-handler'))?.position).toBe(head);
    expect(processor.status().checkpoint).toBe(head);
  });

  it("with checkpoint: 'by-handler' a conflict from the handler is not retried: the instance goes to standby", async () => {
    const { store } = await storeWith(3);
    let attempts = 0;
    const processor = startProcessor(store, {
      id: 'conflicted',
      checkpoint: 'by-handler',
      retry: { maxAttempts: Number.POSITIVE_INFINITY, baseDelayMs: 1 },
      async handleBatch(batch) {
        attempts++;
        // A stale expectation: as if another instance had moved the checkpoint meanwhile.
        await store.checkpoints.save('conflicted', batch.through, { expected: 999n });
      },
    });
    while (!isCheckpointConflictError(processor.status().lastError)) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await processor.stop();
    expect(attempts).toBeGreaterThanOrEqual(1);
    expect(await store.checkpoints.load('conflicted')).toBeUndefined();
  });

  it("with checkpoint: 'as-completed' batches keep coming before their work completes; the checkpoint follows complete()", async () => {
    const { store, head } = await storeWith(9);
    const handed: bigint[] = [];
    let complete: ((position: bigint) => void) | undefined;
    const processor = startProcessor(store, {
      id: 'as-completed',
      batchSize: 3,
      checkpoint: 'as-completed',
      handleBatch(batch, context) {
        // Returns at once: the work of the batch goes on (a relay's confirms are still coming).
        handed.push(batch.through);
        complete = context.complete;
      },
    });
    while (handed.at(-1) !== head) await new Promise((resolve) => setTimeout(resolve, 2));
    expect(handed).toEqual([3n, 6n, 9n]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    // Every batch was handed, none reported complete: nothing is checkpointed.
    expect(await store.checkpoints.load('as-completed')).toBeUndefined();
    expect(processor.status().checkpoint).toBeUndefined();
    // Never ahead of the log handed: that would skip events.
    expect(isInvalidArgumentError(thrown(() => complete!(10n)))).toBe(true);
    complete!(4n);
    await processor.whenProcessed(4n);
    expect((await store.checkpoints.load('as-completed'))?.position).toBe(4n);
    // A lower report than one already made is ignored.
    complete!(2n);
    complete!(9n);
    await processor.whenProcessed(head);
    await processor.stop();
    expect((await store.checkpoints.load('as-completed'))?.position).toBe(head);
  });

  it("with checkpoint: 'as-completed' stop() awaits settle, then saves what it completed, then releases the lease", async () => {
    const { store } = await storeWith(6);
    const steps: string[] = [];
    let complete: ((position: bigint) => void) | undefined;
    const processor = startProcessor(store, {
      id: 'settles',
      batchSize: 3,
      checkpoint: 'as-completed',
      handleBatch(_batch, context) {
        complete = context.complete;
      },
      async settle() {
        steps.push('settle');
        await new Promise((resolve) => setTimeout(resolve, 20));
        // The last work in flight completes while the turn ends: it is still saved.
        complete!(5n);
        steps.push('settled');
      },
    });
    while (complete === undefined || processor.status().state !== 'live')
      await new Promise((resolve) => setTimeout(resolve, 2));
    await processor.stop();
    expect(steps).toEqual(['settle', 'settled']);
    expect((await store.checkpoints.load('settles'))?.position).toBe(5n);
    // The lease was released: another instance claims it at once.
    expect(await store.checkpoints.claim('settles', 'next', 1_000)).toBeDefined();
    // Reports after the turn ended are ignored.
    complete!(6n);
    expect((await store.checkpoints.load('settles'))?.position).toBe(5n);
  });

  it("with checkpoint: 'as-completed' a background save that conflicts sends the instance to standby", async () => {
    const { store } = await storeWith(3);
    let complete: ((position: bigint) => void) | undefined;
    let settled = 0;
    const processor = startProcessor(store, {
      id: 'conflicting',
      checkpoint: 'as-completed',
      handleBatch(_batch, context) {
        complete = context.complete;
      },
      async settle() {
        settled++;
      },
    });
    while (complete === undefined) await new Promise((resolve) => setTimeout(resolve, 2));
    // An operator's rewind under the running instance: its next save's compare-and-set fails.
    await store.checkpoints.reset('conflicting', 1n);
    complete(3n);
    while (!isCheckpointConflictError(processor.status().lastError))
      await new Promise((resolve) => setTimeout(resolve, 2));
    await processor.stop();
    expect(settled).toBeGreaterThanOrEqual(1);
    expect((await store.checkpoints.load('conflicting'))?.position).toBeLessThanOrEqual(3n);
  });

  it('context.complete is only for as-completed processors', async () => {
    const { store, head } = await storeWith(1);
    let error: unknown;
    const processor = startProcessor(store, {
      id: 'no-complete',
      handleBatch(batch, context) {
        error = thrown(() => context.complete(batch.through));
      },
    });
    await processor.whenProcessed(head);
    await processor.stop();
    expect(error).toMatchObject({ argument: 'context.complete' });
  });

  it('rejects bad combinations before anything starts', () => {
    const store = createInMemoryEventStore();
    const bad = (options: unknown) => thrown(() => startProcessor(store, options as ProcessorOptions));
    const handle = () => undefined;
    const cases: [unknown, string][] = [
      [{ id: 'x' }, 'options'],
      [{ id: 'x', handle, handleBatch: handle }, 'options'],
      [{ id: 'x', handleBatch: 'no' }, 'options.handleBatch'],
      [{ id: 'x', handleBatch: handle, onFailure: 'park' }, 'options.onFailure'],
      [{ id: 'x', handle, checkpoint: 'by-handler' }, 'options.checkpoint'],
      [{ id: 'x', handleBatch: handle, checkpoint: 'sometimes' }, 'options.checkpoint'],
      [{ id: 'x', handle, checkpoint: 'as-completed' }, 'options.checkpoint'],
      [{ id: 'x', handleBatch: handle, settle: handle }, 'options.settle'],
      [{ id: 'x', handleBatch: handle, checkpoint: 'as-completed', settle: 1 }, 'options.settle'],
      [
        { id: 'x', handleBatch: handle, retry: { maxAttempts: Number.NEGATIVE_INFINITY } },
        'options.retry.maxAttempts',
      ],
      [{ id: 'x', handleBatch: handle, retry: { maxAttempts: Number.NaN } }, 'options.retry.maxAttempts'],
    ];
    for (const [options, argument] of cases) {
      const error = bad(options);
      expect(isInvalidArgumentError(error), JSON.stringify(options)).toBe(true);
      expect((error as { argument: string }).argument).toBe(argument);
    }
  });

  it('accepts maxAttempts: Infinity with handle too', async () => {
    const { store, head } = await storeWith(1);
    let tries = 0;
    const processor = startProcessor(store, {
      id: 'per-event-forever',
      retry: { maxAttempts: Number.POSITIVE_INFINITY, baseDelayMs: 0 },
      handle() {
        if (++tries < 4) throw new Error('not yet');
      },
    });
    await processor.whenProcessed(head);
    await processor.stop();
    expect(tries).toBe(4);
  });
});
