import type { SubscribableEventStore } from '../contract/consuming';
import type { DomainEvent } from '../contract/types';
import { isRelayConfigurationError } from '../errors';
import { observeRelayBacklog, tracePublishBatch } from '../observability/relay-telemetry';
import { asError } from '../processor/handle-with-retries';
import type { BatchProcessorOptions, ProcessorBatch } from '../processor/processor-contract';
import { resolveProcessorOptions } from '../processor/processor-options';
import { startProcessor } from '../processor/start-processor';
import { publishWindow, type WindowCounters, type WindowRun } from './publish-window';
import type { Relay, RelayOptions, RelayStatus, RelayTransport } from './relay-contract';
import { resolveRelayOptions } from './relay-options';

/**
 * Starts a relay: a processor that publishes every committed event (matching `filter`) through
 * `transport`, in position order, with up to `window` messages awaiting the broker's confirm, and
 * checkpoints a batch only once the broker confirmed all of it. A refused or unconfirmed publish is
 * retried from the first unconfirmed message, with backoff, forever: a relay never skips an event
 * (at-least-once; the broker drops re-sends by the event id within its deduplication window).
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
    retry: { maxAttempts: Number.POSITIVE_INFINITY, baseDelayMs: o.baseDelayMs, maxDelayMs: o.maxDelayMs },
    handleBatch,
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
  // same way forever: the relay stops in state 'failed' with it, the batch not checkpointed.
  let fatal: Error | undefined;
  // The batch being published and how far its confirmed prefix reaches: a retry of the same batch
  // resumes there instead of re-sending what the broker already confirmed.
  let resume: { events: readonly DomainEvent[]; from: number } | undefined;

  try {
    await transport.open(stopping.signal);
  } catch (error) {
    await transport.close().catch(() => undefined);
    throw error;
  }

  async function handleBatch(batch: ProcessorBatch, context: { signal: AbortSignal }): Promise<void> {
    const from = resume !== undefined && resume.events === batch.events ? resume.from : 0;
    const abort = linkedAbort(stopping.signal, context.signal);
    // In a `chronicle.relay.publish` span (a no-op without OpenTelemetry); a failed window fails it.
    let outcome: WindowRun | undefined;
    const traced = { relayId: options.id, transport: transport.name, events: batch.events.slice(from) };
    await tracePublishBatch(traced, async () => {
      outcome = await publishWindow(
        batch.events,
        from,
        o.window,
        (message) => transport.publish(message),
        abort.signal,
        counters,
      ).finally(abort.dispose);
      if ('failure' in outcome) throw outcome.failure;
    }).catch((error: unknown) => {
      if (outcome === undefined) throw error;
    });
    const run = outcome!;
    resume = { events: batch.events, from: run.confirmedUpTo };
    if ('failure' in run) {
      failedAttempts++;
      lastPublishError = asError(run.failure);
      if (isRelayConfigurationError(run.failure)) {
        fatal = lastPublishError;
        void stop();
      }
      // The processor retries the batch with backoff (forever); the next attempt resumes at the
      // first unconfirmed message (`resume`).
      throw lastPublishError;
    }
  }

  const processor = startProcessor(store, processorOptions);
  const stopObservingBacklog = observeRelayBacklog(options.id, () => processor.status().lag);
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      stopObservingBacklog();
      stopping.abort();
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

/**
 * A signal aborted when either `a` or `b` is, and `dispose` to unhook it: a relay runs one per batch,
 * and listeners left on its long-lived stop signal would pile up.
 */
function linkedAbort(a: AbortSignal, b: AbortSignal): { signal: AbortSignal; dispose(): void } {
  const linked = new AbortController();
  const abort = () => linked.abort();
  if (a.aborted || b.aborted) abort();
  a.addEventListener('abort', abort, { once: true });
  b.addEventListener('abort', abort, { once: true });
  return {
    signal: linked.signal,
    dispose() {
      a.removeEventListener('abort', abort);
      b.removeEventListener('abort', abort);
    },
  };
}
