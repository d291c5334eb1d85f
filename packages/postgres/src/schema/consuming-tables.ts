import { appendEventsInOwnBlocks } from './exclusive-position-blocks';
import type { Migration } from './migrations';
import { notificationChannel } from './schema-name';

/**
 * Version 3: the consuming side.
 *
 * - `checkpoints`: each processor's place in the log, moved only by compare-and-set saves.
 * - `leases`: the right to run a processor id, as a row with an expiry on the server's clock and a
 *   fencing token that grows on every claim. A release keeps the row (with a past expiry), so the
 *   next claim's token is still larger than every earlier one. Rows, not advisory locks: those are
 *   lost behind a transaction-mode pooler and across restarts.
 * - `parked_events`: events a processor gave up on, with the error, until replayed.
 * - `append_events` signals the schema's channel with an empty payload. PostgreSQL folds identical
 *   notifications of one transaction into one and delivers it only at commit (never on rollback),
 *   so a transaction of many appends wakes each listener once, and only for committed events.
 */
export const consumingTables: Migration = {
  version: 3,
  name: 'checkpoints, leases, parked events; append function notifies subscribers',
  sql: (s) => `
CREATE TABLE ${s}.checkpoints (
  processor_id text        PRIMARY KEY,
  position     bigint      NOT NULL CHECK (position >= 0),
  updated_at   timestamptz NOT NULL
);

CREATE TABLE ${s}.leases (
  processor_id text        PRIMARY KEY,
  owner        text        NOT NULL,
  token        bigint      NOT NULL CHECK (token >= 1),
  expires_at   timestamptz NOT NULL
);

CREATE TABLE ${s}.parked_events (
  processor_id text        NOT NULL,
  position     bigint      NOT NULL CHECK (position >= 0),
  event_id     text        NOT NULL,
  event_type   text        NOT NULL,
  error        text        NOT NULL,
  attempts     integer     NOT NULL CHECK (attempts >= 0),
  parked_at    timestamptz NOT NULL,
  PRIMARY KEY (processor_id, position)
);
${appendEventsInOwnBlocks(s, `  PERFORM pg_notify('${notificationChannel(s.slice(1, -1))}', '');\n`)}`,
};
