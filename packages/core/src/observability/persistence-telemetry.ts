import type { StreamRef } from '../contract/types';
import { runInSpan, telemetry } from './telemetry';
import { ATTR, SPAN } from './telemetry-names';

/**
 * Runs an aggregate's load in a `chronicle.repository.load` span: the snapshot read, the events
 * after it, the rebuild. `snapshotUsed` tells from the result whether a snapshot was restored
 * (`chronicle.snapshot.result` `hit`) or the whole stream replayed (`miss`; also for a stream with
 * no events), counted on `chronicle.snapshot.loads`.
 */
export function traceLoad<R>(
  stream: StreamRef,
  load: () => Promise<R>,
  snapshotUsed: (result: R) => boolean,
): Promise<R> {
  const t = telemetry();
  if (t === undefined) return load();
  const span = t.tracer.startSpan(`${SPAN.REPOSITORY_LOAD} ${stream.aggregateType}`, {
    kind: t.api.SpanKind.INTERNAL,
    attributes: streamAttributes(stream),
  });
  return runInSpan(t, span, load, (result) => {
    const outcome = snapshotUsed(result) ? 'hit' : 'miss';
    span.setAttribute(ATTR.SNAPSHOT_RESULT, outcome);
    t.instruments.snapshotLoads.add(1, {
      [ATTR.STREAM_AGGREGATE_TYPE]: stream.aggregateType,
      [ATTR.SNAPSHOT_RESULT]: outcome,
    });
  });
}

/**
 * Runs an aggregate's save (the append, then the snapshot strategy) in a `chronicle.repository.save`
 * span, the append's span its child.
 */
export function traceSave<R extends { readonly eventsAppended: number; readonly snapshotSaved: boolean }>(
  stream: StreamRef,
  save: () => Promise<R>,
): Promise<R> {
  const t = telemetry();
  if (t === undefined) return save();
  const span = t.tracer.startSpan(`${SPAN.REPOSITORY_SAVE} ${stream.aggregateType}`, {
    kind: t.api.SpanKind.INTERNAL,
    attributes: streamAttributes(stream),
  });
  return runInSpan(t, span, save, (result) => {
    span.setAttribute(ATTR.EVENT_COUNT, result.eventsAppended);
    span.setAttribute(ATTR.SNAPSHOT_SAVED, result.snapshotSaved);
  });
}

function streamAttributes(stream: StreamRef) {
  return {
    [ATTR.STREAM_AGGREGATE_TYPE]: stream.aggregateType,
    [ATTR.STREAM_AGGREGATE_ID]: stream.aggregateId,
  };
}
