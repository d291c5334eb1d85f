import type { Snapshot } from '../contract/types';
import { StoreUnavailableError } from '../errors';
import type { DecodeOptions } from './decode-event-row';
import { parseJson, type StoredInstant, type StoredInteger, toDate, toSafeInteger } from './stored-values';

/** One stored snapshot, field by field, as an adapter read it: the counterpart of `StoredEventFields`. */
export interface StoredSnapshotFields {
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly version: StoredInteger;
  readonly schemaVersion: StoredInteger;
  /** JSON text (`json: 'text'`, the default) or a value the driver already parsed (`json: 'parsed'`). */
  readonly state: unknown;
  readonly createdAt: StoredInstant;
}

/**
 * Turns one stored snapshot into the {@link Snapshot} `getSnapshot` returns, with the same value
 * forms and the same corrupt-value error as `decodeEventRow`.
 *
 * @throws StoreUnavailableError (not retriable) when a stored value cannot be decoded
 */
export function decodeSnapshotRow(fields: StoredSnapshotFields, options: DecodeOptions = {}): Snapshot {
  try {
    return {
      aggregateType: fields.aggregateType,
      aggregateId: fields.aggregateId,
      version: toSafeInteger('version', fields.version),
      schemaVersion: toSafeInteger('schemaVersion', fields.schemaVersion),
      state: options.json === 'parsed' ? fields.state : parseJson('state', fields.state),
      createdAt: toDate(fields.createdAt, 'createdAt'),
    };
  } catch (cause) {
    throw new StoreUnavailableError(
      `Stored snapshot of ${fields.aggregateType}/${fields.aggregateId} cannot be read: ${(cause as Error).message}`,
      { cause, retriable: false },
    );
  }
}
