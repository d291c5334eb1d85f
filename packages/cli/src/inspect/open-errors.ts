import { StoreUnavailableError } from '@chronicle/core';

/** The store's file (or schema) is not there; reading never creates it. Exits 1. */
export class StoreMissingError extends StoreUnavailableError {
  override readonly name = 'StoreMissingError';
  constructor(message: string) {
    super(message, { retriable: false });
  }
}

/** The store exists but holds no Chronicle schema: `chronicle migrate` first. Exits 1. */
export class NotMigratedError extends StoreUnavailableError {
  override readonly name = 'NotMigratedError';
  constructor(message: string) {
    super(message, { retriable: false });
  }
}

/** The adapter does not offer what the command needs (e.g. subscriptions). Exits 1. */
export class NotSupportedError extends StoreUnavailableError {
  override readonly name = 'NotSupportedError';
  constructor(message: string) {
    super(message, { retriable: false });
  }
}
