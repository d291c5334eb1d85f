/**
 * TEMPORARY: the relay transport interface and configuration error exactly as the team brief fixes
 * them, until `@chronicle/core/relay` (branch natsrelay) is merged; then this file goes.
 */
import type { DomainEvent } from '@chronicle/core';

/** One event as the relay hands it to a transport. */
export interface RelayMessage {
  readonly event: DomainEvent;
  readonly messageId: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** What a relay needs from a broker client. */
export interface RelayTransport {
  readonly name: string;
  open(signal: AbortSignal): Promise<void>;
  publish(message: RelayMessage): Promise<void>;
  connected(): boolean;
  close(): Promise<void>;
}

/** Bad relay configuration, found before any event is marked as relayed. */
export class RelayConfigurationError extends Error {
  readonly code = 'RELAY_CONFIGURATION';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RelayConfigurationError';
  }
}
