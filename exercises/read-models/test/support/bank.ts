import { randomUUID } from 'node:crypto';
import type { EventStore, EventStoreOptions, ProjectableEventStore } from '@chronicle/core';
import { createTestStores, type TestStores } from '@chronicle/exercise-support';
import { afterEach, expect } from 'vitest';

const opened: TestStores[] = [];
afterEach(async () => {
  await Promise.allSettled(opened.splice(0).map((stores) => stores.cleanup()));
});

/**
 * A fresh, empty store for one test — a SQLite file, or a PostgreSQL schema on the PostgreSQL track —
 * removed after the test.
 */
export async function freshStore(
  label: string,
  options: EventStoreOptions = {},
): Promise<ProjectableEventStore> {
  const stores = createTestStores(`read-models-${label}`);
  opened.push(stores);
  return (await stores.open(options)) as ProjectableEventStore;
}

const account = (aggregateId: string) => ({ aggregateType: 'Account', aggregateId });

/** A new account id. */
export const newAccountId = (): string => `acc-${randomUUID().slice(0, 8)}`;

/** Appends one event to the account's stream (any version); resolves with its position. */
export async function record(
  store: EventStore,
  id: string,
  eventType: 'AccountOpened' | 'MoneyDeposited' | 'MoneyWithdrawn',
  eventData: Record<string, string | number>,
): Promise<bigint> {
  const { lastPosition } = await store.append(account(id), 'any', [{ eventType, eventData }]);
  return lastPosition;
}

/** Opens an account, deposits then withdraws: resolves with the last position. */
export async function openAndUse(store: EventStore, id: string, deposits: number[], withdrawals: number[]) {
  let last = await record(store, id, 'AccountOpened', { owner: `owner of ${id}` });
  for (const amount of deposits) last = await record(store, id, 'MoneyDeposited', { amount });
  for (const amount of withdrawals) last = await record(store, id, 'MoneyWithdrawn', { amount });
  return last;
}

/** Awaits `action`; when it rejects, fails the test with what went wrong and why (the cause). */
export async function succeeds<T>(action: Promise<T>, what: string): Promise<T> {
  try {
    return await action;
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    return expect.fail(
      `${what} failed: ${String(error)}${cause === undefined ? '' : ` — because ${String(cause)}`}`,
    );
  }
}
