import type { SubscribableEventStore } from '../contract/consuming';
import { observeRelayBacklog, tracePublishBatch } from '../observability/relay-telemetry';
import { asError } from '../processor/handle-with-retries';
import type {
  BatchHandlerContext,
  BatchProcessorOptions,
  ProcessorBatch,
} from '../processor/processor-contract';
import { resolveProcessorOptions } from '../processor/processor-options';
import { startProcessor } from '../processor/start-processor';
import { createPublishPipeline, type PublishPipeline, type WindowCounters } from './publish-pipeline';
import type { Relay, RelayOptions, RelayStatus, RelayTransport } from './relay-contract';
import { resolveRelayOptions } from './relay-options';

/**
 * Starts a relay: a processor that publishes every committed event (matching `filter`) through
 * `transport`, in position order, with up to `window` messages awaiting the broker's confirm, and
 * checkpoints only what the broker confirmed. Publishing is pipelined **across batches**: the next
 * batch's messages enter the window while the previous batch's confirms arrive, and the checkpoint
 * follows in the background (the processor's `checkpoint: 'as-completed'`), moving to a batch's
 * `through` once every message of it and before it is confirmed — never ahead. A refused or
 * unconfirmed publish is retried from the first unconfirmed message, with backoff, forever: a relay
 * never skips an event (at-least-once; the broker drops re-sends by the event id within its
 * deduplication window).
 *
 * The transport opens first: a configuration the broker refuses rejects with
 * `RelayConfigurationError` before any event is marked as relayed. One relay per id is active at a
 * time across processes (the processor's lease); the others stand by.
 *
 * @throws InvalidArgumentError (synchronously checked, as a rejection) on bad options
 * @throws RelayConfigurationError when the transport refuses its configuration
 *
 * @example
 * ```ts
 * const relay = await startRelay(store, transport, { id: 'orders-to-nats', window: 64 });
 * await relay.whenRelayed(lastPosition);
 * console.log(relay.status().connected, relay.status().lag);
 * await relay.stop();
 * ```
 */
export async function startRelay(
  store: SubscribableEventStore,
  transport: RelayTransport,
  options: RelayOptions,
): Promise<Relay> {
  const o = resolveRelayOptions(transport, options);
  const processorOptions: BatchProcessorOptions = {
    id: options.id,
    batchSize: o.batchSize,
    // The pipeline retries publishing itself; a throwing handleBatch would be a bug, retried anyway.
    retry: { maxAttempts: Number.POSITIVE_INFINITY, baseDelayMs: o.baseDelayMs, maxDelayMs: o.maxDelayMs },
    checkpoint: 'as-completed',
    handleBatch,
    settle,
    ...(options.filter === undefined ? {} : { filter: options.filter }),
    ...(options.startFrom === undefined ? {} : { startFrom: options.startFrom }),
    ...(options.leaseTtlMs === undefined ? {} : { leaseTtlMs: options.leaseTtlMs }),
  };
  // Every option is checked before the broker is contacted.
  resolveProcessorOptions(store, processorOptions);

  const stopping = new AbortController();
  const counters: WindowCounters = { inFlight: 0, confirmed: 0 };
  let failedAttempts = 0;
  let lastPublishError: Error | undefined;
  // A publish the broker refuses for its configuration (a subject it cannot take) would fail the
  // same way forever: the relay stops in state 'failed' with it, nothing past it checkpointed.
  let fatal: Error | undefined;
  // The publishing side of the processor's current turn (a new turn, after a lost lease, starts a
  // new one from the stored checkpoint).
  let pipeline: PublishPipeline | undefined;

  try {
    await transport.open(stopping.signal);
  } catch (error) {
    await transport.close().catch(() => undefined);
    throw error;
  }

  function openPipeline(context: BatchHandlerContext): PublishPipeline {
    const opened = createPublishPipeline({
      window: o.window,
      baseDelayMs: o.baseDelayMs,
      maxDelayMs: o.maxDelayMs,
      checkpointIntervalMs: o.checkpointIntervalMs,
      publish: (message) => transport.publish(message),
      completed: (position) => context.complete(position),
      failed(error, isFatal) {
        failedAttempts++;
        lastPublishError = asError(error);
        if (isFatal) {
          fatal = lastPublishError;
          void stop();
        }
      },
      counters,
    });
    // A deposed relay sends nothing more (its successor re-sends from the checkpoint).
    context.signal.addEventListener('abort', () => void opened.close(), { once: true });
    return opened;
  }

  /**
   * Queues the batch for publishing and returns once all of it is sent (the window has room for its
   * last message): the processor reads the next batch while this one's confirms arrive.
   */
  async function handleBatch(batch: ProcessorBatch, context: BatchHandlerContext): Promise<void> {
    if (stopping.signal.aborted) return;
    pipeline ??= openPipeline(context);
    const current = pipeline;
    let sent: Promise<void> = Promise.resolve();
    // In a `chronicle.relay.publish` span (a no-op without OpenTelemetry) from the first send until
    // the broker confirmed the whole batch. `tracePublishBatch` calls its function at once, so
    // `sent` is set when it returns.
    const traced = { relayId: options.id, transport: transport.name, events: batch.events };
    void tracePublishBatch(traced, () => {
      const pushed = current.push(batch);
      sent = pushed.sent;
      return pushed.confirmed;
    }).catch(() => undefined);
    await sent;
  }

  /** The turn ends: nothing more is sent, the messages in flight settle, their confirms are reported. */
  async function settle(): Promise<void> {
    const ending = pipeline;
    pipeline = undefined;
    await ending?.close();
  }

  const processor = startProcessor(store, processorOptions);
  const stopObservingBacklog = observeRelayBacklog(options.id, () => processor.status().lag);
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      stopObservingBacklog();
      stopping.abort();
      // Stop sending now, so the batch in hand returns and the processor can end its turn.
      void pipeline?.close();
      await processor.stop();
      await transport.close();
    })();
    return stopped;
  };
  const onSignal = () => void stop();
  options.signal?.addEventListener('abort', onSignal, { once: true });
  if (options.signal?.aborted) void stop();

  return {
    id: processor.id,
    status(): RelayStatus {
      const status = processor.status();
      return {
        ...status,
        state: fatal === undefined ? status.state : 'failed',
        lastError: fatal ?? status.lastError ?? lastPublishError,
        transport: transport.name,
        connected: transport.connected(),
        inFlight: counters.inFlight,
        confirmed: counters.confirmed,
        failedAttempts,
      };
    },
    whenRelayed: (position, waitOptions) => processor.whenProcessed(position, waitOptions),
    async stop() {
      options.signal?.removeEventListener('abort', onSignal);
      await stop();
    },
  };
}
