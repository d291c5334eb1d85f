import { AssertionError } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  defineDecider,
  InvalidArgumentError,
  InvalidDecisionError,
  UnknownEventTypeError,
} from '../src/index';
import { aggregateSpecification, deciderSpecification, GIVEN_AT } from '../src/testing/index';
import { BankAccount } from './support/bank-account';
import { AccountRuleError, bankAccountDecider } from './support/bank-account-decider';

const spec = deciderSpecification(bankAccountDecider);
const opened = { eventType: 'AccountOpened', eventData: { owner: 'Ada', overdraftLimitCents: 0 } } as const;
const deposited = (amountCents: number) =>
  ({ eventType: 'MoneyDeposited', eventData: { amountCents, currency: 'USD' } }) as const;

/** The AssertionError a failing `then` throws. */
function failure(run: () => unknown): AssertionError {
  try {
    run();
  } catch (error) {
    if (error instanceof AssertionError) return error;
    throw error;
  }
  throw new Error('the specification passed, but it should have failed');
}

describe('deciderSpecification: given / when / then', () => {
  it('passes when the command decides exactly these events, and returns them with the state', () => {
    const result = spec
      .given([opened, deposited(100)])
      .when({ type: 'Withdraw', amountCents: 30 })
      .then([{ eventType: 'MoneyWithdrawn', eventData: { amountCents: 30 } }]);
    expect(result.state.balanceCents).toBe(70);
    spec.given([]).when({ type: 'Open', owner: 'Ada' }).then([opened]);
  });

  it('passes when the command is refused with the expected error, by instance, class, fields or predicate', () => {
    const when = spec.given([opened]).when({ type: 'Withdraw', amountCents: 1 });
    when.then(new AccountRuleError('insufficient funds'));
    when.thenThrows(AccountRuleError);
    when.thenThrows({ name: 'AccountRuleError', message: /insufficient/ });
    expect(when.thenThrows((e) => e instanceof AccountRuleError)).toBeInstanceOf(AccountRuleError);
  });

  it('fails with a readable expected-vs-actual diff when the events differ', () => {
    const error = failure(() =>
      spec
        .given([opened])
        .when({ type: 'Deposit', amountCents: 100 })
        .then([deposited(120)]),
    );
    expect(error.name).toBe('AssertionError');
    expect(error.message).toBe(
      [
        'then: the events differ (- expected, + actual):',
        '    1. MoneyDeposited {',
        '  -      "amountCents": 120,',
        '  +      "amountCents": 100,',
        '         "currency": "USD"',
        '       }',
      ].join('\n'),
    );
    expect(error.expected).toEqual([deposited(120)]);
    expect(error.actual).toEqual([deposited(100)]);
  });

  it('fails naming the missing and the extra events', () => {
    const missing = failure(() =>
      spec
        .given([opened])
        .when({ type: 'Deposit', amountCents: 5 })
        .then([deposited(5), deposited(5)]),
    );
    expect(missing.message).toContain('  - 2. MoneyDeposited {');
    const extra = failure(() => spec.given([opened]).when({ type: 'Deposit', amountCents: 5 }).then([]));
    expect(extra.message).toContain('  - (no events)');
    expect(extra.message).toContain('  + 1. MoneyDeposited {');
  });

  it('fails saying what was thrown when events were expected, and keeps it as the cause', () => {
    const error = failure(() =>
      spec
        .given([])
        .when({ type: 'Deposit', amountCents: 5 })
        .then([deposited(5)]),
    );
    expect(error.message).toContain('but it threw AccountRuleError: no such account');
    expect((error as { cause?: unknown }).cause).toBeInstanceOf(AccountRuleError);
  });

  it('fails listing the events when an error was expected, and when another error was thrown', () => {
    const succeeded = failure(() =>
      spec.given([opened]).when({ type: 'Deposit', amountCents: 5 }).thenThrows(AccountRuleError),
    );
    expect(succeeded.message).toContain(
      'expected an error of class AccountRuleError, but it succeeded with:',
    );
    expect(succeeded.message).toContain('1. MoneyDeposited {');
    const other = failure(() =>
      spec.given([opened]).when({ type: 'Withdraw', amountCents: 5 }).then(new AccountRuleError('closed')),
    );
    expect(other.message).toBe(
      'then: expected the error AccountRuleError: closed, but it threw AccountRuleError: insufficient funds',
    );
  });

  it('runs the same checks as the command handler: bad decisions and unknown events fail the specification', () => {
    const broken = deciderSpecification(
      defineDecider({ ...bankAccountDecider, decide: () => undefined as never }),
    );
    const error = failure(() => broken.given([]).when({ type: 'Open', owner: 'Ada' }).then([opened]));
    expect(error.message).toContain('but it threw InvalidDecisionError [INVALID_DECISION]');
    broken.given([]).when({ type: 'Open', owner: 'Ada' }).thenThrows(InvalidDecisionError);
    // A given event evolve does not know is a mistake in the specification itself: thrown at once.
    expect(() =>
      spec.given([{ eventType: 'AccountFrozen', eventData: {} } as never]).when({ type: 'Open', owner: 'A' }),
    ).toThrow(UnknownEventTypeError);
  });

  it('gives the given events versions, ids and a fixed time, unless they carry their own', () => {
    const state = spec
      .given([opened, { ...deposited(1), occurredAt: new Date('2026-05-06T00:00:00.000Z') }])
      .when({ type: 'Deposit', amountCents: 2 })
      .then([deposited(2)]).state;
    expect(state.deposits).toBe(2);
    expect(GIVEN_AT.toISOString()).toBe('2000-01-01T00:00:00.000Z');
    const before = spec
      .given([opened])
      .when({ type: 'Withdraw', amountCents: 0 })
      .then([{ eventType: 'MoneyWithdrawn', eventData: { amountCents: 0 } }]).state;
    expect(before.lastActivity).not.toBe(GIVEN_AT.toISOString()); // the new event's own time
  });

  it('refuses what is not a specification input, with typed errors', () => {
    expect(() => spec.given('x' as never)).toThrow(InvalidArgumentError);
    expect(() => spec.given([{ eventData: 1 } as never])).toThrow(/given\[0\]/);
    const when = spec.given([opened]).when({ type: 'Deposit', amountCents: 1 });
    expect(() => when.then(AccountRuleError as never)).toThrow(/thenThrows/);
    expect(() => deciderSpecification({} as never)).toThrow(InvalidArgumentError);
  });

  it('is not a promise: awaiting it rejects with a clear error instead of passing', async () => {
    const when = spec.given([opened]).when({ type: 'Deposit', amountCents: 1 });
    await expect((async () => await (when as unknown as Promise<unknown>))()).rejects.toThrow(
      /not a promise/,
    );
  });
});

