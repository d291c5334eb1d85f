// Reads back what JetStream really stored (a backdoor read past the relay), and the checks every
// fault test makes on it: each event exactly once, each aggregate's versions in order.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

/** One stored message, as the tests look at it. */
export interface StoredMessage {
  readonly seq: number;
  readonly subject: string;
  readonly msgId: string;
  readonly headers: Record<string, string>;
  readonly body: Record<string, unknown>;
}

/** Every message of `stream`, in stream order, read with an ordered consumer. */
export async function readStream(servers: string | string[], stream: string): Promise<StoredMessage[]> {
  const nc = await connect({ servers, timeout: 5_000 });
  try {
    const jsm = await jetstreamManager(nc);
    const { state } = await jsm.streams.info(stream);
    const out: StoredMessage[] = [];
    if (state.messages === 0) return out;
    const consumer = await jetstream(nc).consumers.get(stream);
    const messages = await consumer.consume();
    for await (const m of messages) {
      const headers: Record<string, string> = {};
      for (const key of m.headers?.keys() ?? []) headers[key] = m.headers?.get(key) ?? '';
      out.push({
        seq: m.seq,
        subject: m.subject,
        msgId: headers['Nats-Msg-Id'] ?? '',
        headers,
        body: m.json(),
      });
      if (m.seq >= state.last_seq) break;
    }
    await messages.close();
    return out;
  } finally {
    await nc.close();
  }
}

/** Deletes `stream` when it exists (tests on the shared server clean up after themselves). */
export async function deleteStream(servers: string, stream: string): Promise<void> {
  const nc = await connect({ servers, timeout: 5_000 });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(stream).catch(() => undefined);
  } finally {
    await nc.close();
  }
}

/** What a fault test asserts about the stream against the store's events. */
export interface DeliveryReport {
  /** Events in the store. */
  readonly expected: number;
  /** Messages in the stream. */
  readonly stored: number;
  /** Event ids stored more than once. */
  readonly duplicates: number;
  /** Event ids never stored. */
  readonly missing: number;
  /** Places where a stream's version went backwards or skipped. */
  readonly outOfOrder: number;
  /** Places where the global position went backwards (the relay keeps the log's order). */
  readonly positionInversions: number;
}

/** Compares the stream with the store's event ids (in position order). */
export function deliveryReport(
  expectedIds: readonly string[],
  messages: readonly StoredMessage[],
): DeliveryReport {
  const seen = new Map<string, number>();
  for (const m of messages) seen.set(m.msgId, (seen.get(m.msgId) ?? 0) + 1);
  let duplicates = 0;
  for (const n of seen.values()) if (n > 1) duplicates += n - 1;
  const lastVersion = new Map<string, number>();
  let outOfOrder = 0;
  let positionInversions = 0;
  let lastPosition = -1n;
  for (const m of messages) {
    const stream = m.headers['chronicle-stream'] ?? '';
    const version = Number(m.headers['chronicle-version']);
    const previous = lastVersion.get(stream) ?? 0;
    if (version !== previous + 1) outOfOrder++;
    lastVersion.set(stream, Math.max(previous, version));
    const position = BigInt(m.headers['chronicle-position'] ?? '0');
    if (position <= lastPosition) positionInversions++;
    lastPosition = position > lastPosition ? position : lastPosition;
  }
  return {
    expected: expectedIds.length,
    stored: messages.length,
    duplicates,
    missing: expectedIds.filter((id) => !seen.has(id)).length,
    outOfOrder,
    positionInversions,
  };
}

/** The report of a stream that holds every one of `expected` exactly once, in order. */
export const everyEventOnceInOrder = (expected: readonly string[]): DeliveryReport => ({
  expected: expected.length,
  stored: expected.length,
  duplicates: 0,
  missing: 0,
  outOfOrder: 0,
  positionInversions: 0,
});
