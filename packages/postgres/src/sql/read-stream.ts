import type { DomainEvent, StreamRef } from '@chronicle/core';
import type { StreamPageRequest } from '@chronicle/core/adapter';
import { type EventReads, type EventTuple, STREAM_EVENT_COLUMNS } from './event-columns';

/** The reads of one stream: `getEvents`, the pages of `readStream`, `getStreamVersion`. */
export interface StreamReader {
  /** Every event of `stream` after `fromVersion`, in version order. */
  eventsAfter(stream: StreamRef, fromVersion: number): Promise<DomainEvent[]>;
  /** One page, as the kit's `readStreamPages` asks for it. */
  page(request: StreamPageRequest): Promise<DomainEvent[]>;
  /** The stream's current version; 0 for a stream never written. */
  version(stream: StreamRef): Promise<number>;
}

/** The stream reads for the quoted schema `s`. */
export function createStreamReader(s: string, { db, decode }: EventReads): StreamReader {
  const ofStream = `FROM ${s}.events ev WHERE ev.aggregate_type = $1 AND ev.aggregate_id = $2`;
  const eventsAfter = `SELECT ${STREAM_EVENT_COLUMNS} ${ofStream} AND ev.version > $3::int8 ORDER BY ev.version`;
  const pageForward = `${eventsAfter} LIMIT $4`;
  const pageBackward = `SELECT ${STREAM_EVENT_COLUMNS} ${ofStream} AND ev.version < $3::int8 ORDER BY ev.version DESC LIMIT $4`;
  const version = `SELECT version FROM ${s}.streams WHERE aggregate_type = $1 AND aggregate_id = $2`;
  /** The stream's events, from rows that leave out its aggregate type and id. */
  const read = async (stream: StreamRef, text: string, values: readonly unknown[]) => {
    const rows = await db.tuples<EventTuple>(text, values);
    return rows.map((row) => decode(row, stream));
  };
  return {
    eventsAfter(stream, fromVersion) {
      return read(stream, eventsAfter, [stream.aggregateType, stream.aggregateId, fromVersion]);
    },
    page({ stream, direction, fromVersion, limit }) {
      const text = direction === 'forward' ? pageForward : pageBackward;
      return read(stream, text, [stream.aggregateType, stream.aggregateId, fromVersion, limit]);
    },
    async version({ aggregateType, aggregateId }) {
      const [row] = await db.rows<{ version: string }>(version, [aggregateType, aggregateId]);
      return row === undefined ? 0 : Number(row.version);
    },
  };
}
