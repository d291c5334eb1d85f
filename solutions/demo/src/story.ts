import {
  type DomainEvent,
  type EventStore,
  isConcurrencyError,
  type ProjectableEventStore,
  type RebuildProgress,
  Repository,
  readDocuments,
  startProjection,
  withRetry,
} from '@chronicle/core';
import {
  createAccountRepository,
  depositMoney,
  openAccount,
  withdrawMoney,
} from '@chronicle/solution-bank-account/04-accounts';
import {
  createSnapshottingAccountRepository,
  SnapshottingBankAccount,
} from '@chronicle/solution-bank-account/06-snapshots';
import { InsufficientFundsError } from '@chronicle/solution-bank-account/bank-account-errors';
import { orderUpcasters } from '@chronicle/solution-order/05-upcast';
import { Order } from '@chronicle/solution-order/order';
import { balancesV2, rebuildBalances } from '@chronicle/solution-read-models/03-rebuild-balances';
import { balancesV1 } from '@chronicle/solution-read-models/balances-v1';
import type { Balance } from '@chronicle/solution-read-models/read-model-events';
import { createSqliteEventStore, type SqliteEventStore } from '@chronicle/sqlite';
import Database from 'better-sqlite3';
import { money, summarize } from './summary';

/** How the story is printed. */
export interface StoryOutput {
  /** Prints one line. */
  readonly line: (text?: string) => void;
  /** Styles a heading (bold on a terminal). */
  readonly heading: (text: string) => string;
  /** Styles a side remark (dim on a terminal). */
  readonly dim: (text: string) => string;
}

const ORDER_ID = 'order-1001';
const OLD_ORDER_ID = 'order-0042';
const ACCOUNT_ID = 'acc-ada';

const openStore = (filename: string): SqliteEventStore =>
  // The upcaster is store configuration: every read path (getEvents, readAll, ...) applies it.
  createSqliteEventStore({ filename, upcasters: orderUpcasters });

const eventLine = (event: Pick<DomainEvent, 'version' | 'position' | 'eventType' | 'eventData'>): string =>
  `   v${event.version}  #${event.position}  ${event.eventType.padEnd(15)} ${summarize(event)}`;

