import type { Attributes, Link, ObservableResult, Span } from '@opentelemetry/api';
import type { EventBatch } from '../contract/consuming';
import type { DomainEvent } from '../contract/types';
import type { HandlerContext } from '../processor/processor-contract';
import { otelApi } from './otel-api';
import { positionValue, recordError, type Telemetry, telemetry } from './telemetry';
import { ATTR, METRIC, SPAN } from './telemetry-names';
import { producerLink, producerLinks } from './trace-context';

/**
 * A per-event handler, as a processor's resolved options hold it. Declared through a method so its
 * parameters compare bivariantly: a handler whose context type extends {@link HandlerContext}
 * (the batch hook's adds the lease and checkpoint) fits too.
 */
type EventHandler = {
  bivariant(event: DomainEvent, context: HandlerContext): Promise<void> | void;
}['bivariant'];
/** A per-batch handler (the processor batch hook), as a processor's resolved options hold it. */
type BatchHandler = {
  bivariant(
    batch: { readonly events: readonly DomainEvent[] },
    context: HandlerContext,
  ): Promise<void> | void;
}['bivariant'];

/**
 * What {@link instrumentProcessor} reads from a processor's resolved options: the handler it wraps
 * (`handle` per event, or `handleBatch` per batch; whichever is a function) and the retry settings
 * that tell a parked event.
 */
export interface InstrumentableProcessorOptions {
  readonly id: string;
  readonly handle?: EventHandler | undefined;
  readonly handleBatch?: BatchHandler | undefined;
  readonly maxAttempts: number;
  readonly onFailure: 'stop' | 'park';
}

/** A processor's instrumentation: its options with the handler traced, and a traced batch source. */
export interface ProcessorInstrumentation<O> {
  /** The options, with `handle` (or `handleBatch`) wrapped in a span per call (a child of the batch's span). */
  readonly options: O;
  /**
   * The subscription, with a span per batch from the moment it is delivered until the processor
   * asks for the next one (handling and the checkpoint save), and the lag gauges fed from it.
   */
  follow(batches: AsyncIterable<EventBatch>): AsyncIterable<EventBatch>;
}

/** The processors reporting lag now, by id (the active instance of each). */
const lagging = new Map<string, { events: bigint; seconds: number }>();
let lagGaugesMeter: unknown;

/**
 * Instruments a processor (see `docs/observability.md`, "Trace context through events"): `start-processor.ts` resolves
 * its options through this and follows its subscription through `follow`. Returns the options
 * unchanged and the subscription as it is when `@opentelemetry/api` is not installed.
 */
export function instrumentProcessor<O extends InstrumentableProcessorOptions>(
  options: O,
): ProcessorInstrumentation<O> {
  if (otelApi() === undefined) return { options, follow: (batches) => batches };
  let batchSpan: Span | undefined;
  let head = 0n;
  const { handle, handleBatch } = options;
  const traced: { handle?: EventHandler; handleBatch?: BatchHandler } = {};
  if (typeof handle === 'function') {
    traced.handle = async (event: DomainEvent, context: HandlerContext) => {
      const t = telemetry();
      if (t === undefined) return handle(event, context);
      await tracedCall(t, options, batchSpan, context, eventCall(t, event), () => handle(event, context));
      // Lag falls with every event handled, not only at the end of a batch.
      const lag = lagging.get(options.id);
      if (lag !== undefined) lag.events = head > event.position ? head - event.position : 0n;
    };
  }
  if (typeof handleBatch === 'function') {
    traced.handleBatch = async (
      batch: { readonly events: readonly DomainEvent[] },
      context: HandlerContext,
    ) => {
      const t = telemetry();
      if (t === undefined) return handleBatch(batch, context);
      await tracedCall(t, options, batchSpan, context, batchCall(t, batch.events), () =>
        handleBatch(batch, context),
      );
    };
  }
  return {
    options: { ...options, ...traced },
    async *follow(batches) {
      let previous: bigint | undefined;
      let t: Telemetry | undefined;
      const end = () => {
        batchSpan?.end();
        batchSpan = undefined;
      };
      try {
        for await (const batch of batches) {
          t = telemetry();
          if (t !== undefined) {
            observeLag(t);
            batchSpan = startBatchSpan(t, options.id, batch, previous);
            head = batch.head;
            lagging.set(options.id, {
              events: batch.head > (previous ?? 0n) ? batch.head - (previous ?? 0n) : 0n,
              seconds: ageSeconds(batch.events[0]),
            });
          }
          yield batch;
          end();
          previous = batch.through;
          if (t !== undefined)
            lagging.set(options.id, {
              events: batch.head > batch.through ? batch.head - batch.through : 0n,
              seconds: batch.caughtUp ? 0 : ageSeconds(batch.events.at(-1)),
            });
        }
      } catch (error) {
        if (t !== undefined && batchSpan !== undefined) recordError(t, batchSpan, error);
        throw error;
      } finally {
        end();
        lagging.delete(options.id);
      }
    },
  };
}

