import type { EventStore, Repository, SnapshotStrategy } from '@chronicle/core';
import { BankAccount } from './03-bank-account';
import type { BankAccountState } from './bank-account-events';
import { NotImplementedError } from './not-implemented-error';

/** A bank account that can be snapshotted. */
export class SnapshottingBankAccount extends BankAccount {
  // TODO: return a copy of this.state: what a snapshot keeps (a JSON value).
  protected override snapshotState(): BankAccountState {
    throw new NotImplementedError(
      '06-snapshots',
      'return the state to keep in SnapshottingBankAccount.snapshotState()',
    );
  }

  // TODO: set this.state from a snapshot's state (copy it: don't share objects with the snapshot).
  protected override restoreState(state: BankAccountState): void {
    void state;
    throw new NotImplementedError(
      '06-snapshots',
      'restore the state in SnapshottingBankAccount.restoreState()',
    );
  }
}

/**
 * Snapshot once 10 or more events have been saved since the last snapshot (or since the start).
 */
export const snapshotEveryTenEvents: SnapshotStrategy = (context) => {
  // TODO: decide from the context (see SnapshotContext in @chronicle/core). Not `version % 10`!
  void context;
  throw new NotImplementedError('06-snapshots', 'decide when to snapshot in snapshotEveryTenEvents');
};

/** Accounts that load from their newest snapshot plus the events after it, and snapshot every 10 events. */
export function createSnapshottingAccountRepository(store: EventStore): Repository<SnapshottingBankAccount> {
  // TODO: a Repository of SnapshottingBankAccounts with your snapshot strategy.
  void store;
  throw new NotImplementedError('06-snapshots', 'create the snapshotting repository');
}
