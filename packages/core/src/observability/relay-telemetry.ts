import type { DomainEvent } from '../contract/types';
import { observeGauge, positionValue, runInSpan, secondsSince, telemetry } from './telemetry';
import { ATTR, METRIC, SPAN } from './telemetry-names';
import { producerLinks } from './trace-context';

/** One batch a relay publishes, as {@link tracePublishBatch} describes it. */
export interface RelayPublishBatch {
  /** The relay's id (its processor's id). */
  readonly relayId: string;
  /** The transport's name, e.g. `'nats'`: `messaging.system`. */
  readonly transport: string;
  /** The events published, in position order. */
  readonly events: readonly DomainEvent[];
}

/**
 * Runs `publish` (publishing every event of the batch and awaiting every broker confirm) in a
 * `chronicle.relay.publish` span (kind PRODUCER, a child of the processor's batch span, linked to
 * each event's producer), and records `chronicle.relay.publish.duration` by relay and outcome.
 * With `@opentelemetry/api` absent it just calls `publish`.
 *
 * While `publish` runs the span is active: a transport that injects the active trace context into
 * its message headers (`propagation.inject`) hands consumers on the broker this span as parent.
 *
 * @example
 * ```ts
 * async handleBatch(batch) {
 *   await tracePublishBatch({ relayId: id, transport: transport.name, events: batch.events }, () =>
 *     publishInOrder(batch.events),
 *   );
 * }
 * ```
 */
export function tracePublishBatch<T>(batch: RelayPublishBatch, publish: () => Promise<T>): Promise<T> {
  const t = telemetry();
  if (t === undefined) return publish();
  const span = t.tracer.startSpan(`${SPAN.RELAY_PUBLISH} ${batch.transport}`, {
    kind: t.api.SpanKind.PRODUCER,
    links: producerLinks(t, batch.events),
  });
  if (span.isRecording()) {
    span.setAttribute(ATTR.RELAY_ID, batch.relayId);
    span.setAttribute(ATTR.MESSAGING_SYSTEM, batch.transport);
    span.setAttribute(ATTR.MESSAGING_BATCH_COUNT, batch.events.length);
    const first = batch.events[0];
    const last = batch.events.at(-1);
    if (first !== undefined && last !== undefined) {
      span.setAttribute(ATTR.POSITION_FIRST, positionValue(first.position));
      span.setAttribute(ATTR.POSITION_LAST, positionValue(last.position));
    }
  }
  const started = performance.now();
  const record = (outcome: 'ok' | 'error') =>
    t.instruments.relayPublishDuration.record(secondsSince(started), {
      [ATTR.RELAY_ID]: batch.relayId,
      [ATTR.MESSAGING_SYSTEM]: batch.transport,
      [ATTR.OUTCOME]: outcome,
    });
  return runInSpan(t, span, publish).then(
    (result) => {
      record('ok');
      return result;
    },
    (error: unknown) => {
      record('error');
      throw error;
    },
  );
}

/**
 * Reports a relay's backlog (events committed but not yet confirmed by the broker) on the
 * `chronicle.relay.backlog` gauge while the relay runs. Call it when the relay starts; call the
 * function it returns when it stops. `backlog` is asked at each metric collection (`undefined`:
 * not known yet).
 */
export function observeRelayBacklog(relayId: string, backlog: () => bigint | number | undefined): () => void {
  return observeGauge(
    {
      name: METRIC.RELAY_BACKLOG,
      description: 'Events committed but not yet confirmed by the broker, by relay.',
      unit: '{event}',
    },
    () => {
      const value = backlog();
      return [[value === undefined ? undefined : Number(value), { [ATTR.RELAY_ID]: relayId }]];
    },
  );
}
