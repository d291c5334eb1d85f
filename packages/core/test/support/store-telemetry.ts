/**
 * What every adapter's telemetry must show, written once: each adapter's test file calls
 * {@link describeStoreTelemetry} with a factory for fresh stores (as the conformance suite does).
 */
import { SpanKind, trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TELEMETRY } from '../../src/adapter/index';
import type { SubscribableEventStore } from '../../src/contract/consuming';
import type { EventStore } from '../../src/contract/types';
import { isConcurrencyError, isDuplicateEventError, isInvalidArgumentError } from '../../src/errors';
import { startProcessor } from '../../src/processor/start-processor';
import type { EventStoreOptions } from '../../src/store-options';
import { createTestTelemetry, installTelemetry, only, parentId, type TestTelemetry } from './telemetry';

const A = TELEMETRY.attributes;
const M = TELEMETRY.metrics;

/** What {@link describeStoreTelemetry} needs to know about the adapter. */
export interface StoreTelemetryCase {
  /** The adapter's `chronicle.adapter`. */
  readonly adapter: string;
  /** Its `db.system.name`. */
  readonly dbSystem: string;
  /** A fresh, empty store; `streamPageSize` 2 where the adapter takes that option. */
  createStore(options: EventStoreOptions): Promise<EventStore>;
  /** Its `db.namespace` for a store from `createStore` (`undefined`: none). */
  namespaceOf(store: EventStore): string | undefined;
  /** Whether the store can `subscribe`: the processor chain is tested then, skipped with the reason otherwise. */
  readonly subscribes: boolean;
}

const account = (id: string) => ({ aggregateType: 'Account', aggregateId: id });
const opened = (eventId?: string) => ({
  eventType: 'AccountOpened',
  eventData: { owner: 'Ada' },
  ...(eventId !== undefined && { eventId }),
});

