import { createInMemoryEventStore, type InMemoryEventStore } from '@chronicle/core';
import { describe, expect, it } from 'vitest';
import {
  type ConformanceOptions,
  conformanceTest,
  conformanceTestNames,
  conformanceTests,
  findConformanceTest,
  runConformanceTest,
  runConformanceTests,
  SUITE_NAMES,
  skipReason,
  validateConformanceOptions,
} from '../src';
import { brokenStores, hiddenPartialWriteStore } from './support/broken-stores';
import { createPersistentInMemory } from './support/persistent-in-memory';
import { wrapStore } from './support/wrap-store';

const inMemory: ConformanceOptions = {
  name: 'in-memory',
  createStore: (options) => createInMemoryEventStore(options),
  capabilities: { subscriptions: true, projections: true },
};

describe('the conformance harness', () => {
  it('finds a test by key; the old name conformanceTest stays as a deprecated alias', () => {
    const key = 'append/a new stream starts at version 1 and counts up';
    expect(findConformanceTest(key).key).toBe(key);
    expect(conformanceTest).toBe(findConformanceTest);
    expect(() => findConformanceTest('append/no such test')).toThrow(/No conformance test is named/);
  });

  it('names every test <suite>/<name>, uniquely, in every sub-suite', () => {
    expect(new Set(conformanceTestNames).size).toBe(conformanceTestNames.length);
    for (const suite of SUITE_NAMES) {
      expect(
        conformanceTests.some((t) => t.suite === suite),
        `sub-suite ${suite} has tests`,
      ).toBe(true);
    }
    for (const test of conformanceTests) expect(test.key).toBe(`${test.suite}/${test.name}`);
  });

  it('runs the whole suite without vitest: the in-memory store passes, durability skips with a reason', {
    timeout: 120_000,
  }, async () => {
    const results = await runConformanceTests(conformanceTests, {
      ...inMemory,
      rawEventCount: (store) => (store as InMemoryEventStore).size,
    });
    const failed = results.filter((r) => r.status === 'failed');
    expect(failed.map((r) => `${r.key}: ${String(r.error)}`)).toEqual([]);
    const skipped = results.filter((r) => r.status === 'skipped');
    expect(skipped.map((r) => r.key)).toEqual(
      conformanceTests.filter((t) => t.suite === 'durability').map((t) => t.key),
    );
    expect(skipped.every((r) => r.reason?.includes("capability 'persistent'"))).toBe(true);
  });

  it('skips the consuming sub-suites with a reason saying they are pending when subscriptions is not declared', async () => {
    const consuming = conformanceTests.filter((t) =>
      ['subscriptions', 'checkpoints', 'leases', 'processors'].includes(t.suite),
    );
    const results = await runConformanceTests(consuming, { ...inMemory, capabilities: {} });
    expect(results.every((r) => r.status === 'skipped')).toBe(true);
    expect(
      results.every((r) => r.reason?.includes("capability 'subscriptions'") && r.reason.includes('pending')),
    ).toBe(true);
  });

  it('runs the durability tests against a store that persists across reopen', async () => {
    const persistent = createPersistentInMemory();
    const results = await runConformanceTests(
      conformanceTests.filter((t) => t.suite === 'durability'),
      { name: 'persistent in-memory', ...persistent, capabilities: { persistent: true } },
    );
    expect(results.map((r) => [r.key, r.status, r.error === undefined ? '' : String(r.error)])).toEqual(
      results.map((r) => [r.key, 'passed', '']),
    );
  });

  it('disables a named test with its reason and rejects unknown or unexplained keys', () => {
    const key = 'round-trip/a 1 MB payload reads back equal';
    const options = { ...inMemory, disable: { [key]: 'the driver caps documents at 512 kB' } };
    expect(skipReason(findConformanceTest(key), options)).toBe(
      'disabled by the adapter: the driver caps documents at 512 kB',
    );
    expect(() => validateConformanceOptions(options)).not.toThrow();
    expect(() => validateConformanceOptions({ ...inMemory, disable: { 'reads/typo': 'x' } })).toThrow(
      /unknown test 'reads\/typo'/,
    );
    expect(() => validateConformanceOptions({ ...inMemory, disable: { [key]: ' ' } })).toThrow(
      /needs a reason/,
    );
  });

  it('requires reopen when the adapter claims persistence', () => {
    expect(() => validateConformanceOptions({ ...inMemory, capabilities: { persistent: true } })).toThrow(
      /reopen/,
    );
  });

  it('skips store-options tests with a reason when the adapter opts out', () => {
    const test = findConformanceTest('store-options/upcasters apply on every read path');
    expect(skipReason(test, { ...inMemory, capabilities: { storeOptions: false } })).toMatch(/storeOptions/);
    expect(skipReason(test, inMemory)).toBeUndefined();
  });

  it('a test stuck on store calls fails before its time limit, naming the calls it waited for', async () => {
    // As a pool the suite exhausted looks: every append waits for a connection that never comes.
    const starved: ConformanceOptions = {
      name: 'starved pool',
      createStore: () => {
        const inner = createInMemoryEventStore();
        return wrapStore(inner, { append: () => new Promise(() => {}) });
      },
    };
    const test = {
      ...conformanceTest('concurrency/many writers on distinct streams all succeed'),
      timeout: 1_500,
    };
    const failure = await runConformanceTest(test, starved).then(
      () => expect.fail('a store whose appends never settle passed'),
      (error: unknown) => String(error),
    );
    expect(failure).toContain('did not finish within 1.4 s while running the test body');
    expect(failure).toMatch(/store calls had not settled: append ×\d+/);
    expect(failure).toContain('returns its connection to the pool');
  });

  it('a createStore that never resolves is named as what the test waited for', async () => {
    const test = {
      ...conformanceTest('append/a new stream starts at version 1 and counts up'),
      timeout: 1_000,
    };
    const failure = await runConformanceTest(test, {
      name: 'stuck',
      createStore: () => new Promise(() => {}),
    }).then(
      () => expect.fail('a test passed without a store'),
      (error: unknown) => String(error),
    );
    expect(failure).toContain('while creating a store (options.createStore)');
  });

  it('disposes every store a test opened, with the adapter’s dispose', async () => {
    const disposed: unknown[] = [];
    const results = await runConformanceTests(
      [findConformanceTest('store-options/upcasters apply on every read path')],
      {
        ...inMemory,
        dispose: async (store) => {
          disposed.push(store);
          await store.close();
        },
      },
    );
    expect(results[0]!.status).toBe('passed');
    expect(disposed).toHaveLength(2);
  });

  it('prints a replay line for a failing property, and replaying it reproduces the same counterexample', async () => {
    const model = findConformanceTest(
      'model/random appends, retries, reads and snapshot saves agree with a plain model',
    );
    const regressing = brokenStores.find((b) => b.name.startsWith('snapshot that regresses'))!;
    const counterexample = (error: unknown) => /Counterexample: (.*)/.exec(String(error))?.[1];
    const [first] = await runConformanceTests([model], regressing.options);
    const replay = /Replay: CHRONICLE_FC_SEED=(-?\d+) CHRONICLE_FC_PATH='([^']+)'/.exec(String(first!.error));
    expect(replay, String(first!.error)).not.toBeNull();
    const saved = { seed: process.env.CHRONICLE_FC_SEED, path: process.env.CHRONICLE_FC_PATH };
    try {
      process.env.CHRONICLE_FC_SEED = replay![1]!;
      process.env.CHRONICLE_FC_PATH = replay![2]!;
      const [again] = await runConformanceTests([model], regressing.options);
      expect(again!.status).toBe('failed');
      expect(counterexample(again!.error)).toBe(counterexample(first!.error));
      expect(String(again!.error)).toContain('Shrunk 0 time(s)');
    } finally {
      for (const [name, value] of [
        ['CHRONICLE_FC_SEED', saved.seed],
        ['CHRONICLE_FC_PATH', saved.path],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('with a rawEventCount backdoor, catches a partial write that the read API hides', async () => {
    const test = findConformanceTest('bad-input/one bad event anywhere in a batch rejects the whole batch');
    const options: ConformanceOptions = {
      name: 'hidden partial write',
      createStore: hiddenPartialWriteStore,
    };
    const [withoutBackdoor] = await runConformanceTests([test], options);
    expect(withoutBackdoor!.status, 'through the read API alone the store looks clean').toBe('passed');
    const [withBackdoor] = await runConformanceTests([test], {
      ...options,
      rawEventCount: (store) => (store as ReturnType<typeof hiddenPartialWriteStore>).size,
    });
    expect(withBackdoor!.status).toBe('failed');
    expect(String(withBackdoor!.error)).toContain(
      'an append with a bad third event failed, so it must leave no trace',
    );
  });
});
