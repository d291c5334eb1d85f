// Decoders of single stored values, shared by the row decoders. Each names its field in what it
// throws (a plain Error); the row decoder wraps that in the typed error.

/** An integer as a driver hands it back: a `number`, a `bigint`, or its decimal text. */
export type StoredInteger = number | bigint | string;

/**
 * An instant as a driver hands it back: a `Date`, epoch milliseconds (`number`, `bigint`, or their
 * decimal text, e.g. PostgreSQL's `(extract(epoch FROM t) * 1000)::int8` read as text), or ISO 8601
 * text (PostgreSQL's `timestamptz` text form `2024-01-01 12:00:00.123+00` is read too).
 */
export type StoredInstant = Date | number | bigint | string;

const EPOCH_MILLIS = /^-?\d+$/;

export function parseJson(field: string, text: unknown): unknown {
  try {
    return JSON.parse(text as string);
  } catch (cause) {
    throw new Error(`its ${field} is not JSON text (${(cause as Error).message})`, { cause });
  }
}

export function toSafeInteger(field: string, value: StoredInteger): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new Error(`its ${field} ${String(value)} is not a safe integer`);
  return number;
}

export function toPosition(value: StoredInteger): bigint {
  try {
    return BigInt(value);
  } catch (cause) {
    throw new Error(`its position ${String(value)} is not an integer`, { cause });
  }
}

export function toDate(value: StoredInstant, field = 'occurredAt'): Date {
  const millis =
    value instanceof Date
      ? value.getTime()
      : typeof value === 'string' && !EPOCH_MILLIS.test(value)
        ? Date.parse(value)
        : Number(value);
  if (Number.isNaN(millis)) throw new Error(`its ${field} ${String(value)} is not an instant`);
  return new Date(millis);
}
