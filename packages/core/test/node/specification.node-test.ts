/**
 * Run by specification.test.ts as `node --import tsx --test` to prove the specifications need no
 * vitest: one passing test, and one that fails on purpose so the run shows how node:test reports a
 * failing `then` (its message and ERR_ASSERTION). Not picked up by vitest (no `.test.ts` suffix).
 */
import { test } from 'node:test';
import { deciderSpecification } from '../../src/testing/index';
import { bankAccountDecider } from '../support/bank-account-decider';

const spec = deciderSpecification(bankAccountDecider);
const opened = { eventType: 'AccountOpened', eventData: { owner: 'Ada', overdraftLimitCents: 0 } } as const;

test('a deposit into an open account', () => {
  spec
    .given([opened])
    .when({ type: 'Deposit', amountCents: 100 })
    .then([{ eventType: 'MoneyDeposited', eventData: { amountCents: 100, currency: 'USD' } }]);
});

test('fails on purpose: the wrong amount is expected', () => {
  spec
    .given([opened])
    .when({ type: 'Deposit', amountCents: 100 })
    .then([{ eventType: 'MoneyDeposited', eventData: { amountCents: 120, currency: 'USD' } }]);
});
