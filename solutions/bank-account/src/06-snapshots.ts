import { type EventStore, Repository, type SnapshotStrategy } from '@chronicle/core';
import { BankAccount } from './03-bank-account';
import type { BankAccountState } from './bank-account-events';

/**
 * A bank account that can be snapshotted: its whole state is two JSON fields, so the snapshot is a
 * copy of them. Copies both ways, so a snapshot never shares objects with a live aggregate.
 */
export class SnapshottingBankAccount extends BankAccount {
  protected override snapshotState(): BankAccountState {
    return { owner: this.state.owner, balance: this.state.balance };
  }

  protected override restoreState(state: BankAccountState): void {
    this.state = { owner: state.owner, balance: state.balance };
  }
}

/**
 * Snapshot once 10 or more events have been saved since the last snapshot (or since the start).
 * Counting since the snapshot, not `version % 10 === 0` as the lesson does: a save that moves the
 * stream from 9 to 11 jumps over 10, and the modulo rule would never fire for it.
 */
export const snapshotEveryTenEvents: SnapshotStrategy = (context) => context.eventsSinceSnapshot >= 10;

/**
 * Accounts that load from their newest snapshot plus the events after it, and snapshot every 10
 * events. (Chronicle's `everyNEvents(10)` is the same strategy, ready-made.)
 *
 * @example
 * ```ts
 * const accounts = createSnapshottingAccountRepository(store);
 * const account = await accounts.get('acc-1'); // snapshot at 20 + events 21..23
 * ```
 */
export function createSnapshottingAccountRepository(store: EventStore): Repository<SnapshottingBankAccount> {
  return new Repository(store, {
    create: (id) => new SnapshottingBankAccount(id),
    snapshotStrategy: snapshotEveryTenEvents,
  });
}