export function describeStoreTelemetry(name: string, c: StoreTelemetryCase): void {
  describe(`${name}: OpenTelemetry`, () => {
    let telemetry: TestTelemetry;
    let store: EventStore;
    const stores: EventStore[] = [];
    const open = async (options: EventStoreOptions = {}) => {
      const created = await c.createStore(options);
      stores.push(created);
      return created;
    };
    beforeEach(() => {
      telemetry = installTelemetry();
    });
    afterEach(async () => {
      for (const s of stores.splice(0)) await s.close();
      await telemetry.uninstall();
    });

    it('spans every append with its stream, expected version, outcome and positions; counts events, conflicts and time', async () => {
      store = await open();
      const ok = await store.append(account('a-1'), 'no_stream', [opened('e-1'), opened()]);
      await expect(store.append(account('a-1'), 'no_stream', [opened()])).rejects.toSatisfy(
        isConcurrencyError,
      );
      await expect(store.append(account('a-2'), 'no_stream', [opened('e-1')])).rejects.toSatisfy(
        isDuplicateEventError,
      );
      await expect(store.append(account(' '), 'any', [opened()])).rejects.toSatisfy(isInvalidArgumentError);

      const spans = telemetry.spansNamed('append');
      expect(spans.map((s) => s.attributes[A.APPEND_OUTCOME])).toEqual([
        'ok',
        'conflict',
        'duplicate',
        'error',
      ]);
      const [first, conflict, duplicate, invalid] = spans;
      expect(first!.name).toBe('append Account');
      expect(first!.kind).toBe(SpanKind.CLIENT);
      expect(first!.attributes).toMatchObject({
        [A.DB_SYSTEM_NAME]: c.dbSystem,
        [A.DB_SYSTEM]: c.dbSystem,
        [A.DB_OPERATION_NAME]: 'append',
        [A.DB_COLLECTION_NAME]: 'Account',
        [A.ADAPTER]: c.adapter,
        [A.STREAM_AGGREGATE_TYPE]: 'Account',
        [A.STREAM_AGGREGATE_ID]: 'a-1',
        [A.EXPECTED_VERSION]: 'no_stream',
        [A.EVENT_COUNT]: 2,
        [A.POSITION_FIRST]: Number(ok.firstPosition),
        [A.POSITION_LAST]: Number(ok.lastPosition),
        [A.NEXT_EXPECTED_VERSION]: 2,
      });
      expect(first!.attributes[A.DB_NAMESPACE]).toBe(c.namespaceOf(store));
      expect(first!.status.code).toBe(0);
      expect(conflict!.attributes[A.ERROR_TYPE]).toBe('CONCURRENCY');
      expect(conflict!.status.code).toBe(2);
      expect(duplicate!.attributes[A.ERROR_TYPE]).toBe('DUPLICATE_EVENT');
      expect(invalid!.attributes[A.ERROR_TYPE]).toBe('INVALID_ARGUMENT');
      expect(invalid!.events.map((e) => e.name)).toEqual(['exception']);

      const byOutcome = (outcome: string) => ({ [A.ADAPTER]: c.adapter, [A.APPEND_OUTCOME]: outcome });
      expect(await telemetry.sum(M.EVENTS_APPENDED, byOutcome('ok'))).toBe(2);
      expect(await telemetry.sum(M.EVENTS_APPENDED, byOutcome('conflict'))).toBe(1);
      expect(await telemetry.sum(M.EVENTS_APPENDED, byOutcome('duplicate'))).toBe(1);
      expect(await telemetry.sum(M.APPEND_CONFLICTS, { [A.ADAPTER]: c.adapter })).toBe(1);
      const durations = await telemetry.points(M.APPEND_DURATION);
      expect(durations.map((p) => p.attributes[A.APPEND_OUTCOME]).sort()).toEqual([
        'conflict',
        'duplicate',
        'error',
        'ok',
      ]);
      for (const point of durations) expect((point.value as { count: number }).count).toBe(1);
    });

    it('spans each page of readAll and readStream, and counts the events read', async () => {
      store = await open();
      const appended = await store.append(
        account('a-1'),
        'no_stream',
        [1, 2, 3, 4, 5].map(() => opened()),
      );
      const all = [];
      for await (const event of store.readAll({ batchSize: 2 })) all.push(event);
      expect(all).toHaveLength(5);
      const pages = telemetry.spansNamed('readAll');
      expect(pages).toHaveLength(3);
      expect(pages.map((p) => p.attributes[A.READ_FROM])).toEqual([
        0,
        Number(all[1]!.position),
        Number(all[3]!.position),
      ]);
      expect(pages[0]!.attributes).toMatchObject({
        [A.DB_SYSTEM_NAME]: c.dbSystem,
        [A.DB_OPERATION_NAME]: 'readAll',
        [A.READ_PAGE_SIZE]: 2,
      });
      expect(Number(appended.lastPosition)).toBe(Number(all[4]!.position));

      const stream = [];
      for await (const event of store.readStream(account('a-1'), { limit: 4 })) stream.push(event.version);
      expect(stream).toEqual([1, 2, 3, 4]);
      const streamPages = telemetry.spansNamed('readStream');
      expect(streamPages.length).toBeGreaterThanOrEqual(1);
      expect(streamPages[0]!.name).toBe('readStream Account');
      expect(streamPages[0]!.attributes).toMatchObject({
        [A.DB_OPERATION_NAME]: 'readStream',
        [A.DB_COLLECTION_NAME]: 'Account',
        [A.STREAM_AGGREGATE_ID]: 'a-1',
        [A.READ_DIRECTION]: 'forward',
        [A.READ_FROM]: 0,
      });
      // A read that stops at its limit asks storage for nothing more, so no empty page span follows.
      const pageSize = streamPages[0]!.attributes[A.READ_PAGE_SIZE] as number;
      expect(streamPages).toHaveLength(Math.ceil(4 / pageSize));

      expect(await telemetry.sum(M.EVENTS_READ, { [A.ADAPTER]: c.adapter, [A.READ_KIND]: 'readAll' })).toBe(
        5,
      );
      expect(
        await telemetry.sum(M.EVENTS_READ, { [A.ADAPTER]: c.adapter, [A.READ_KIND]: 'readStream' }),
      ).toBe(4);
    });

    it('writes the trace context into event metadata when asked, and only then', async () => {
      const tracer = trace.getTracer('test');
      const propagating = await open({ propagateTraceContext: true });
      const plain = await open();
      await tracer.startActiveSpan('request', async (request) => {
        await propagating.append(account('a-1'), 'no_stream', [
          opened(),
          { ...opened(), metadata: { tenant: 't' } },
        ]);
        await plain.append(account('a-1'), 'no_stream', [opened()]);
        request.end();
      });
      const [appendSpan] = telemetry.spansNamed('append');
      const traceparent = `00-${appendSpan!.spanContext().traceId}-${appendSpan!.spanContext().spanId}-01`;
      const [one, two] = await propagating.getEvents('Account', 'a-1');
      expect(one!.metadata).toEqual({ traceparent });
      expect(two!.metadata).toEqual({ tenant: 't', traceparent });
      const [unstamped] = await plain.getEvents('Account', 'a-1');
      expect(unstamped!.metadata).toBeUndefined();
      // The append span is the request's child: the trace runs through the application's span.
      expect(parentId(appendSpan!)).toBe(only(telemetry.spans(), 'request').spanContext().spanId);
    });

    const chain =
      'continues the trace in a processor: the batch and handler spans link to the append, the handler is the batch span’s child';
    // A store without subscribe() (PostgreSQL until its consuming side lands) skips with the reason.
    (c.subscribes ? it : it.skip)(
      c.subscribes ? chain : `${chain} — skipped: this store has no subscribe()`,
      async () => {
        store = await open({ propagateTraceContext: true });
        const subscribable = store as SubscribableEventStore;
        const tracer = trace.getTracer('test');
        const { lastPosition } = await tracer.startActiveSpan('request', async (request) => {
          const result = await store.append(account('a-1'), 'no_stream', [opened(), opened()]);
          request.end();
          return result;
        });
        const processor = startProcessor(subscribable, {
          id: 'otel-chain',
          filter: { eventTypes: ['AccountOpened'] },
          async handle(event) {
            // Work the handler does is traced under its span, here an append of its own.
            if (event.version === 1)
              await store.append(account('log'), 'any', [{ eventType: 'Logged', eventData: {} }]);
          },
        });
        await processor.whenProcessed(lastPosition);
        const lag = await telemetry.points(M.PROCESSOR_LAG_EVENTS);
        expect(lag.find((p) => p.attributes[A.PROCESSOR_ID] === 'otel-chain')?.value).toBe(0);
        await processor.stop();

        const producer = telemetry.spansNamed('append Account')[0]!.spanContext();
        const batches = telemetry.spansNamed(TELEMETRY.spans.PROCESSOR_BATCH);
        const batch = batches.find((b) => b.attributes[A.EVENT_COUNT] === 2)!;
        expect(batch.kind).toBe(SpanKind.CONSUMER);
        expect(batch.attributes).toMatchObject({
          [A.PROCESSOR_ID]: 'otel-chain',
          [A.POSITION_LAST]: Number(lastPosition),
          [A.BATCH_CAUGHT_UP]: true,
        });
        expect(batch.links.map((l) => l.context.spanId)).toEqual([producer.spanId]);
        const handled = telemetry.spansNamed(TELEMETRY.spans.PROCESSOR_HANDLE);
        expect(handled).toHaveLength(2);
        for (const span of handled) {
          expect(span.name).toBe('chronicle.processor.handle AccountOpened');
          expect(parentId(span)).toBe(batch.spanContext().spanId);
          expect(span.links.map((l) => l.context.spanId)).toEqual([producer.spanId]);
          expect(span.attributes).toMatchObject({ [A.PROCESSOR_ID]: 'otel-chain', [A.HANDLER_ATTEMPT]: 1 });
        }
        expect(telemetry.spansNamed('append Account')).toHaveLength(2);
        const logAppend = telemetry.spans().find((s) => s.attributes[A.STREAM_AGGREGATE_ID] === 'log')!;
        expect(parentId(logAppend)).toBe(handled[0]!.spanContext().spanId);
        expect(logAppend.spanContext().traceId).toBe(batch.spanContext().traceId);
      },
    );

    it('emits nothing and writes no trace context without a registered provider', async () => {
      await telemetry.uninstall();
      const unregistered = createTestTelemetry();
      store = await open({ propagateTraceContext: true });
      const { lastPosition } = await store.append(account('a-1'), 'no_stream', [opened()]);
      for await (const _ of store.readAll()) void _;
      if (c.subscribes) {
        const processor = startProcessor(store as SubscribableEventStore, { id: 'quiet', handle() {} });
        await processor.whenProcessed(lastPosition);
        await processor.stop();
      }
      expect(unregistered.spans()).toEqual([]);
      expect(await unregistered.collect()).toEqual([]);
      const [event] = await store.getEvents('Account', 'a-1');
      expect(event!.metadata).toBeUndefined();

      // The same providers, once registered, do receive: the silence above was the missing provider.
      unregistered.register();
      telemetry = unregistered;
      await store.append(account('a-1'), 1, [opened()]);
      expect(unregistered.spansNamed('append')).toHaveLength(1);
    });
  });
}
