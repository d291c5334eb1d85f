import { createWakeUpEmitter, type WakeUpSource } from '@chronicle/core/adapter';
import type { PostgresListenConnection } from './postgres-driver';
import { quoteIdentifier } from './schema/schema-name';

/** The first reconnect delay of the LISTEN connection, in ms; each failure in a row doubles it. */
export const LISTEN_RETRY_BASE_DELAY_MS = 100;
/** The longest delay between reconnects of the LISTEN connection, in ms. */
export const LISTEN_RETRY_MAX_DELAY_MS = 5_000;

/** What {@link listenForCommits} needs. */
export interface ListenOptions {
  /** Opens the dedicated connection (connected, not yet listening). */
  readonly connect: () => Promise<PostgresListenConnection>;
  /** The channel `append_events` notifies (see `notificationChannel`). */
  readonly channel: string;
  /** Aborted when the store closes: the connection is closed and never reopened. */
  readonly closed: AbortSignal;
}

/**
 * A wake-up source on `LISTEN`: one dedicated connection per store, opened when the first subscriber
 * waits and closed when the last one leaves (or the store closes), so a store nobody subscribes to
 * holds no extra connection.
 *
 * It never fails a subscription. When the connection cannot be opened or is lost, it wakes every
 * listener (a notification may have been missed; a wake-up costs one read) and reconnects with
 * backoff ({@link LISTEN_RETRY_BASE_DELAY_MS} doubling up to {@link LISTEN_RETRY_MAX_DELAY_MS}) for
 * as long as anyone listens. Meanwhile the subscription's fallback poll keeps it moving — as it does
 * behind a transaction-mode pooler, where LISTEN is accepted but notifications never arrive.
 */
export function listenForCommits({ connect, channel, closed }: ListenOptions): WakeUpSource {
  const emitter = createWakeUpEmitter();
  let listeners = 0;
  let connection: PostgresListenConnection | undefined;
  let opening = false;
  let failures = 0;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const wanted = () => listeners > 0 && !closed.aborted;

  const drop = (target: PostgresListenConnection) => {
    if (connection === target) connection = undefined;
    target.removeAllListeners?.('notification');
    target.end().catch(() => undefined);
  };

  const lost = (target: PostgresListenConnection) => {
    if (connection !== target) return;
    drop(target);
    emitter.wake();
    scheduleOpen();
  };

  function scheduleOpen() {
    if (!wanted() || retry !== undefined || opening || connection !== undefined) return;
    const delay =
      failures === 0
        ? 0
        : Math.min(LISTEN_RETRY_MAX_DELAY_MS, LISTEN_RETRY_BASE_DELAY_MS * 2 ** (failures - 1));
    retry = setTimeout(() => {
      retry = undefined;
      void open();
    }, delay);
    // The retry alone does not keep the process alive: a waiting subscription's poll timer does.
    retry.unref?.();
  }

  async function open() {
    if (!wanted() || opening || connection !== undefined) return;
    opening = true;
    let candidate: PostgresListenConnection | undefined;
    try {
      candidate = await connect();
      // Attached before LISTEN runs: a connection lost from here on is reported, never thrown.
      const target = candidate;
      target.on('error', () => lost(target));
      target.on('end', () => lost(target));
      target.on('notification', () => emitter.wake());
      await target.query(`LISTEN ${quoteIdentifier(channel)}`);
      connection = target;
      failures = 0;
      // Events committed while no connection listened are found by this one read.
      emitter.wake();
    } catch {
      if (candidate !== undefined) drop(candidate);
      failures++;
      emitter.wake();
    } finally {
      opening = false;
    }
    if (connection !== undefined && !wanted()) drop(connection);
    else scheduleOpen();
  }

  closed.addEventListener('abort', () => {
    clearTimeout(retry);
    retry = undefined;
    if (connection !== undefined) drop(connection);
  });

  return {
    onWake(listener) {
      const off = emitter.onWake(listener);
      listeners++;
      scheduleOpen();
      let removed = false;
      return () => {
        if (removed) return;
        removed = true;
        off();
        if (--listeners > 0) return;
        clearTimeout(retry);
        retry = undefined;
        if (connection !== undefined) drop(connection);
      };
    },
  };
}
