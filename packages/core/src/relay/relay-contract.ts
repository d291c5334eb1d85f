/**
 * The relay's contract: a processor that hands each committed event to a broker and checkpoints only
 * what the broker confirmed. The engine (`startRelay`) is broker-neutral; a {@link RelayTransport}
 * is the one part each broker package writes.
 */
import type { EventFilter } from '../contract/consuming';
import type { DomainEvent } from '../contract/types';
import type { ProcessorStatus } from '../processor/processor-contract';

/** One event as a broker message: built by the engine, sent by a transport. */
export interface RelayMessage {
  /** The event, as read from the log (upcast). */
  readonly event: DomainEvent;
  /** The broker's deduplication key: the event id (JetStream `Nats-Msg-Id`, AMQP `message-id`). */
  readonly messageId: string;
  /**
   * What consumers route and deduplicate on without parsing the body: `chronicle-position`,
   * `chronicle-version`, `chronicle-stream` (`<aggregateType>/<aggregateId>`), `chronicle-event-type`,
   * `chronicle-aggregate-type`, `chronicle-aggregate-id`, `chronicle-event-id`,
   * `chronicle-schema-version`, `chronicle-occurred-at`, and when present `chronicle-correlation-id`,
   * `chronicle-causation-id`, `chronicle-user-id`, `chronicle-metadata` (JSON).
   */
  readonly headers: Readonly<Record<string, string>>;
  /** The body: the whole event as JSON (`position` as a decimal string, `occurredAt` as ISO 8601). */
  readonly body: string;
  /**
   * The message id sent just before this one in the same pipelined run, or `undefined` for the first
   * message of a run (a run goes on across batches until a publish fails or the relay restarts; it
   * starts at the first unconfirmed message, so everything before its first message is confirmed). A broker that can reject a message unless its last stored one has this id (JetStream's
   * `Nats-Expected-Last-Msg-Id`) keeps the stream in publish order even when a reconnect drops one
   * message and delivers the next; other transports ignore it.
   */
  readonly previousMessageId: string | undefined;
}

/** A broker connection the relay engine drives. One instance serves one relay. */
export interface RelayTransport {
  /** A short name for errors and status: `'nats'`, `'rabbitmq'`. */
  readonly name: string;
  /**
   * Connects and checks the broker-side configuration (destination exists or is created, credentials,
   * subject or routing rules). Called once, before the relay handles any event.
   *
   * @throws RelayConfigurationError saying what to fix when the configuration cannot work
   */
  open(signal: AbortSignal): Promise<void>;
  /**
   * Sends one message and resolves when the broker confirms it is stored (a JetStream ack, a publisher
   * confirm); rejects when it is refused or the confirm does not come. The engine calls it in position
   * order with up to `window` calls unresolved, and never calls it again for a later message after one
   * rejected until it has re-sent from the rejected one.
   */
  publish(message: RelayMessage): Promise<void>;
  /** Whether the connection to the broker is up now (for `status()`). */
  connected(): boolean;
  /** Closes the connection; pending publishes may reject. Safe to call twice. */
  close(): Promise<void>;
}

/** Options of `startRelay`: the processor's, with a window and a forever-retry default. */
export interface RelayOptions {
  /** The processor id (the checkpoint and lease key). One active relay per id across processes. */
  readonly id: string;
  /** Which events to relay; the checkpoint still moves past the others. Default: all. */
  readonly filter?: EventFilter;
  /** Where to begin when no checkpoint exists yet (exclusive). Default `'start'`. */
  readonly startFrom?: 'start' | 'end' | bigint;
  /**
   * Events read from the log at a time (at most one batch, plus the window, is held in memory). The
   * checkpoint moves at batch ends, in the background. Default `1000`.
   */
  readonly batchSize?: number;
  /** Most messages sent and not yet confirmed at once (pipelining), a positive integer. Default `64`. */
  readonly window?: number;
  /**
   * While catching up on a backlog, the checkpoint is saved at most once per this many ms (the
   * newest fully confirmed batch end at each save); a batch that reaches the head of the log is
   * saved at once, so a live relay's `whenRelayed` is not delayed. Fewer saves cost less (on SQLite
   * with `synchronous: 'full'` each is an fsync that blocks the event loop); a crash re-sends up to
   * this much more. `0`: a save after every batch. Default `0`.
   */
  readonly checkpointIntervalMs?: number;
  /**
   * Backoff while the broker refuses or is away: delays double from `baseDelayMs` (default `100`) up
   * to `maxDelayMs` (default `5000`). A relay never gives up and never skips an event.
   */
  readonly retry?: { readonly baseDelayMs?: number; readonly maxDelayMs?: number };
  /** The lease's time-to-live in ms: a standby relay takes over within about this long. Default `15000`. */
  readonly leaseTtlMs?: number;
  /** Aborting it stops the relay, as `stop()` does. */
  readonly signal?: AbortSignal;
}

/** A relay's progress: the processor's, plus the broker side. */
export interface RelayStatus extends ProcessorStatus {
  /** The transport's name. */
  readonly transport: string;
  /** Whether the broker connection is up now. */
  readonly connected: boolean;
  /** Messages sent and not yet confirmed, now (at most `window`). */
  readonly inFlight: number;
  /** Messages the broker confirmed since this relay started (re-sends after a failure count again). */
  readonly confirmed: number;
  /** Failed publish attempts since this relay started (each retried from the first unconfirmed message). */
  readonly failedAttempts: number;
}

/** A running relay. */
export interface Relay {
  /** Its id (the processor id). */
  readonly id: string;
  /** The processor's state, checkpoint, head and lag, with broker connectivity and the window. */
  status(): RelayStatus;
  /**
   * Resolves once every event up to `position` is confirmed by the broker and checkpointed.
   *
   * @param options.timeoutMs - how long to wait, default `10000`
   * @throws ProcessingTimeoutError when the time runs out, or the relay stops or fails first
   */
  whenRelayed(position: bigint, options?: { readonly timeoutMs?: number }): Promise<void>;
  /**
   * Sends nothing more, waits until every message in flight is confirmed or refused, saves the
   * checkpoint at the end of the confirmed prefix (also in the middle of a batch), releases the
   * lease and closes the transport. Messages not sent, and any after a refused one, are the next
   * relay's to send.
   */
  stop(): Promise<void>;
}
