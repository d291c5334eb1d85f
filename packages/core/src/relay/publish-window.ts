import type { DomainEvent } from '../contract/types';
import type { RelayMessage } from './relay-contract';
import { toRelayMessage } from './relay-message';

/** What one run of {@link publishWindow} achieved. */
export interface WindowRun {
  /** Index of the first event not confirmed: events before it are all stored by the broker. */
  readonly confirmedUpTo: number;
  /** Why the run ended early (a refused or unconfirmed publish, or `abort`); absent when all are confirmed. */
  readonly failure?: unknown;
}

/** Counters the relay's `status()` reads while a run is under way. */
export interface WindowCounters {
  inFlight: number;
  confirmed: number;
}

/**
 * Publishes `events[from..]` in position order with at most `window` messages unconfirmed, and waits
 * for every confirm. On the first failure it sends nothing more, lets the messages in flight settle,
 * and reports how far the confirmed prefix reaches: the caller retries from there, never past it.
 *
 * Why one stream's events stay in version order on the broker although up to `window` are in flight:
 * the events arrive here in position order (a stream's versions are in position order in the log);
 * they are sent in that order over one connection, which the broker reads in order; a retry restarts
 * at the first unconfirmed message, so nothing after a gap is ever sent before the gap is re-sent; and
 * because a reconnect can lose a message already written to the dead socket while later ones, still
 * buffered in the client, go out on the new connection, every message but a run's first names its
 * predecessor (`previousMessageId`) so a broker that can check it (JetStream) refuses the later ones
 * instead of storing them past the gap. The broker's deduplication on the event id drops the re-sends
 * of messages it already stored.
 */
export async function publishWindow(
  events: readonly DomainEvent[],
  from: number,
  window: number,
  publish: (message: RelayMessage) => Promise<void>,
  abort: AbortSignal,
  counters: WindowCounters,
): Promise<WindowRun> {
  const confirmed: boolean[] = [];
  const inFlight = new Set<Promise<void>>();
  let next = from;
  let confirmedUpTo = from;
  let failure: { error: unknown } | undefined;
  const fail = (error: unknown) => {
    failure ??= { error };
  };
  while (confirmedUpTo < events.length) {
    while (failure === undefined && next < events.length && inFlight.size < window) {
      if (abort.aborted) {
        fail(abort.reason ?? new Error('The relay is stopping'));
        break;
      }
      const index = next++;
      const previous = index === from ? undefined : events[index - 1]?.eventId;
      const sent: Promise<void> = send(events[index] as DomainEvent, previous).then(() => {
        confirmed[index] = true;
        counters.confirmed++;
      }, fail);
      const settled = sent.finally(() => {
        inFlight.delete(settled);
        counters.inFlight--;
      });
      inFlight.add(settled);
      counters.inFlight++;
    }
    if (inFlight.size === 0) break;
    await Promise.race(inFlight);
    while (confirmed[confirmedUpTo]) confirmedUpTo++;
  }
  return failure === undefined ? { confirmedUpTo } : { confirmedUpTo, failure: failure.error };

  function send(event: DomainEvent, previous: string | undefined): Promise<void> {
    try {
      return Promise.resolve(publish(toRelayMessage(event, previous)));
    } catch (error) {
      return Promise.reject(error);
    }
  }
}
