import type { NewEvent, Upcaster } from '../../src/index';

/** AccountOpened v1 had no overdraft. */
export interface AccountOpenedV1 {
  owner: string;
}
/** MoneyDeposited v1: dollars as a float, USD implied. */
export interface MoneyDepositedV1 {
  amount: number;
}
/** MoneyDeposited v2: dollars as a float, with a currency. */
export interface MoneyDepositedV2 {
  amount: number;
  currency: string;
}
/** MoneyDeposited v3: integer cents. */
export interface MoneyDepositedV3 {
  amountCents: number;
  currency: string;
}
/** FundsWithdrawn v1: the old name of MoneyWithdrawn, dollars as a float. */
export interface FundsWithdrawnV1 {
  amount: number;
}

const toCents = (dollars: number): number => Math.round(dollars * 100);

/** Every step, in a deliberately shuffled order: the pipeline must chain them by type and version. */
export const bankAccountUpcasters: Upcaster[] = [
  {
    eventType: 'MoneyDeposited',
    fromSchemaVersion: 2,
    upcast: (event): MoneyDepositedV3 => {
      const data = event.eventData as MoneyDepositedV2;
      return { amountCents: toCents(data.amount), currency: data.currency };
    },
  },
  {
    eventType: 'FundsWithdrawn',
    fromSchemaVersion: 1,
    toEventType: 'MoneyWithdrawn',
    toSchemaVersion: 2,
    upcast: (event) => ({ amountCents: toCents((event.eventData as FundsWithdrawnV1).amount) }),
  },
  {
    eventType: 'AccountOpened',
    fromSchemaVersion: 1,
    upcast: (event) => ({ owner: (event.eventData as AccountOpenedV1).owner, overdraftLimitCents: 0 }),
  },
  {
    eventType: 'MoneyDeposited',
    fromSchemaVersion: 1,
    upcast: (event): MoneyDepositedV2 => ({
      amount: (event.eventData as MoneyDepositedV1).amount,
      currency: 'USD',
    }),
  },
];

/** One logical operation on an account, encodable at any schema version it ever had. */
export type Operation =
  | { kind: 'deposit'; cents: number; encoding: 1 | 2 | 3 }
  | { kind: 'withdraw'; cents: number; encoding: 1 | 2 };

/** The stored form of an operation at its chosen (possibly legacy) encoding. */
export function encode(operation: Operation): NewEvent {
  if (operation.kind === 'deposit') {
    switch (operation.encoding) {
      case 1:
        return {
          eventType: 'MoneyDeposited',
          schemaVersion: 1,
          eventData: { amount: operation.cents / 100 },
        };
      case 2:
        return {
          eventType: 'MoneyDeposited',
          schemaVersion: 2,
          eventData: { amount: operation.cents / 100, currency: 'USD' },
        };
      default:
        return {
          eventType: 'MoneyDeposited',
          schemaVersion: 3,
          eventData: { amountCents: operation.cents, currency: 'USD' },
        };
    }
  }
  return operation.encoding === 1
    ? { eventType: 'FundsWithdrawn', schemaVersion: 1, eventData: { amount: operation.cents / 100 } }
    : { eventType: 'MoneyWithdrawn', schemaVersion: 2, eventData: { amountCents: operation.cents } };
}
