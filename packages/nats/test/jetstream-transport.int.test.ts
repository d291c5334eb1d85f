// The JetStream transport against real servers: every configuration a user can get wrong fails at
// open() with a RelayConfigurationError naming the setting; a publish lands with the event id as
// Nats-Msg-Id and the Chronicle headers, a re-send is dropped by the stream, and a message whose
// predecessor is missing is refused instead of being stored out of order.
import { isRelayConfigurationError, type RelayConfigurationError } from '@chronicle/core/relay';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJetStreamTransport, type JetStreamTransportOptions } from '../src/index';
import { messageOf, sampleEvent, uniqueNames } from './support/fixtures';
import { freePort, startNatsServer, useSharedNatsServer } from './support/nats-server';
import { readStream } from './support/stream-contents';

const shared = useSharedNatsServer({ beforeAll, afterAll });

/** An open transport to a new stream on the shared server (the stream is deleted after the file). */
async function openTransport(label: string) {
  const { stream, prefix } = uniqueNames(label);
  shared.track(stream);
  const transport = createJetStreamTransport({
    servers: shared.url(),
    stream: { name: stream, create: true },
    subjectPrefix: prefix,
  });
  await transport.open(new AbortController().signal);
  return { transport, stream, prefix };
}

/** What `open()` (or the factory) threw, which must be a RelayConfigurationError. */
async function configurationError(options: JetStreamTransportOptions): Promise<RelayConfigurationError> {
  let transport: ReturnType<typeof createJetStreamTransport> | undefined;
  try {
    transport = createJetStreamTransport(options);
    await transport.open(new AbortController().signal);
  } catch (error) {
    if (isRelayConfigurationError(error)) return error;
    throw error;
  } finally {
    await transport?.close();
  }
  throw new Error('open() succeeded');
}

/** A stream on the shared server, created directly (not by the transport). */
async function existingStream(label: string) {
  const names = uniqueNames(label);
  const nc = await connect({ servers: shared.url() });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: names.stream, subjects: [`${names.prefix}.>`], duplicate_window: 120e9 });
  await nc.close();
  shared.track(names.stream);
  return names;
}

describe('configuration errors say what to fix', () => {
  it('an unreachable URL', async () => {
    const port = await freePort();
    const error = await configurationError({
      servers: `nats://127.0.0.1:${port}`,
      stream: { name: 'X' },
      connectTimeoutMs: 1_000,
    });
    expect(error.setting).toBe('servers');
    expect(error.message).toMatch(/cannot reach NATS at nats:\/\/127\.0\.0\.1:\d+/);
  });

  it('credentials the server refuses', async () => {
    const server = await startNatsServer({ auth: { user: 'relay', pass: 'right' } });
    const error = await configurationError({
      servers: server.url,
      credentials: { user: 'relay', pass: 'wrong' },
      stream: { name: 'X', create: true },
    });
    expect(error.setting).toBe('credentials');
    expect(error.message).toContain('refused the credentials');
    // The right ones work: the check is not simply "auth is on".
    const transport = createJetStreamTransport({
      servers: server.url,
      credentials: { user: 'relay', pass: 'right' },
      stream: { name: 'AUTHED', create: true },
    });
    await transport.open(new AbortController().signal);
    expect(transport.connected()).toBe(true);
    await transport.close();
    expect(transport.connected()).toBe(false);
  });

  it('a subject prefix or stream name that is not valid, before connecting', () => {
    for (const subjectPrefix of ['bad prefix', 'a.>', 'a..b', '', 'a.*']) {
      expect(() =>
        createJetStreamTransport({ servers: shared.url(), stream: { name: 'X' }, subjectPrefix }),
      ).toThrow(expect.objectContaining({ code: 'RELAY_CONFIGURATION', setting: 'subjectPrefix' }));
    }
    expect(() => createJetStreamTransport({ servers: shared.url(), stream: { name: 'a.b' } })).toThrow(
      expect.objectContaining({ setting: 'stream.name' }),
    );
    expect(() =>
      createJetStreamTransport({ servers: shared.url(), stream: { name: 'X', subjects: ['a b.>'] } }),
    ).toThrow(expect.objectContaining({ setting: 'stream.subjects[0]' }));
  });

  it('a stream that does not exist, unless asked to create it', async () => {
    const { stream, prefix } = uniqueNames('missing');
    const error = await configurationError({
      servers: shared.url(),
      stream: { name: stream },
      subjectPrefix: prefix,
    });
    expect(error.setting).toBe('stream.name');
    expect(error.message).toContain('does not exist');
  });

  it('an existing stream whose subjects, storage, replicas or duplicate window conflict', async () => {
    const { stream, prefix } = await existingStream('conflict');
    const base = { servers: shared.url(), subjectPrefix: prefix };
    const cases: [JetStreamTransportOptions['stream'], string][] = [
      [{ name: stream, subjects: ['elsewhere.>'] }, 'stream.subjects'],
      [{ name: stream, storage: 'memory' }, 'stream.storage'],
      [{ name: stream, replicas: 3 }, 'stream.replicas'],
      [{ name: stream, duplicateWindowMs: 60_000 }, 'stream.duplicateWindowMs'],
    ];
    for (const [streamOptions, setting] of cases) {
      const error = await configurationError({ ...base, stream: { ...streamOptions, create: true } });
      expect(error.setting).toBe(setting);
      expect(error.message).toContain(`the existing stream '${stream}'`);
    }
    // The same settings as the stream's pass.
    const transport = createJetStreamTransport({
      ...base,
      stream: {
        name: stream,
        subjects: [`${prefix}.>`],
        storage: 'file',
        replicas: 1,
        duplicateWindowMs: 120_000,
      },
    });
    await transport.open(new AbortController().signal);
    await transport.close();
  });

  it("a stream that does not capture the relay's subjects", async () => {
    const { stream } = await existingStream('uncaptured');
    const error = await configurationError({
      servers: shared.url(),
      stream: { name: stream },
      subjectPrefix: 'elsewhere',
    });
    expect(error.setting).toBe('subjectPrefix');
    expect(error.message).toContain("not the relay's subjects 'elsewhere.>'");
  });
});

