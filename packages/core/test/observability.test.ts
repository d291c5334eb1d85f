/**
 * OpenTelemetry on the in-memory store, and what only core has: the repository's load and save
 * spans (snapshot hit and miss), a failing handler's attempts and parking, and the relay helper at
 * the end of an append → processor → relay chain. Real SDK, in-memory exporter and metric reader.
 */
import { SpanKind, trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { observeRelayBacklog, TELEMETRY, tracePublishBatch } from '../src/adapter/index';
import { createInMemoryEventStore, Repository, startProcessor } from '../src/index';
import { instrumentProcessor } from '../src/observability/processor-telemetry';
import { everyNEvents } from '../src/snapshot/snapshot-strategy';
import { BankAccount } from './support/bank-account';
import { describeStoreTelemetry } from './support/store-telemetry';
import { installTelemetry, parentId, type TestTelemetry } from './support/telemetry';

const A = TELEMETRY.attributes;
const M = TELEMETRY.metrics;

describeStoreTelemetry('in-memory', {
  adapter: 'in-memory',
  dbSystem: 'chronicle.in_memory',
  createStore: async (options) => createInMemoryEventStore(options),
  namespaceOf: () => undefined,
  subscribes: true,
});

describe('in-memory: OpenTelemetry beyond the store', () => {
  let telemetry: TestTelemetry;
  beforeEach(() => {
    telemetry = installTelemetry();
  });
  afterEach(() => telemetry.uninstall());

  it('spans repository loads (snapshot miss, then hit) and saves, the append a child of the save', async () => {
    const store = createInMemoryEventStore();
    const accounts = new Repository(store, {
      create: (id) => new BankAccount(id),
      snapshotStrategy: everyNEvents(1),
    });
    expect(await accounts.load('acc-1')).toBeNull();
    const account = new BankAccount('acc-1');
    account.open('Ada');
    await accounts.save(account);
    await accounts.load('acc-1');

    const loads = telemetry.spansNamed(TELEMETRY.spans.REPOSITORY_LOAD);
    expect(loads.map((s) => s.attributes[A.SNAPSHOT_RESULT])).toEqual(['miss', 'hit']);
    expect(loads[0]!.name).toBe('chronicle.repository.load BankAccount');
    const [save] = telemetry.spansNamed(TELEMETRY.spans.REPOSITORY_SAVE);
    expect(save!.attributes).toMatchObject({
      [A.STREAM_AGGREGATE_ID]: 'acc-1',
      [A.EVENT_COUNT]: 1,
      [A.SNAPSHOT_SAVED]: true,
    });
    const [append] = telemetry.spansNamed('append');
    expect(parentId(append!)).toBe(save!.spanContext().spanId);
    expect(await telemetry.sum(M.SNAPSHOT_LOADS, { [A.SNAPSHOT_RESULT]: 'hit' })).toBe(1);
    expect(await telemetry.sum(M.SNAPSHOT_LOADS, { [A.SNAPSHOT_RESULT]: 'miss' })).toBe(1);
  });

  it('spans every attempt of a failing handler and counts failures and the parked event', async () => {
    const store = createInMemoryEventStore();
    const { lastPosition } = await store.append({ aggregateType: 'Order', aggregateId: 'o-1' }, 'no_stream', [
      { eventType: 'OrderPlaced', eventData: {} },
    ]);
    const processor = startProcessor(store, {
      id: 'always-fails',
      retry: { maxAttempts: 2, baseDelayMs: 0 },
      onFailure: 'park',
      handle() {
        throw new Error('mail server down');
      },
    });
    await processor.whenProcessed(lastPosition);
    await processor.stop();

    const attempts = telemetry.spansNamed(TELEMETRY.spans.PROCESSOR_HANDLE);
    expect(attempts.map((s) => [s.attributes[A.HANDLER_ATTEMPT], s.attributes[A.HANDLER_PARKED]])).toEqual([
      [1, false],
      [2, true],
    ]);
    for (const attempt of attempts) {
      expect(attempt.status).toEqual({ code: 2, message: 'mail server down' });
      expect(attempt.attributes[A.ERROR_TYPE]).toBe('Error');
    }
    expect(await telemetry.sum(M.PROCESSOR_FAILURES, { [A.PROCESSOR_ID]: 'always-fails' })).toBe(2);
    expect(await telemetry.sum(M.PROCESSOR_PARKED, { [A.PROCESSOR_ID]: 'always-fails' })).toBe(1);
    expect(processor.status().parked).toBe(1);
  });

  it('traces append → processor → relay publish: the publish span is the handler’s child and links to the append', async () => {
    const store = createInMemoryEventStore({ propagateTraceContext: true });
    const tracer = trace.getTracer('test');
    const { lastPosition } = await tracer.startActiveSpan('request', async (request) => {
      const result = await store.append({ aggregateType: 'Order', aggregateId: 'o-1' }, 'no_stream', [
        { eventType: 'OrderPlaced', eventData: {} },
      ]);
      request.end();
      return result;
    });
    const published: string[] = [];
    let backlog = 1;
    const stopObserving = observeRelayBacklog('orders-to-broker', () => backlog);
    expect(await telemetry.points(M.RELAY_BACKLOG)).toMatchObject([
      { value: 1, attributes: { [A.RELAY_ID]: 'orders-to-broker' } },
    ]);
    const relay = startProcessor(store, {
      id: 'orders-to-broker',
      async handle(event) {
        await tracePublishBatch(
          { relayId: 'orders-to-broker', transport: 'test-broker', events: [event] },
          async () => {
            published.push(event.eventId);
            backlog = 0;
          },
        );
      },
    });
    await relay.whenProcessed(lastPosition);
    await relay.stop();
    expect(await telemetry.points(M.RELAY_BACKLOG)).toMatchObject([{ value: 0 }]);
    stopObserving();
    backlog = 5; // no longer asked: the gauge keeps its last value
    expect(await telemetry.points(M.RELAY_BACKLOG)).toMatchObject([{ value: 0 }]);

    const append = telemetry.spansNamed('append')[0]!;
    const [handle] = telemetry.spansNamed(TELEMETRY.spans.PROCESSOR_HANDLE);
    const [publish] = telemetry.spansNamed(TELEMETRY.spans.RELAY_PUBLISH);
    expect(publish!.name).toBe('chronicle.relay.publish test-broker');
    expect(publish!.kind).toBe(SpanKind.PRODUCER);
    expect(parentId(publish!)).toBe(handle!.spanContext().spanId);
    expect(publish!.links.map((l) => l.context.spanId)).toEqual([append.spanContext().spanId]);
    expect(publish!.attributes).toMatchObject({
      [A.RELAY_ID]: 'orders-to-broker',
      [A.MESSAGING_SYSTEM]: 'test-broker',
      [A.MESSAGING_BATCH_COUNT]: 1,
      [A.POSITION_FIRST]: Number(lastPosition),
    });
    const durations = await telemetry.points(M.RELAY_PUBLISH_DURATION);
    expect(durations).toMatchObject([{ attributes: { [A.OUTCOME]: 'ok' }, value: { count: 1 } }]);
    expect(published).toHaveLength(1);
  });

  it('spans a batch handler (the processor batch hook) per attempt, a child of the batch span, linked to every producer', async () => {
    const store = createInMemoryEventStore({ propagateTraceContext: true });
    const tracer = trace.getTracer('test');
    for (const id of ['o-1', 'o-2']) {
      await tracer.startActiveSpan(`POST /orders/${id}`, async (request) => {
        await store.append({ aggregateType: 'Order', aggregateId: id }, 'no_stream', [
          { eventType: 'OrderPlaced', eventData: {} },
        ]);
        request.end();
      });
    }
    const events = await store.getAllEvents();
    let calls = 0;
    const { options, follow } = instrumentProcessor({
      id: 'batch-relay',
      maxAttempts: Number.POSITIVE_INFINITY,
      onFailure: 'stop' as const,
      async handleBatch(
        batch: { readonly events: readonly unknown[] },
        _context: { attempt: number; signal: AbortSignal },
      ) {
        if (++calls === 1) throw new Error('broker down');
        expect(batch.events).toHaveLength(2);
      },
    });
    async function* one() {
      yield { events, through: 2n, caughtUp: true, head: 2n };
    }
    for await (const batch of follow(one())) {
      const signal = new AbortController().signal;
      await expect(options.handleBatch(batch, { attempt: 1, signal })).rejects.toThrow('broker down');
      await options.handleBatch(batch, { attempt: 2, signal });
    }

    const [batchSpan] = telemetry.spansNamed(TELEMETRY.spans.PROCESSOR_BATCH);
    const attempts = telemetry.spansNamed(TELEMETRY.spans.PROCESSOR_HANDLE_BATCH);
    const producers = telemetry.spansNamed('append').map((s) => s.spanContext().spanId);
    expect(attempts.map((s) => s.attributes[A.HANDLER_ATTEMPT])).toEqual([1, 2]);
    for (const call of attempts) {
      expect(parentId(call)).toBe(batchSpan!.spanContext().spanId);
      expect(call.links.map((l) => l.context.spanId)).toEqual(producers);
      expect(call.attributes[A.EVENT_COUNT]).toBe(2);
    }
    expect(attempts[0]!.attributes[A.HANDLER_PARKED]).toBe(false);
    expect(await telemetry.sum(M.PROCESSOR_FAILURES, { [A.PROCESSOR_ID]: 'batch-relay' })).toBe(1);
  });
});
