import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ConcurrencyError,
  createInMemoryEventStore,
  DuplicateEventError,
  EventValidationError,
  InvalidArgumentError,
  Repository,
  type RetryInfo,
  StoreUnavailableError,
  withRetry,
} from '../src/index';
import { BANK_ACCOUNT, BankAccount } from './support/bank-account';
import { assertProperty } from './support/property';

const conflict = (actual = 2): ConcurrencyError =>
  new ConcurrencyError({ aggregateType: BANK_ACCOUNT, aggregateId: 'acc-1' }, 1, actual);

/** An operation that fails with the given errors in turn, then returns 'done'. */
function failing(...errors: unknown[]) {
  const attempts: number[] = [];
  const operation = async ({ attempt }: { attempt: number }) => {
    attempts.push(attempt);
    const error = errors[attempts.length - 1];
    if (error !== undefined) throw error;
    return 'done';
  };
  return { operation, attempts };
}

const fast = { baseDelayMs: 0 } as const;

afterEach(() => {
  vi.useRealTimers();
});

describe('withRetry', () => {
  it('returns at once when the first attempt succeeds', async () => {
    const { operation, attempts } = failing();
    await expect(withRetry(operation)).resolves.toBe('done');
    expect(attempts).toEqual([1]);
  });

  it('re-runs on ConcurrencyError and returns the first success', async () => {
    const { operation, attempts } = failing(conflict(), conflict());
    const retries: RetryInfo[] = [];
    await expect(withRetry(operation, { ...fast, onRetry: (info) => retries.push(info) })).resolves.toBe(
      'done',
    );
    expect(attempts).toEqual([1, 2, 3]);
    expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
    expect(retries.every((r) => r.error instanceof ConcurrencyError)).toBe(true);
  });

  it('makes exactly maxAttempts attempts in all, then throws the last ConcurrencyError itself', async () => {
    const errors = [conflict(2), conflict(3), conflict(4), conflict(5)];
    const { operation, attempts } = failing(...errors);
    const error = await withRetry(operation, { ...fast, maxAttempts: 3 }).catch((e: unknown) => e);
    expect(attempts).toEqual([1, 2, 3]);
    expect(error).toBe(errors[2]);
    expect(error).toMatchObject({ actualVersion: 4 });
  });

  it('defaults to 3 attempts, and maxAttempts 1 means no retry', async () => {
    const always = failing(conflict(), conflict(), conflict(), conflict());
    await expect(withRetry(always.operation, fast)).rejects.toBeInstanceOf(ConcurrencyError);
    expect(always.attempts).toEqual([1, 2, 3]);
    const once = failing(conflict());
    await expect(withRetry(once.operation, { maxAttempts: 1 })).rejects.toBeInstanceOf(ConcurrencyError);
    expect(once.attempts).toEqual([1]);
  });

  it('lets every other error through at once, untouched', async () => {
    const others = [
      new Error('business rule'),
      new DuplicateEventError({ aggregateType: 'A', aggregateId: '1' }, 'e-1', 'is stored elsewhere'),
      new EventValidationError([{ index: 0, eventType: 'X', path: '/a', message: 'bad' }]),
      new InvalidArgumentError('id', 'is blank'),
      new StoreUnavailableError('connection lost'),
      'a string',
    ];
    for (const other of others) {
      const { operation, attempts } = failing(other);
      const error = await withRetry(operation, { ...fast, maxAttempts: 5 }).catch((e: unknown) => e);
      expect(error).toBe(other);
      expect(attempts).toEqual([1]);
    }
  });

  it('recognises a ConcurrencyError from another installed copy by its code', async () => {
    const foreign = Object.assign(new Error('version mismatch'), { code: 'CONCURRENCY' });
    const { operation, attempts } = failing(foreign);
    await expect(withRetry(operation, fast)).resolves.toBe('done');
    expect(attempts).toEqual([1, 2]);
  });

  it('backs off exponentially from baseDelayMs up to maxDelayMs', async () => {
    const delays = async (options: Parameters<typeof withRetry>[1]): Promise<number[]> => {
      const seen: number[] = [];
      const { operation } = failing(conflict(), conflict(), conflict(), conflict(), conflict());
      await withRetry(operation, { maxAttempts: 6, ...options, onRetry: (r) => seen.push(r.delayMs) });
      return seen;
    };
    // The first retry waits the base delay (the lesson's loop waited twice that).
    expect(await delays({ baseDelayMs: 1, maxDelayMs: 6, jitter: 'none' })).toEqual([1, 2, 4, 6, 6]);
    expect(await delays({ baseDelayMs: 1, factor: 3, jitter: 'none' })).toEqual([1, 3, 9, 27, 81]);
  });

  it('jitters each delay uniformly below its cap', async () => {
    const seen: number[] = [];
    const randoms = [0.5, 0, 0.999];
    const { operation } = failing(conflict(), conflict(), conflict());
    await withRetry(operation, {
      maxAttempts: 4,
      baseDelayMs: 2,
      random: () => randoms.shift() ?? 0,
      onRetry: (r) => seen.push(r.delayMs),
    });
    expect(seen).toEqual([1, 0, 0.999 * 8]);
  });

  it('really waits the delay before the next attempt', async () => {
    vi.useFakeTimers();
    const { operation, attempts } = failing(conflict());
    const result = withRetry(operation, { baseDelayMs: 100, jitter: 'none' });
    await vi.advanceTimersByTimeAsync(99);
    expect(attempts).toEqual([1]);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts).toEqual([1, 2]);
    await expect(result).resolves.toBe('done');
  });

  it('rejects with the abort reason, making no further attempt, when aborted while waiting', async () => {
    const controller = new AbortController();
    const { operation, attempts } = failing(conflict(), conflict());
    const result = withRetry(operation, { baseDelayMs: 60_000, jitter: 'none', signal: controller.signal });
    await vi.waitFor(() => expect(attempts).toEqual([1]));
    const reason = new Error('client went away');
    controller.abort(reason);
    await expect(result).rejects.toBe(reason);
    expect(attempts).toEqual([1]);
  });

  it('does not start when already aborted, and passes the signal to each attempt', async () => {
    const controller = new AbortController();
    controller.abort();
    const { operation, attempts } = failing();
    await expect(withRetry(operation, { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(attempts).toEqual([]);

    const live = new AbortController();
    let given: AbortSignal | undefined;
    await withRetry(
      ({ signal }) => {
        given = signal;
      },
      { signal: live.signal },
    );
    expect(given).toBe(live.signal);
  });

  it('does not retry a conflict that happened after an abort, but keeps a success that did', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const conflicted = withRetry(
      () => {
        controller.abort(reason);
        throw conflict();
      },
      { ...fast, signal: controller.signal },
    );
    await expect(conflicted).rejects.toBe(reason);

    const late = new AbortController();
    const committed = withRetry(
      () => {
        late.abort();
        return 'committed';
      },
      { signal: late.signal },
    );
    await expect(committed).resolves.toBe('committed');
  });

  it('rejects malformed options with InvalidArgumentError', async () => {
    const ok = async () => 1;
    for (const options of [
      { maxAttempts: 0 },
      { maxAttempts: 1.5 },
      { baseDelayMs: -1 },
      { maxDelayMs: Number.NaN },
      { factor: 0.5 },
      { jitter: 'some' as 'full' },
    ]) {
      await expect(withRetry(ok, options)).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    await expect(withRetry('nope' as never)).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('resolves a real conflict: two writers on one account both land, the loser after reloading', async () => {
    const store = createInMemoryEventStore();
    const accounts = new Repository(store, { create: (id) => new BankAccount(id) });
    const opening = new BankAccount('acc-1');
    opening.open('Ada');
    await accounts.save(opening);

    // Both writers load version 1 before either saves, so one of them must conflict.
    let loaded = 0;
    let release: () => void = () => {};
    const bothLoaded = new Promise<void>((resolve) => {
      release = resolve;
    });
    const attemptsOf: number[] = [];
    const deposit = (cents: number) =>
      withRetry(
        async ({ attempt }) => {
          attemptsOf.push(attempt);
          const account = await accounts.get('acc-1');
          if (attempt === 1 && ++loaded === 2) release();
          if (attempt === 1) await bothLoaded;
          account.deposit(cents);
          await accounts.save(account);
        },
        { baseDelayMs: 1 },
      );
    await Promise.all([deposit(100), deposit(200)]);
    expect(attemptsOf.sort()).toEqual([1, 1, 2]);
    const account = await accounts.get('acc-1');
    expect(account.balanceCents).toBe(300);
    expect(account.version).toBe(3);
  });

  it('N concurrent writers with maxAttempts N all land: no lost update, no extra event (property)', async () => {
    await assertProperty(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 1_000 }), { minLength: 2, maxLength: 6 }),
        async (amounts) => {
          const store = createInMemoryEventStore();
          const accounts = new Repository(store, { create: (id) => new BankAccount(id) });
          const opening = new BankAccount('acc-1');
          opening.open('Ada');
          await accounts.save(opening);
          // Each conflict of a writer is caused by a distinct commit of another writer, so N - 1
          // retries always suffice: one attempt fewer than this would be an off-by-one.
          await Promise.all(
            amounts.map((cents) =>
              withRetry(
                async () => {
                  const account = await accounts.get('acc-1');
                  account.deposit(cents);
                  await accounts.save(account);
                },
                { maxAttempts: amounts.length, baseDelayMs: 1 },
              ),
            ),
          );
          const account = await accounts.get('acc-1');
          expect(account.balanceCents).toBe(amounts.reduce((a, b) => a + b, 0));
          expect(account.version).toBe(amounts.length + 1);
        },
      ),
      'concurrent writers with withRetry',
      20,
    );
  });
});
