import { APPEND_BATCH_PARAMETERS, BATCH_EVENT_IDS, insertEventsFromBatch } from './append-function-parts';
import { appendEventsInOwnBlocks, type BatchShape } from './exclusive-position-blocks';
import type { Migration } from './migrations';

/** Migration 6's batch: one `jsonb` array of events (see `BATCH_KEYS`). */
const JSONB_SHAPE: BatchShape = {
  parameters: APPEND_BATCH_PARAMETERS,
  // NULL (which the store never sends) counts as empty, so the count check rejects it.
  count: 'COALESCE(jsonb_array_length(p_events), 0)',
  eventIds: BATCH_EVENT_IDS,
  insert: insertEventsFromBatch,
};

/**
 * Version 6: an `append_events` that takes the batch as ONE `jsonb` parameter, beside version 5's,
 * which takes ten arrays, and does the same (one block of positions of its own, no `NOTIFY`).
 *
 * Why: node-postgres turned each of the ten arrays into an array literal, escaping every JSON string
 * of the event data once more, and the server parsed the literal and then each element again (`text`
 * to `jsonb`). One `JSON.stringify` of the batch and one `jsonb` parse on the server cost less on
 * both sides (issue 18: W2, 100-event appends; the figures are in docs/performance.md).
 *
 * Version 5's function stays, unchanged: a process of the previous release that is still running
 * during a rolling upgrade keeps appending through it.
 */
export const batchParameter: Migration = {
  version: 6,
  name: 'append function: the batch as one jsonb parameter (the array version stays)',
  sql: (s) => appendEventsInOwnBlocks(s, '', JSONB_SHAPE),
};