describe('aggregateSpecification: given history / when a method call / then', () => {
  const account = aggregateSpecification(() => new BankAccount('acc-1'));
  const openedV2 = {
    eventType: 'AccountOpened',
    eventData: { owner: 'Ada', overdraftLimitCents: 0 },
  } as const;

  it('passes when the call raises exactly these events, and returns the aggregate', () => {
    const after = account
      .given([openedV2, deposited(100)])
      .when((a) => a.withdraw(40))
      .then([{ eventType: 'MoneyWithdrawn', eventData: { amountCents: 40 } }]);
    expect(after.balanceCents).toBe(60);
  });

  it('passes when the call throws the expected error', () => {
    account
      .given([openedV2])
      .when((a) => a.withdraw(1))
      .thenThrows({ message: /insufficient|overdraft/i });
  });

  it('fails with the diff when the raised events differ', () => {
    const error = failure(() =>
      account
        .given([openedV2])
        .when((a) => a.deposit(7))
        .then([deposited(8)]),
    );
    expect(error.message).toContain('  -      "amountCents": 8,');
    expect(error.message).toContain('  +      "amountCents": 7,');
  });

  it('refuses an asynchronous call', () => {
    const when = account.given([openedV2]).when((async () => {}) as never);
    when.thenThrows({ code: 'INVALID_ARGUMENT', message: /synchronous/ });
  });
});

describe('framework-neutral', () => {
  // A child process compiling TypeScript takes seconds on a busy machine: a wide bound, not a timing.
  it('passes and fails the same way under node:test (a real `node --test` process)', {
    timeout: 60_000,
  }, () => {
    const file = fileURLToPath(new URL('./node/specification.node-test.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', file], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      encoding: 'utf8',
      timeout: 60_000,
    });
    const output = `${run.stdout}\n${run.stderr}`;
    // The file has one passing and one deliberately failing test, to show node:test reports the diff.
    expect(output).toMatch(/# pass 1/);
    expect(output).toMatch(/# fail 1/);
    expect(output).toContain('then: the events differ (- expected, + actual)');
    expect(output).toContain('ERR_ASSERTION');
    expect(run.status).toBe(1);
  });
});
