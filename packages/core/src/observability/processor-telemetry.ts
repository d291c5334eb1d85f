import type { ObservableResult, Span } from '@opentelemetry/api';
import type { EventBatch } from '../contract/consuming';
import type { DomainEvent } from '../contract/types';
import type { HandlerContext } from '../processor/processor-contract';
import { otelApi } from './otel-api';
import { positionValue, recordError, type Telemetry, telemetry } from './telemetry';
import { ATTR, METRIC, SPAN } from './telemetry-names';
import { producerLink, producerLinks } from './trace-context';

/** What {@link instrumentProcessor} reads from a processor's resolved options. */
export interface InstrumentableProcessorOptions {
  readonly id: string;
  readonly handle: (event: DomainEvent, context: HandlerContext) => Promise<void> | void;
  readonly maxAttempts: number;
  readonly onFailure: 'stop' | 'park';
}

/** A processor's instrumentation: its options with the handler traced, and a traced batch source. */
export interface ProcessorInstrumentation<O> {
  /** The options, with `handle` wrapped in a span per call (a child of the batch's span). */
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
 * Instruments a processor (see `docs/observability.md`, "Processors"): `start-processor.ts` resolves
 * its options through this and follows its subscription through `follow`. Returns the options
 * unchanged and the subscription as it is when `@opentelemetry/api` is not installed.
 */
export function instrumentProcessor<O extends InstrumentableProcessorOptions>(
  options: O,
): ProcessorInstrumentation<O> {
  if (otelApi() === undefined) return { options, follow: (batches) => batches };
  let batchSpan: Span | undefined;
  let head = 0n;
  const handle: O['handle'] = async (event, context) => {
    const t = telemetry();
    if (t === undefined) return options.handle(event, context);
    await tracedHandle(t, options, batchSpan, event, context);
    // Lag falls with every event handled, not only at the end of a batch.
    const lag = lagging.get(options.id);
    if (lag !== undefined) lag.events = head > event.position ? head - event.position : 0n;
  };
  return {
    options: { ...options, handle },
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

async function tracedHandle(
  t: Telemetry,
  options: InstrumentableProcessorOptions,
  batchSpan: Span | undefined,
  event: DomainEvent,
  context: HandlerContext,
): Promise<void> {
  const parent =
    batchSpan === undefined ? t.api.context.active() : t.api.trace.setSpan(t.api.context.active(), batchSpan);
  const link = producerLink(t, event);
  const span = t.tracer.startSpan(
    `${SPAN.PROCESSOR_HANDLE} ${event.eventType}`,
    { kind: t.api.SpanKind.CONSUMER, links: link === undefined ? [] : [link] },
    parent,
  );
  if (span.isRecording()) {
    span.setAttribute(ATTR.PROCESSOR_ID, options.id);
    span.setAttribute(ATTR.EVENT_ID, event.eventId);
    span.setAttribute(ATTR.EVENT_TYPE, event.eventType);
    span.setAttribute(ATTR.EVENT_POSITION, positionValue(event.position));
    span.setAttribute(ATTR.STREAM_AGGREGATE_TYPE, event.aggregateType);
    span.setAttribute(ATTR.STREAM_AGGREGATE_ID, event.aggregateId);
    span.setAttribute(ATTR.HANDLER_ATTEMPT, context.attempt);
  }
  try {
    await t.api.context.with(t.api.trace.setSpan(parent, span), () => options.handle(event, context));
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
