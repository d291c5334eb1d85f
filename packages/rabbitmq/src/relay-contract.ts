/**
 * TEMPORARY: the relay transport interface and configuration error as branch natsrelay defines them
 * in `@chronicle/core/relay`, until that branch is merged; then this file goes.
 */
import type { DomainEvent } from '@chronicle/core';

export interface RelayMessage {
  readonly event: DomainEvent;
  readonly messageId: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly previousMessageId: string | undefined;
}

export interface RelayTransport {
  readonly name: string;
  open(signal: AbortSignal): Promise<void>;
  publish(message: RelayMessage): Promise<void>;
  connected(): boolean;
  close(): Promise<void>;
}

export class RelayConfigurationError extends Error {
  readonly code = 'RELAY_CONFIGURATION';
  readonly transport: string;
  readonly setting: string;
  constructor(transport: string, setting: string, problem: string, options?: { cause?: unknown }) {
    super(`${transport} relay: ${setting}: ${problem}`, options);
    this.name = 'RelayConfigurationError';
    this.transport = transport;
    this.setting = setting;
  }
}
