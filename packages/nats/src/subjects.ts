import type { DomainEvent } from '@chronicle/core';
import { RelayConfigurationError } from '@chronicle/core/relay';

/** The subject prefix when none is given: events go to `chronicle.<aggregateType>.<eventType>`. */
export const DEFAULT_SUBJECT_PREFIX = 'chronicle';

// A publish subject is dot-separated tokens; a token is non-empty, without whitespace or control
// characters, and not a wildcard (`*`, `>` are only for subscriptions). We refuse `*` and `>` anywhere
// in a token: the server accepts `a*b` but tools treat it inconsistently.
const TOKEN = /^[^\s.*>\p{Cc}]+$/u;

/** Whether `token` may stand as one token of a publish subject. */
export function isSubjectToken(token: string): boolean {
  return TOKEN.test(token);
}

/** Whether `subject` is a valid publish subject (one or more valid tokens joined by dots). */
export function isPublishSubject(subject: string): boolean {
  return subject.split('.').every(isSubjectToken);
}

/** Whether `filter` is a valid stream subject filter: tokens, `*` for one token, `>` last for the rest. */
export function isSubjectFilter(filter: string): boolean {
  const tokens = filter.split('.');
  return tokens.every((t, i) => t === '*' || (t === '>' && i === tokens.length - 1) || isSubjectToken(t));
}

/**
 * Throws {@link RelayConfigurationError} for `setting` unless `subject` is a valid publish subject.
 */
export function assertPublishSubject(subject: unknown, setting: string): asserts subject is string {
  if (typeof subject !== 'string' || !isPublishSubject(subject)) {
    throw new RelayConfigurationError(
      'nats',
      setting,
      `${JSON.stringify(subject)} is not a valid NATS subject: use dot-separated tokens without spaces, '*' or '>'`,
    );
  }
}

/**
 * The subject of `event` under `prefix`: `<prefix>.<aggregateType>.<eventType>`. Each name must be a
 * single subject token (no dot, space, `*` or `>`).
 *
 * @throws RelayConfigurationError naming the event type or aggregate type that cannot be a token
 */
export function defaultSubject(prefix: string, event: DomainEvent): string {
  for (const [name, value] of [
    ['aggregate type', event.aggregateType],
    ['event type', event.eventType],
  ] as const) {
    if (!isSubjectToken(value)) {
      throw new RelayConfigurationError(
        'nats',
        'subject',
        `the ${name} ${JSON.stringify(value)} (event ${event.eventId}) cannot be a NATS subject token: pass a \`subject\` function that maps it to one`,
      );
    }
  }
  return `${prefix}.${event.aggregateType}.${event.eventType}`;
}

/**
 * Whether the stream subject filter `filter` captures every subject matching `pattern` (both may
 * hold wildcards): `'orders.>'` covers `'orders.chronicle.>'`, `'orders.*'` does not.
 */
export function filterCovers(filter: string, pattern: string): boolean {
  const f = filter.split('.');
  const p = pattern.split('.');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '>') return i < p.length;
    if (i >= p.length || p[i] === '>') return false;
    if (f[i] !== '*' && f[i] !== p[i]) return false;
  }
  return f.length === p.length;
}
