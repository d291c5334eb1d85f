import type { StoredEvent } from '../inspect/inspection';
import type { colours } from '../output';

/** One event on one line: version, position, type, time, stream, payload (metadata when present). */
export function formatEvent(event: StoredEvent, colour: ReturnType<typeof colours>): string {
  const meta = event.metadata === null ? '' : ` ${colour.dim(`meta=${JSON.stringify(event.metadata)}`)}`;
  return [
    colour.cyan(`#${event.position}`),
    `${event.aggregateType}/${event.aggregateId}@${event.version}`,
    colour.bold(`${event.eventType}${event.schemaVersion > 1 ? ` v${event.schemaVersion}` : ''}`),
    colour.dim(event.occurredAt),
    `${JSON.stringify(event.data)}${meta}`,
  ].join('  ');
}