function startBatchSpan(t: Telemetry, id: string, batch: EventBatch, previous: bigint | undefined): Span {
  const links = producerLinks(t, batch.events);
  const span = t.tracer.startSpan(SPAN.PROCESSOR_BATCH, { kind: t.api.SpanKind.CONSUMER, links });
  if (!span.isRecording()) return span;
  span.setAttribute(ATTR.PROCESSOR_ID, id);
  span.setAttribute(ATTR.EVENT_COUNT, batch.events.length);
  if (previous !== undefined) span.setAttribute(ATTR.READ_FROM, positionValue(previous));
  const first = batch.events[0];
  const last = batch.events.at(-1);
  if (first !== undefined && last !== undefined) {
    span.setAttribute(ATTR.POSITION_FIRST, positionValue(first.position));
    span.setAttribute(ATTR.POSITION_LAST, positionValue(last.position));
  }
  span.setAttribute(ATTR.BATCH_THROUGH, positionValue(batch.through));
  span.setAttribute(ATTR.BATCH_CAUGHT_UP, batch.caughtUp);
  return span;
}

/** One handler call's span: its name, links and attributes besides the processor's. */
interface HandlerCall {
  readonly name: string;
  readonly links: Link[];
  readonly attributes: Attributes;
}

function eventCall(t: Telemetry, event: DomainEvent): HandlerCall {
  const link = producerLink(t, event);
  return {
    name: `${SPAN.PROCESSOR_HANDLE} ${event.eventType}`,
    links: link === undefined ? [] : [link],
    attributes: {
      [ATTR.EVENT_ID]: event.eventId,
      [ATTR.EVENT_TYPE]: event.eventType,
      [ATTR.EVENT_POSITION]: positionValue(event.position),
      [ATTR.STREAM_AGGREGATE_TYPE]: event.aggregateType,
      [ATTR.STREAM_AGGREGATE_ID]: event.aggregateId,
    },
  };
}

function batchCall(t: Telemetry, events: readonly DomainEvent[]): HandlerCall {
  return {
    name: SPAN.PROCESSOR_HANDLE_BATCH,
    links: producerLinks(t, events),
    attributes: { [ATTR.EVENT_COUNT]: events.length },
  };
}

/**
 * Runs one handler call (one attempt) in a CONSUMER span, a child of the batch's span and linked to
 * the producers; counts a failure, and a parked event when it was the last attempt under `'park'`.
 */
async function tracedCall(
  t: Telemetry,
  options: InstrumentableProcessorOptions,
  batchSpan: Span | undefined,
  context: HandlerContext,
  call: HandlerCall,
  run: () => Promise<void> | void,
): Promise<void> {
  const parent =
    batchSpan === undefined ? t.api.context.active() : t.api.trace.setSpan(t.api.context.active(), batchSpan);
  const span = t.tracer.startSpan(call.name, { kind: t.api.SpanKind.CONSUMER, links: call.links }, parent);
  if (span.isRecording()) {
    span.setAttribute(ATTR.PROCESSOR_ID, options.id);
    span.setAttributes(call.attributes);
    span.setAttribute(ATTR.HANDLER_ATTEMPT, context.attempt);
  }
  try {
    await t.api.context.with(t.api.trace.setSpan(parent, span), run);
  } catch (error) {
    const parked = context.attempt >= options.maxAttempts && options.onFailure === 'park';
    recordError(t, span, error);
    span.setAttribute(ATTR.HANDLER_PARKED, parked);
    const attributes = { [ATTR.PROCESSOR_ID]: options.id };
    t.instruments.processorFailures.add(1, attributes);
    if (parked) t.instruments.processorParked.add(1, attributes);
    throw error;
  } finally {
    span.end();
  }
}

/** How long ago `event` happened, in seconds; 0 without one. */
function ageSeconds(event: DomainEvent | undefined): number {
  return event === undefined ? 0 : Math.max(0, (Date.now() - event.occurredAt.getTime()) / 1000);
}

/** Registers the lag gauges on the current meter once (again after the meter provider changes). */
function observeLag(t: Telemetry): void {
  if (lagGaugesMeter === t.instruments.meter) return;
  lagGaugesMeter = t.instruments.meter;
  const events = t.instruments.meter.createObservableGauge(METRIC.PROCESSOR_LAG_EVENTS, {
    description: 'Positions between the head and the checkpoint of each active processor.',
    unit: '{event}',
  });
  const seconds = t.instruments.meter.createObservableGauge(METRIC.PROCESSOR_LAG_SECONDS, {
    description: 'Age of the oldest event an active processor has not yet handled (0 when caught up).',
    unit: 's',
  });
  events.addCallback((result: ObservableResult) => {
    for (const [id, lag] of lagging) result.observe(Number(lag.events), { [ATTR.PROCESSOR_ID]: id });
  });
  seconds.addCallback((result: ObservableResult) => {
    for (const [id, lag] of lagging) result.observe(lag.seconds, { [ATTR.PROCESSOR_ID]: id });
  });
}
