import type { SubscribableEventStore } from '@chronicle/core';
import type { Subject, SubjectFactory } from '../subject';

/**
 * The consuming workloads (W9–W11) run on adapters only: baselines have no subscriptions. Not on
 * `postgres-unnamed` either: unnamed statements cost parse time per call, which W1–W8 measure; a
 * consumer's few large reads would show nothing new, for three more child processes. Nor on the lean
 * profiles, whose difference is on the append path.
 */
export const isAdapter = (factory: SubjectFactory): boolean =>
  factory.kind === 'adapter' && !['postgres-unnamed', 'sqlite-lean', 'postgres-lean'].includes(factory.name);

/** The subject's Chronicle store; throws when the subject is not an adapter. */
export function storeOf(subject: Subject): SubscribableEventStore {
  if (subject.store === undefined) throw new Error(`${subject.location} is not a Chronicle adapter`);
  return subject.store;
}