describe('publishing', () => {
  it('stores the event once under its subject, with Nats-Msg-Id and the Chronicle headers', async () => {
    const { transport, stream, prefix } = await openTransport('publish');
    const event = sampleEvent({ position: 7n, version: 3 });
    await transport.publish(messageOf(event));
    await transport.publish(messageOf(event)); // a re-send after a lost ack: dropped by the stream
    await transport.close();

    const stored = await readStream(shared.url(), stream);
    expect(stored).toHaveLength(1);
    const [message] = stored;
    expect(message?.subject).toBe(`${prefix}.Order.OrderPlaced`);
    expect(message?.msgId).toBe(event.eventId);
    expect(message?.headers).toMatchObject({
      'chronicle-position': '7',
      'chronicle-version': '3',
      'chronicle-stream': 'Order/o-1',
      'chronicle-event-type': 'OrderPlaced',
      'chronicle-correlation-id': 'c-1',
      'chronicle-metadata': '{"tenant":"t-1"}',
    });
    expect(message?.body).toMatchObject({ eventId: event.eventId, position: '7', eventData: { total: 42 } });
  });

  it('refuses a message whose predecessor is not the last stored one, so a gap is never jumped', async () => {
    const { transport, stream } = await openTransport('chain');
    const [first, second, third] = [1, 2, 3].map((n) => sampleEvent({ position: BigInt(n), version: n }));
    await transport.publish(messageOf(first!));
    // `second` was lost on the way; `third`, sent after it, must not be stored ahead of it.
    await expect(transport.publish(messageOf(third!, second!.eventId))).rejects.toThrow(/wrong last msg ID/);
    await transport.publish(messageOf(second!, first!.eventId));
    await transport.publish(messageOf(third!, second!.eventId));
    // A re-send of an already stored message is a duplicate, whatever predecessor it names.
    await transport.publish(messageOf(second!, 'not-the-last'));
    await transport.close();
    expect((await readStream(shared.url(), stream)).map((m) => m.msgId)).toEqual(
      [first, second, third].map((e) => e!.eventId),
    );
  });

  it('rejects an event type that cannot be a subject token with a RelayConfigurationError', async () => {
    const { transport, stream } = await openTransport('token');
    await expect(transport.publish(messageOf(sampleEvent({ eventType: 'order placed' })))).rejects.toThrow(
      expect.objectContaining({ code: 'RELAY_CONFIGURATION', setting: 'subject' }),
    );
    await transport.close();
    expect(await readStream(shared.url(), stream)).toHaveLength(0);
  });
});
