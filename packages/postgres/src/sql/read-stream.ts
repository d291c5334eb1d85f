import type { DomainEvent, StreamRef } from '@chronicle/core';
import type { StreamPageRequest } from '@chronicle/core/adapter';
import { EVENT_COLUMNS, type EventReads, type EventRow } from './event-columns';

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
  const eventsAfter = `SELECT ${EVENT_COLUMNS} ${ofStream} AND ev.version > $3::int8 ORDER BY ev.version`;
  const pageForward = `${eventsAfter} LIMIT $4`;
  const pageBackward = `SELECT ${EVENT_COLUMNS} ${ofStream} AND ev.version < $3::int8 ORDER BY ev.version DESC LIMIT $4`;
  const version = `SELECT version FROM ${s}.streams WHERE aggregate_type = $1 AND aggregate_id = $2`;
  return {
    async eventsAfter({ aggregateType, aggregateId }, fromVersion) {
      return (await db.rows<EventRow>(eventsAfter, [aggregateType, aggregateId, fromVersion])).map(decode);
    },
    async page({ stream, direction, fromVersion, limit }) {
      const text = direction === 'forward' ? pageForward : pageBackward;
      const values = [stream.aggregateType, stream.aggregateId, fromVersion, limit];
      return (await db.rows<EventRow>(text, values)).map(decode);
    },
    async version({ aggregateType, aggregateId }) {
      const [row] = await db.rows<{ version: string }>(version, [aggregateType, aggregateId]);
      return row === undefined ? 0 : Number(row.version);
    },
  };
}
