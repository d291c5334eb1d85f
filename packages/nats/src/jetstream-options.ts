import type { DomainEvent } from '@chronicle/core';
import { RelayConfigurationError } from '@chronicle/core/relay';
import { assertPublishSubject, DEFAULT_SUBJECT_PREFIX, isSubjectFilter } from './subjects';

/** The JetStream stream the relay publishes into, and whether to create it. */
export interface JetStreamStreamOptions {
  /** The stream's name (letters, digits, `-`, `_`). */
  readonly name: string;
  /**
   * `true`: create the stream when it does not exist. `false` (default): it must exist. Either way an
   * existing stream is checked against every setting given here.
   */
  readonly create?: boolean;
  /** Subjects the stream captures. Default when creating: `['<subjectPrefix>.>']`. */
  readonly subjects?: readonly string[];
  /** `'file'` (default when creating) or `'memory'`. */
  readonly storage?: 'file' | 'memory';
  /** Copies kept in a cluster: 1 (default when creating), 3 or 5. */
  readonly replicas?: number;
  /**
   * How long the stream remembers message ids to drop re-sends, in ms. Default when creating
   * `120000` (JetStream's). Make it longer than a relay can stay down with unconfirmed messages.
   */
  readonly duplicateWindowMs?: number;
}

/** Credentials for the NATS connection. */
export type NatsCredentials = { readonly user: string; readonly pass: string } | { readonly token: string };

/** Options of `createJetStreamTransport`. */
export interface JetStreamTransportOptions {
  /** NATS server URLs (`'nats://127.0.0.1:4222'` or `'127.0.0.1:4222'`); list every cluster node. */
  readonly servers: string | readonly string[];
  /** User and password, or a token. Default: none. */
  readonly credentials?: NatsCredentials;
  /** The JetStream stream to publish into. */
  readonly stream: JetStreamStreamOptions;
  /** First tokens of the default subject `<subjectPrefix>.<aggregateType>.<eventType>`. Default `'chronicle'`. */
  readonly subjectPrefix?: string;
  /** Overrides the subject of each event (must return a valid publish subject the stream captures). */
  readonly subject?: (event: DomainEvent) => string;
  /**
   * `true` (default): each pipelined message carries `Nats-Expected-Last-Msg-Id` with the previous
   * message's id, so JetStream stores messages only in publish order, even across a reconnect. Turn it
   * off only when other publishers write into the same stream (their messages would make the relay
   * retry).
   */
  readonly strictOrder?: boolean;
  /** How long to wait for the server when connecting, in ms. Default `5000`. */
  readonly connectTimeoutMs?: number;
  /** How long to wait for a publish ack before retrying, in ms. Default `5000`. */
  readonly publishTimeoutMs?: number;
}

/** {@link JetStreamTransportOptions} validated, with every default. */
export interface ResolvedJetStreamOptions {
  readonly servers: string[];
  readonly credentials: NatsCredentials | undefined;
  readonly stream: JetStreamStreamOptions;
  readonly subjectPrefix: string;
  readonly subject: ((event: DomainEvent) => string) | undefined;
  readonly strictOrder: boolean;
  readonly connectTimeoutMs: number;
  readonly publishTimeoutMs: number;
}

const STREAM_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const fail = (setting: string, problem: string) => new RelayConfigurationError('nats', setting, problem);

function positiveInteger(value: unknown, setting: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw fail(setting, `must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Checks the options before anything connects.
 *
 * @throws RelayConfigurationError naming the setting to fix
 */
export function resolveJetStreamOptions(options: JetStreamTransportOptions): ResolvedJetStreamOptions {
  if (typeof options !== 'object' || options === null) throw fail('options', 'must be an object');
  const servers = typeof options.servers === 'string' ? [options.servers] : [...(options.servers ?? [])];
  if (servers.length === 0 || servers.some((s) => typeof s !== 'string' || s.trim() === '')) {
    throw fail('servers', 'must name at least one NATS server, e.g. "nats://127.0.0.1:4222"');
  }
  const { credentials } = options;
  if (
    credentials !== undefined &&
    !(
      ('token' in credentials && typeof credentials.token === 'string') ||
      ('user' in credentials && typeof credentials.user === 'string' && typeof credentials.pass === 'string')
    )
  ) {
    throw fail('credentials', 'must be { user, pass } or { token }');
  }
  const stream = options.stream;
  if (typeof stream !== 'object' || stream === null || typeof stream.name !== 'string') {
    throw fail('stream', 'must be { name, create?, subjects?, storage?, replicas?, duplicateWindowMs? }');
  }
  if (!STREAM_NAME.test(stream.name)) {
    throw fail(
      'stream.name',
      `${JSON.stringify(stream.name)} is not a stream name: use letters, digits, '-' and '_'`,
    );
  }
  if (stream.storage !== undefined && stream.storage !== 'file' && stream.storage !== 'memory') {
    throw fail('stream.storage', `must be 'file' or 'memory', got ${JSON.stringify(stream.storage)}`);
  }
  if (stream.replicas !== undefined && ![1, 2, 3, 4, 5].includes(stream.replicas)) {
    throw fail(
      'stream.replicas',
      `must be 1 to 5 (JetStream's limit), got ${JSON.stringify(stream.replicas)}`,
    );
  }
  positiveInteger(stream.duplicateWindowMs, 'stream.duplicateWindowMs', 1);
  if (stream.subjects !== undefined) {
    if (!Array.isArray(stream.subjects) || stream.subjects.length === 0) {
      throw fail('stream.subjects', 'must be a non-empty list of subjects (wildcards allowed)');
    }
    for (const [i, s] of stream.subjects.entries()) {
      if (typeof s !== 'string' || !isSubjectFilter(s)) {
        throw fail(`stream.subjects[${i}]`, `${JSON.stringify(s)} is not a valid subject filter`);
      }
    }
  }
  const subjectPrefix = options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX;
  assertPublishSubject(subjectPrefix, 'subjectPrefix');
  if (options.subject !== undefined && typeof options.subject !== 'function') {
    throw fail('subject', 'must be a function (event) => subject');
  }
  if (options.strictOrder !== undefined && typeof options.strictOrder !== 'boolean') {
    throw fail('strictOrder', 'must be a boolean');
  }
  return {
    servers,
    credentials,
    stream,
    subjectPrefix,
    subject: options.subject,
    strictOrder: options.strictOrder ?? true,
    connectTimeoutMs: positiveInteger(options.connectTimeoutMs, 'connectTimeoutMs', 5_000),
    publishTimeoutMs: positiveInteger(options.publishTimeoutMs, 'publishTimeoutMs', 5_000),
  };
}
