// The projection the `projections` sub-suite runs on every adapter, and the pure fold its documents
// must always equal: accounts opened, credited (a factor lets a "fixed" version differ) and closed,
// plus a running total — so a lost, repeated or uncommitted event shows up as a wrong document.
import {
  type AggregateEvent,
  type DomainEvent,
  defineProjection,
  type EventStore,
  type JsonDocument,
  type ProjectableEventStore,
  type ProjectionContext,
  type ReadWriteEventStore,
  readDocuments,
} from '@chronicle/core';

export type LedgerEvent =
  | AggregateEvent<'Opened', { owner: string }>
  | AggregateEvent<'Credited', { amount: number }>
  | AggregateEvent<'Closed', Record<string, never>>;

export interface AccountDoc extends JsonDocument {
  readonly id: string;
  readonly owner: string | null;
  readonly balance: number;
  readonly credits: number;
}

export interface TotalsDoc extends JsonDocument {
  readonly events: number;
}

/** Everything a ledger projection holds: accounts by id order, and the totals. */
export interface LedgerState {
  readonly accounts: AccountDoc[];
  readonly totals: TotalsDoc | undefined;
}

export interface LedgerOptions {
  readonly name?: string;
  readonly version?: number;
  /** Credited amounts are multiplied by it (version 1 "had a bug"; a rebuild fixes it). */
  readonly factor?: number;
  /** Positions whose handling throws once, after writing: a transient failure mid-batch. */
  readonly failOnce?: Set<bigint>;
}

/** The ledger projection. A negative credit throws (a poison event); `failOnce` positions throw once. */
export function ledgerProjection(options: LedgerOptions = {}) {
  const { name = 'ledger', version = 1, factor = 1, failOnce } = options;
  const failIfAsked = async (
    event: DomainEvent | { position: bigint },
    documents: ProjectionContext['documents'],
  ) => {
    if (!failOnce?.delete(event.position)) return;
    // A count makes core flush the batch's held-back document writes first, so the writes have
    // reached the adapter's storage when the handler fails: the rollback under test is the storage's.
    await documents('accounts').count();
    throw new Error(`transient failure at ${event.position}`);
  };
  return defineProjection<LedgerEvent>({
    name,
    version,
    indexes: { accounts: ['owner'] },
    handlers: {
      async Opened(event, { documents }) {
        await documents<AccountDoc>('accounts').put(event.aggregateId, {
          id: event.aggregateId,
          owner: event.eventData.owner,
          balance: 0,
          credits: 0,
        });
        await countEvent(documents<TotalsDoc>('totals'));
        await failIfAsked(event, documents);
      },
      async Credited(event, { documents }) {
        if (event.eventData.amount < 0) throw new Error(`poison: a negative credit at ${event.position}`);
        const accounts = documents<AccountDoc>('accounts');
        const current = await accounts.get(event.aggregateId);
        const balance = (current?.balance ?? 0) + factor * event.eventData.amount;
        const credits = (current?.credits ?? 0) + 1;
        if (current === undefined) {
          await accounts.put(event.aggregateId, { id: event.aggregateId, owner: null, balance, credits });
        } else {
          await accounts.patch(event.aggregateId, { balance, credits });
        }
        await countEvent(documents<TotalsDoc>('totals'));
        await failIfAsked(event, documents);
      },
      async Closed(event, { documents }) {
        await documents<AccountDoc>('accounts').delete(event.aggregateId);
        await countEvent(documents<TotalsDoc>('totals'));
        await failIfAsked(event, documents);
      },
    },
  });
}

async function countEvent(totals: {
  get(id: string): Promise<TotalsDoc | undefined>;
  put(id: string, doc: TotalsDoc): Promise<void>;
}) {
  const current = await totals.get('all');
  await totals.put('all', { events: (current?.events ?? 0) + 1 });
}

const byUtf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** The pure fold the projection's documents must equal. */
export function foldLedger(events: readonly DomainEvent[], factor = 1): LedgerState {
  const accounts = new Map<string, AccountDoc>();
  let counted = 0;
  for (const event of events) {
    const id = event.aggregateId;
    const current = accounts.get(id);
    if (event.eventType === 'Opened') {
      accounts.set(id, { id, owner: (event.eventData as { owner: string }).owner, balance: 0, credits: 0 });
    } else if (event.eventType === 'Credited') {
      const amount = (event.eventData as { amount: number }).amount;
      accounts.set(id, {
        id,
        owner: current?.owner ?? null,
        balance: (current?.balance ?? 0) + factor * amount,
        credits: (current?.credits ?? 0) + 1,
      });
    } else if (event.eventType === 'Closed') {
      accounts.delete(id);
    } else {
      continue;
    }
    counted++;
  }
  return {
    accounts: [...accounts.values()].sort((a, b) => byUtf8(a.id, b.id)),
    totals: counted === 0 ? undefined : { events: counted },
  };
}

/** What the store's active version of the ledger holds now, read as users read it. */
export async function readLedger(store: EventStore, name = 'ledger'): Promise<LedgerState> {
  const s = projectable(store);
  return {
    accounts: await readDocuments<AccountDoc>(s, name, 'accounts').find(),
    totals: await readDocuments<TotalsDoc>(s, name, 'totals').get('all'),
  };
}

/** The test's store as a {@link ProjectableEventStore} (the sub-suites that use it require `projections`). */
export function projectable(store: ReadWriteEventStore): ProjectableEventStore {
  const s = store as Partial<ProjectableEventStore>;
  if (typeof s.projections?.transaction !== 'function' || typeof s.subscribe !== 'function') {
    throw new Error('capabilities.projections is true, but the store has no projections port');
  }
  return store as ProjectableEventStore;
}

/** A stream of the ledger. */
export const ledgerAccount = (id: string) => ({ aggregateType: 'LedgerAccount', aggregateId: id });
