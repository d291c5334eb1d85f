import { type AggregateEvent, AggregateRoot, type EventHandlers } from '@chronicle/core';
import type { AccountState, StoredEvent } from './subject';

type AccountEvent = AggregateEvent<'MoneyDeposited', { amount: number }>;

/** The snapshot state of {@link BenchAccount}. */
export interface AccountSnapshotState {
  readonly balance: number;
  readonly deposits: number;
}

/** The W5 aggregate: a bank account folded from deposits, through core's `AggregateRoot`. */
export class BenchAccount extends AggregateRoot<AccountEvent, AccountSnapshotState> {
  readonly aggregateType = 'Account';
  balance = 0;
  deposits = 0;

  protected readonly handlers: EventHandlers<AccountEvent> = {
    MoneyDeposited: ({ amount }) => {
      this.balance += amount;
      this.deposits += 1;
    },
  };

  protected override snapshotState(): AccountSnapshotState {
    return { balance: this.balance, deposits: this.deposits };
  }

  protected override restoreState(state: AccountSnapshotState): void {
    this.balance = state.balance;
    this.deposits = state.deposits;
  }

  /** The state the workloads compare across subjects. */
  toState(): AccountState {
    return { id: this.id, version: this.version, balance: this.balance, deposits: this.deposits };
  }
}

/** The raw baselines' fold: the same result as {@link BenchAccount}, written by hand. */
export function foldAccount(
  id: string,
  from: AccountState | null,
  events: readonly StoredEvent[],
): AccountState {
  let version = from?.version ?? 0;
  let balance = from?.balance ?? 0;
  let deposits = from?.deposits ?? 0;
  for (const event of events) {
    if (event.version !== version + 1) {
      throw new Error(`${id}: version ${event.version} does not follow ${version}`);
    }
    balance += (event.data as { amount: number }).amount;
    deposits += 1;
    version = event.version;
  }
  return { id, version, balance, deposits };
}
