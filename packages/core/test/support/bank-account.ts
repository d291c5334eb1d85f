import { type AggregateEvent, AggregateRoot, type EventHandlers } from '../../src/index';

/**
 * The test suite's aggregate. Its events are at their latest shapes: AccountOpened v2,
 * MoneyDeposited v3, MoneyWithdrawn v2 (renamed from FundsWithdrawn v1), AccountClosed v1.
 * Older shapes exist only in `bank-account-upcasters.ts`.
 */
export type BankAccountEvent =
  | AggregateEvent<'AccountOpened', { owner: string; overdraftLimitCents: number }>
  | AggregateEvent<'MoneyDeposited', { amountCents: number; currency: string }>
  | AggregateEvent<'MoneyWithdrawn', { amountCents: number }>
  | AggregateEvent<'AccountClosed', { reason: string }>;

export interface BankAccountState {
  owner: string;
  balanceCents: number;
  overdraftLimitCents: number;
  deposits: number;
  closed: boolean;
  lastActivity: string | null;
}

export const BANK_ACCOUNT = 'BankAccount';

export class BankAccount extends AggregateRoot<BankAccountEvent, BankAccountState> {
  readonly aggregateType = BANK_ACCOUNT;
  protected override readonly eventSchemaVersions = {
    AccountOpened: 2,
    MoneyDeposited: 3,
    MoneyWithdrawn: 2,
  };

  owner = '';
  balanceCents = 0;
  overdraftLimitCents = 0;
  deposits = 0;
  closed = false;
  lastActivity: string | null = null;

  protected readonly handlers: EventHandlers<BankAccountEvent> = {
    AccountOpened: ({ owner, overdraftLimitCents }, event) => {
      this.owner = owner;
      this.overdraftLimitCents = overdraftLimitCents;
      this.lastActivity = event.occurredAt.toISOString();
    },
    MoneyDeposited: ({ amountCents }, event) => {
      this.balanceCents += amountCents;
      this.deposits += 1;
      this.lastActivity = event.occurredAt.toISOString();
    },
    MoneyWithdrawn: ({ amountCents }, event) => {
      this.balanceCents -= amountCents;
      this.lastActivity = event.occurredAt.toISOString();
    },
    AccountClosed: () => {
      this.closed = true;
    },
  };

  get isOpen(): boolean {
    return this.version > 0 && !this.closed;
  }

  open(owner: string, overdraftLimitCents = 0): void {
    if (this.version > 0) throw new Error(`account ${this.id} is already open`);
    this.raise('AccountOpened', { owner, overdraftLimitCents });
  }

  deposit(amountCents: number, options: { correlationId?: string } = {}): void {
    this.assertOpen();
    if (!Number.isInteger(amountCents) || amountCents <= 0) throw new Error('amount must be positive');
    this.raise('MoneyDeposited', { amountCents, currency: 'USD' }, options);
  }

  withdraw(amountCents: number): void {
    this.assertOpen();
    if (!Number.isInteger(amountCents) || amountCents <= 0) throw new Error('amount must be positive');
    if (this.balanceCents - amountCents < -this.overdraftLimitCents) throw new Error('insufficient funds');
    this.raise('MoneyWithdrawn', { amountCents });
  }

  close(reason: string): void {
    this.assertOpen();
    if (this.balanceCents !== 0) throw new Error('balance must be zero to close');
    this.raise('AccountClosed', { reason });
  }

  /** The state as a plain value, to compare two accounts. */
  state(): BankAccountState {
    return this.snapshotState();
  }

  protected override snapshotState(): BankAccountState {
    return {
      owner: this.owner,
      balanceCents: this.balanceCents,
      overdraftLimitCents: this.overdraftLimitCents,
      deposits: this.deposits,
      closed: this.closed,
      lastActivity: this.lastActivity,
    };
  }

  protected override restoreState(state: BankAccountState): void {
    this.owner = state.owner;
    this.balanceCents = state.balanceCents;
    this.overdraftLimitCents = state.overdraftLimitCents;
    this.deposits = state.deposits;
    this.closed = state.closed;
    this.lastActivity = state.lastActivity;
  }

  private assertOpen(): void {
    if (!this.isOpen) throw new Error(`account ${this.id} is not open`);
  }
}
