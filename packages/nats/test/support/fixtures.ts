import { randomUUID } from 'node:crypto';
import type { DomainEvent } from '@chronicle/core';
import { toRelayMessage } from '@chronicle/core/relay';

/** A stream name and subject prefix no other test (or helper branch) uses. */
export function uniqueNames(label: string): { stream: string; prefix: string } {
  const tag = randomUUID().slice(0, 8);
  return { stream: `NATSRELAY_${label.toUpperCase()}_${tag}`, prefix: `natsrelay.${label}.${tag}` };
}

/** An event as the log would hand it to the relay. */
export function sampleEvent(overrides: Partial<DomainEvent> = {}): DomainEvent {
  return {
    eventId: randomUUID(),
    aggregateType: 'Order',
    aggregateId: 'o-1',
    eventType: 'OrderPlaced',
    eventData: { total: 42 },
    schemaVersion: 1,
    version: 1,
    position: 1n,
    occurredAt: new Date('2026-01-02T03:04:05.678Z'),
    metadata: { tenant: 't-1' },
    correlationId: 'c-1',
    ...overrides,
  };
}

/** The message the engine would send for `event`. */
export const messageOf = (event: DomainEvent, previousMessageId?: string) =>
  toRelayMessage(event, previousMessageId);