/** Records every getEvents call, to show which events a load really read. */
function spyOnReads(
  store: EventStore,
  calls: Array<{ fromVersion: number | undefined; count: number }>,
): EventStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'getEvents') {
        return async (aggregateType: string, aggregateId: string, fromVersion?: number) => {
          const events = await target.getEvents(aggregateType, aggregateId, fromVersion);
          calls.push({ fromVersion, count: events.length });
          return events;
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Tells the lesson's story against a fresh SQLite file at `filename`: an order, a bank account with
 * a refused overdraft, two colliding writers, a snapshot, an upcast V1 event, then the whole log.
 */
export async function tellStory(filename: string, out: StoryOutput): Promise<void> {
  const { line, heading, dim } = out;
  const store = openStore(filename);
  line(dim("   vN = the event's version in its stream, #N = its global position in the store"));
  line();
  try {
    // 1. An order is created and confirmed.
    line(heading('1. An order is created and confirmed'));
    const orders = new Repository(store, { create: (id) => new Order(id) });
    const order = new Order(ORDER_ID);
    order.create({
      customerId: 'cust-42',
      items: [
        { productId: 'book-ddd', quantity: 1, pricePerUnit: 4999, currency: 'EUR' },
        { productId: 'mug-es', quantity: 2, pricePerUnit: 1250, currency: 'EUR' },
      ],
    });
    order.addItem({ productId: 'stickers', quantity: 3, pricePerUnit: 199, currency: 'EUR' });
    order.confirm({ confirmedBy: 'ada', paymentMethod: 'card' });
    const saved = await orders.save(order, { userId: 'ada', correlationId: 'checkout-7' });
    for (const event of await store.getEvents('Order', ORDER_ID)) line(eventLine(event));
    line(
      `   → Order ${ORDER_ID} is ${order.status} at version ${saved.nextExpectedVersion}: one append, three events, all or nothing`,
    );
    try {
      order.addItem({ productId: 'late', quantity: 1, pricePerUnit: 100, currency: 'EUR' });
    } catch (error) {
      line(dim(`   ✗ adding an item now is refused by the aggregate: ${(error as Error).message}`));
    }
    line();

    // 2. A bank account: deposits and a rejected overdraft.
    line(heading('2. A bank account: deposits and a rejected overdraft'));
    const accounts = createAccountRepository(store);
    await openAccount(accounts, ACCOUNT_ID, 'Ada');
    await depositMoney(accounts, ACCOUNT_ID, 2500);
    await depositMoney(accounts, ACCOUNT_ID, 1000);
    for (const event of await store.getEvents('BankAccount', ACCOUNT_ID)) line(eventLine(event));
    try {
      await withdrawMoney(accounts, ACCOUNT_ID, 5000);
      throw new Error('the overdraft was not refused');
    } catch (error) {
      if (!(error instanceof InsufficientFundsError)) throw error;
      const version = await store.getStreamVersion({ aggregateType: 'BankAccount', aggregateId: ACCOUNT_ID });
      // In the story's unit (25.00), not the error message's integer cents: one unit per sentence.
      line(
        `   ✗ withdraw ${money(error.requested)} refused (${error.name}): the balance is only ${money(error.balance)}`,
      );
      line(dim(`     nothing was written: the stream is still at version ${version}`));
    }
    const afterWithdraw = await withdrawMoney(accounts, ACCOUNT_ID, 2000);
    for (const event of await store.getEvents('BankAccount', ACCOUNT_ID, 3)) line(eventLine(event));
    line(`   → balance ${money(afterWithdraw.balance)} at version ${afterWithdraw.version}`);
    line();

    // 3. Two writers collide; the loser retries.
    line(heading('3. Two writers collide, one retries'));
    line(dim('   Writer A and writer B each have their own connection to the file, as two processes would.'));
    const storeB = openStore(filename);
    try {
      const writerA = createAccountRepository(store);
      const writerB = createAccountRepository(storeB);
      const balance = await withRetry(
        async ({ attempt }) => {
          const account = await writerB.get(ACCOUNT_ID);
          line(`   writer B, attempt ${attempt}: loaded version ${account.version}, deposits ${money(700)}`);
          if (attempt === 1) {
            // Writer A gets in between B's load and B's save.
            const a = await depositMoney(writerA, ACCOUNT_ID, 500);
            line(`   writer A: deposits ${money(500)} and saves first → version ${a.version}`);
          }
          account.deposit(700);
          try {
            await writerB.save(account);
          } catch (error) {
            if (isConcurrencyError(error)) line(`   ✗ writer B's save: ConcurrencyError: ${error.message}`);
            throw error;
          }
          line(`   ✓ writer B saves → version ${account.version}`);
          return account.balance;
        },
        {
          maxAttempts: 3,
          baseDelayMs: 20,
          onRetry: ({ attempt, delayMs }) =>
            line(
              dim(
                `     withRetry: attempt ${attempt} conflicted; reload, decide again and retry in ${delayMs.toFixed(0)} ms`,
              ),
            ),
        },
      );
      line(`   → balance ${money(balance)}: both deposits count, none was lost`);
    } finally {
      await storeB.close();
    }
    line();

    // 4. A snapshot is taken and used.
    line(heading('4. A snapshot is taken and used'));
    const snapshotting = createSnapshottingAccountRepository(store);
    const account = await snapshotting.get(ACCOUNT_ID);
    for (const cents of [100, 200, 300, 400, 500, 600]) {
      account.deposit(cents);
      const { snapshotSaved } = await snapshotting.save(account);
      if (snapshotSaved) {
        line(
          `   deposits up to version ${account.version}: snapshot saved at version ${account.version} (10 events since the last one)`,
        );
      }
    }
    line(`   more deposits: the stream is now at version ${account.version}`);
    const snapshot = await store.getSnapshot('BankAccount', ACCOUNT_ID);
    const reads: Array<{ fromVersion: number | undefined; count: number }> = [];
    const loaded = await createSnapshottingAccountRepository(spyOnReads(store, reads)).get(ACCOUNT_ID);
    const replayed = reads.reduce((sum, read) => sum + read.count, 0);
    line(
      `   load: snapshot at version ${snapshot?.version} + ${replayed} event(s) after it ` +
        `(getEvents from version ${reads[0]?.fromVersion}) instead of all ${loaded.version}`,
    );
    const fromScratch = new SnapshottingBankAccount(ACCOUNT_ID);
    fromScratch.loadFromHistory(await store.getEvents('BankAccount', ACCOUNT_ID));
    line(
      `   → balance ${money(loaded.balance)}, the same as replaying every event (${money(fromScratch.balance)})`,
    );
    line();

    // 5. A V1 event is read back upcast.
    line(heading('5. A V1 event is read back upcast'));
    line(dim("   Last year's code wrote OrderCreated without prices (schema version 1):"));
    await store.append({ aggregateType: 'Order', aggregateId: OLD_ORDER_ID }, 'no_stream', [
      {
        eventType: 'OrderCreated',
        schemaVersion: 1,
        eventData: { customerId: 'cust-7', items: [{ productId: 'book-ddd', quantity: 2 }] },
        occurredAt: new Date('2025-05-01T09:30:00Z'),
      },
    ]);
    const raw = new Database(filename, { readonly: true });
    try {
      const row = raw
        .prepare('SELECT schema_version, event_data FROM events WHERE aggregate_id = ?')
        .get(OLD_ORDER_ID) as { schema_version: number; event_data: string };
      line(`   in the file:  schema_version ${row.schema_version}  ${row.event_data}`);
    } finally {
      raw.close();
    }
    const [upcast] = await store.getEvents('Order', OLD_ORDER_ID);
    line(`   read back:    schemaVersion ${upcast?.schemaVersion}  ${JSON.stringify(upcast?.eventData)}`);
    const oldOrder = await orders.get(OLD_ORDER_ID);
    line(
      `   → the Order aggregate, which only knows V2, loads it: ${oldOrder.status}, ${oldOrder.items.length} line, total ${money(oldOrder.total, 'USD')}`,
    );
    line(dim('     the stored event is untouched (append-only); the upcaster runs on every read'));
    line();

    await tellReadModel(store, out, loaded.balance);

    // The whole log, in the order a projection would read it.
    await printTimeline(store, filename, out);
  } finally {
    await store.close();
  }
}

/**
 * Chapter 6: the balances read model (the read-models track's) catches up with the log as version 1,
 * answers a query, and — since version 1 adds withdrawals — is rebuilt as version 2 beside it.
 */
async function tellReadModel(
  store: ProjectableEventStore,
  { line, heading, dim }: StoryOutput,
  aggregateBalance: number,
): Promise<void> {
  line(heading('6. A read model catches up, answers a query, and is rebuilt'));
  const history = await store.getEvents('BankAccount', ACCOUNT_ID);
  const v1 = startProjection(store, balancesV1);
  try {
    await v1.whenProcessed(history.at(-1)!.position, { timeoutMs: 10_000 });
  } finally {
    await v1.stop();
  }
  const balances = readDocuments<Balance>(store, 'account_balances', 'balances');
  const before = await balances.get(ACCOUNT_ID);
  line(
    `   projection account_balances v${balancesV1.version} caught up with the log (async, from its checkpoint)`,
  );
  line(`   query balances.get('${ACCOUNT_ID}'): ${before?.owner}, ${money(before?.balance ?? 0)}`);
  line(dim(`     but the account itself says ${money(aggregateBalance)}: version 1 adds withdrawals`));
  let last: RebuildProgress | undefined;
  const result = await rebuildBalances(store, (progress) => {
    last = progress;
  });
  line(
    `   rebuild v${balancesV2.version} beside v${balancesV1.version}: ${last?.done}/${last?.total} positions, ` +
      `${result.switched ? 'switched atomically' : 'not switched'}`,
  );
  const after = await balances.get(ACCOUNT_ID);
  line(
    `   → the same query now reads ${money(after?.balance ?? 0)}; v${balancesV1.version}'s documents are gone`,
  );
  line();
}

async function printTimeline(
  store: EventStore,
  filename: string,
  { line, heading, dim }: StoryOutput,
): Promise<void> {
  line(heading('Timeline: every event in the file, in position order (readAll)'));
  const raw = new Database(filename, { readonly: true });
  const storedVersions = new Map(
    (
      raw.prepare('SELECT position, schema_version FROM events').all() as Array<{
        position: number;
        schema_version: number;
      }>
    ).map((row) => [BigInt(row.position), row.schema_version]),
  );
  raw.close();
  const rows: string[][] = [];
  for await (const event of store.readAll()) {
    const stored = storedVersions.get(event.position);
    // Stored in one shape, read in another: the upcaster at work.
    const schema =
      stored !== undefined && stored !== event.schemaVersion
        ? `${stored}→${event.schemaVersion}`
        : String(event.schemaVersion);
    rows.push([
      String(event.position),
      `${event.aggregateType}/${event.aggregateId}`,
      String(event.version),
      event.eventType,
      schema,
      summarize(event),
    ]);
  }
  const header = ['pos', 'stream', 'ver', 'type', 'schema', 'data'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const format = (row: readonly string[]): string =>
    `   ${row
      .map((cell, i) =>
        i === 0 || i === 2
          ? cell.padStart(widths[i] ?? 0)
          : i === row.length - 1
            ? cell
            : cell.padEnd(widths[i] ?? 0),
      )
      .join('  ')}`;
  line(dim(format(header)));
  for (const row of rows) line(format(row));
  line(dim(`   ${rows.length} events in ${new Set(rows.map((row) => row[1])).size} streams`));
}
