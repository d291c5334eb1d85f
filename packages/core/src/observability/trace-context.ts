import type { Link } from '@opentelemetry/api';
import type { DomainEvent, NewEvent } from '../contract/types';
import type { Telemetry } from './telemetry';
import { TRACE_CONTEXT_KEYS } from './telemetry-names';

/**
 * The events with the active trace context written into their metadata (`traceparent`, and
 * `tracestate` when there is one), through the application's registered propagator. Keys an event
 * already carries are kept (a relayed or copied event keeps its producer). Returns `events` itself
 * when there is nothing to inject: no active span, or no propagator registered.
 */
export function injectTraceContext(t: Telemetry, events: readonly NewEvent[]): readonly NewEvent[] {
  const carrier: Record<string, string> = {};
  t.api.propagation.inject(t.api.context.active(), carrier);
  if (carrier.traceparent === undefined) return events;
  const traceContext: Record<string, string> = {};
  for (const key of TRACE_CONTEXT_KEYS) if (carrier[key] !== undefined) traceContext[key] = carrier[key];
  return events.map((event) =>
    event.metadata?.traceparent !== undefined
      ? event
      : { ...event, metadata: { ...event.metadata, ...traceContext } },
  );
}

/**
 * A link to the span that appended `event`, read from the trace context in its metadata; `undefined`
 * when it carries none (or an invalid one).
 */
export function producerLink(t: Telemetry, event: DomainEvent): Link | undefined {
  const traceparent = event.metadata?.traceparent;
  if (typeof traceparent !== 'string') return undefined;
  const carrier: Record<string, string> = { traceparent };
  const tracestate = event.metadata?.tracestate;
  if (typeof tracestate === 'string') carrier.tracestate = tracestate;
  const extracted = t.api.propagation.extract(t.api.ROOT_CONTEXT, carrier);
  const spanContext = t.api.trace.getSpanContext(extracted);
  if (spanContext === undefined || !t.api.trace.isSpanContextValid(spanContext)) return undefined;
  return { context: spanContext };
}

/** Links to the producers of `events`, one per distinct producing span. */
export function producerLinks(t: Telemetry, events: readonly DomainEvent[]): Link[] {
  const links: Link[] = [];
  const seen = new Set<string>();
  for (const event of events) {
    const link = producerLink(t, event);
    if (link === undefined || seen.has(link.context.spanId)) continue;
    seen.add(link.context.spanId);
    links.push(link);
  }
  return links;
}
