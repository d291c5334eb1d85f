/**
 * A child process of the 05-concurrency tests: one writer. It opens its own store on the test's
 * database, runs the learner's depositOnce(), tells the test once it has loaded the account, and
 * saves only when the test says `go`, so both processes save from the same loaded version.
 */
import type { EventStore } from '@chronicle/core';
import {
  exerciseModuleUrl,
  openStoreAt,
  receiveFromParent,
  type StoreLocation,
  sendToParent,
} from '@chronicle/exercise-support';

interface Args {
  location: StoreLocation;
  accountId: string;
  amount: number;
}

interface DepositModule {
  depositOnce(
    store: EventStore,
    id: string,
    amount: number,
    afterLoad: () => Promise<void>,
  ): Promise<unknown>;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const store = await openStoreAt(args.location);
try {
  const { depositOnce } = (await import(exerciseModuleUrl('05-concurrent-deposit'))) as DepositModule;
  const outcome = await depositOnce(store, args.accountId, args.amount, async () => {
    await sendToParent({ type: 'loaded' });
    await receiveFromParent('go');
  });
  await sendToParent({ type: 'done', outcome });
} catch (error) {
  await sendToParent({
    type: 'done',
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
} finally {
  await store.close();
  process.disconnect();
}
