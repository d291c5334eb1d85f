// Read-model documents on the adapter (issue #14): get / put / patch / delete / find / count behave
// like a map of JSON objects, in every adapter alike; bad ids, documents and collection names are
// refused with a typed error and nothing is written. The operations run inside an inline projection
// whose events are the operations themselves, so the adapter's whole path is exercised.
import {
  type DocumentFilter,
  defineProjection,
  type EventStore,
  isInvalidArgumentError,
  isProjectionError,
  type JsonDocument,
  type JsonValue,
  readDocuments,
} from '@chronicle/core';
import fc from 'fast-check';
import { expect } from 'vitest';
import { captureLog, newEvent } from '../support/fixtures';
import { projectable } from '../support/projections';
import { assertProperty } from '../support/property-settings';
import { defineSuite } from '../test-definition';

const requires = ['subscriptions', 'projections'] as const;

type Operation =
  | {
      readonly op: 'put';
      readonly collection: string;
      readonly id: string;
      readonly doc: JsonDocument;
      /** Replaces `doc` by one that is not JSON (event data could not carry it). */
      readonly bad?: keyof typeof notJson;
    }
  | { readonly op: 'patch'; readonly collection: string; readonly id: string; readonly doc: JsonDocument }
  | { readonly op: 'delete'; readonly collection: string; readonly id: string };

/** Documents JSON cannot carry (or not every store can keep), by name. */
const notJson = {
  nul: () => ({ text: 'a\u0000b' }),
  loneSurrogate: () => ({ text: '\uD800' }),
  array: () => [1],
  nan: () => ({ n: Number.NaN }),
  undefinedInArray: () => ({ list: [undefined] }),
  date: () => ({ at: new Date(0) }),
  cycle: () => {
    const doc: Record<string, unknown> = {};
    doc.self = doc;
    return doc;
  },
};

/** A projection that performs the operation each `DocumentOperation` event carries. */
const operations = defineProjection<{ eventType: 'DocumentOperation'; eventData: { operation: Operation } }>({
  name: 'docs',
  version: 1,
  indexes: { things: ['kind'] },
  handlers: {
    async DocumentOperation(event, { documents }) {
      const o = event.eventData.operation;
      const collection = documents(o.collection);
      if (o.op === 'put')
        await collection.put(o.id, o.bad === undefined ? o.doc : (notJson[o.bad]() as JsonDocument));
      else if (o.op === 'patch') await collection.patch(o.id, o.doc);
      else await collection.delete(o.id);
    },
  },
});

const perform = (store: EventStore, ...ops: Operation[]) =>
  store.append(
    { aggregateType: 'Docs', aggregateId: 'ops' },
    'any',
    ops.map((operation) => newEvent('DocumentOperation', { operation })),
  );

// Values chosen to tell JSON equality apart from looser ones: 1 and 1.0 are equal, true is not 1, '1' is not 1, null is not missing.
const scalar = fc.constantFrom<JsonValue>(1, 1.0, 2.5, '1', 'x', true, false, null, 0);
const ids = fc.constantFrom('a', 'b', 'B', 'é', 'z-1', '10', '9', '\u{1F600}');
const collectionName = fc.constantFrom('things', 'others');
const documentArbitrary = fc.record(
  { kind: scalar, size: scalar, nested: fc.constantFrom<JsonValue>({ deep: [1, { x: null }] }, []) },
  { requiredKeys: [] },
) as fc.Arbitrary<JsonDocument>;
const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ op: fc.constant('put' as const), collection: collectionName, id: ids, doc: documentArbitrary }),
  fc.record({
    op: fc.constant('patch' as const),
    collection: collectionName,
    id: ids,
    doc: documentArbitrary,
  }),
  fc.record({ op: fc.constant('delete' as const), collection: collectionName, id: ids }),
);

const byUtf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

export const documentsTests = defineSuite('documents', [
  {
    name: 'get, find, count and id order match a map of JSON objects after random put / patch / delete',
    requires,
    timeout: 120_000,
    async run({ openStore }) {
      await assertProperty(
        fc.asyncProperty(
          fc.array(operation, { minLength: 1, maxLength: 25 }),
          fc.record({ kind: scalar, size: scalar }, { requiredKeys: [] }),
          fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
          async (ops, filter, limit) => {
            const store = projectable(await openStore({ inlineProjections: [operations] }));
            const model = new Map<string, Map<string, JsonDocument>>();
            for (const o of ops) {
              await perform(store, o);
              const docs = model.get(o.collection) ?? new Map<string, JsonDocument>();
              model.set(o.collection, docs);
              const current = docs.get(o.id);
              if (o.op === 'put') docs.set(o.id, o.doc);
              else if (o.op === 'patch' && current !== undefined) docs.set(o.id, { ...current, ...o.doc });
              else if (o.op === 'delete') docs.delete(o.id);
            }
            for (const collection of ['things', 'others']) {
              const reader = readDocuments<JsonDocument>(store, 'docs', collection);
              const docs = model.get(collection) ?? new Map<string, JsonDocument>();
              for (const id of ['a', 'b', 'B', 'é', 'z-1', '10', '9', '\u{1F600}']) {
                expect(await reader.get(id), `${collection}/${id}`).toEqual(docs.get(id));
              }
              const matching = [...docs]
                .filter(([, doc]) =>
                  Object.entries(filter).every(
                    ([field, value]) => Object.hasOwn(doc, field) && doc[field] === value,
                  ),
                )
                .sort(([a], [b]) => byUtf8(a, b))
                .map(([, doc]) => doc);
              const where = filter as DocumentFilter<JsonDocument>;
              expect(
                await reader.find(where, { index: 'kind', ...(limit === undefined ? {} : { limit }) }),
                `find ${JSON.stringify(filter)}`,
              ).toEqual(matching.slice(0, limit));
              expect(await reader.count(where), `count ${JSON.stringify(filter)}`).toBe(matching.length);
            }
          },
        ),
        'documents behave like a map',
      );
    },
  },
  {
    name: 'a document that is not JSON, an empty or too long id, or a collection that is not an identifier is refused; nothing is written',
    requires,
    async run({ openStore }) {
      const store = projectable(await openStore({ inlineProjections: [operations] }));
      await perform(store, { op: 'put', collection: 'things', id: 'kept', doc: { kind: 1 } });
      const bad: Operation[] = [
        { op: 'put', collection: 'things', id: '', doc: { kind: 1 } },
        { op: 'put', collection: 'things', id: 'x'.repeat(256), doc: { kind: 1 } },
        { op: 'put', collection: 'not-an-identifier', id: 'a', doc: { kind: 1 } },
        { op: 'put', collection: '1things', id: 'a', doc: { kind: 1 } },
        { op: 'put', collection: 'c'.repeat(64), id: 'a', doc: { kind: 1 } },
        ...Object.keys(notJson).map(
          (bad): Operation => ({
            op: 'put',
            collection: 'things',
            id: 'a',
            doc: {},
            bad: bad as keyof typeof notJson,
          }),
        ),
      ];
      for (const o of bad) {
        const before = await captureLog(store);
        const error = await perform(
          store,
          { op: 'put', collection: 'things', id: 'also', doc: { kind: 2 } },
          o,
        ).catch((e: unknown) => e);
        expect(isProjectionError(error), `${JSON.stringify(o).slice(0, 80)}: ${String(error)}`).toBe(true);
        expect(isInvalidArgumentError((error as Error).cause), String((error as Error).cause)).toBe(true);
        expect(await captureLog(store), 'no event written').toEqual(before);
        const things = readDocuments<JsonDocument>(store, 'docs', 'things');
        expect(await things.find(), 'no document written').toEqual([{ kind: 1 }]);
      }
      const reader = readDocuments<JsonDocument>(store, 'docs', 'things');
      const attempts: (() => Promise<unknown>)[] = [
        () => reader.get(''),
        () => reader.find({ 'not a field': 1 } as never),
        () => reader.find({ kind: { nested: true } } as never),
        () => reader.find({}, { limit: 0 }),
        () => Promise.resolve().then(() => readDocuments(store, 'docs', 'bad name').count()),
      ];
      for (const attempt of attempts) {
        const error = await Promise.resolve()
          .then(attempt)
          .catch((e: unknown) => e);
        expect(isInvalidArgumentError(error), String(error)).toBe(true);
      }
    },
  },
  {
    name: 'documents round-trip exactly: nested values, unicode, large numbers; a read returns a fresh copy',
    requires,
    async run({ openStore }) {
      const store = projectable(await openStore({ inlineProjections: [operations] }));
      const doc: JsonDocument = {
        text: 'Grüße \u{1F600} "quoted" \\ back',
        big: 9007199254740991,
        small: -0.000001,
        list: [1, 'two', null, { three: [true, false] }],
        empty: {},
      };
      await perform(store, { op: 'put', collection: 'things', id: 'é/\u{1F600}', doc });
      const reader = readDocuments<JsonDocument>(store, 'docs', 'things');
      const first = await reader.get('é/\u{1F600}');
      expect(first).toEqual(doc);
      (first as { text: string }).text = 'changed';
      expect(await reader.get('é/\u{1F600}'), 'a read returns a fresh copy').toEqual(doc);
      await perform(store, {
        op: 'patch',
        collection: 'things',
        id: 'é/\u{1F600}',
        doc: { text: 'patched', added: 1 },
      });
      expect(await reader.get('é/\u{1F600}')).toEqual({ ...doc, text: 'patched', added: 1 });
      await perform(store, { op: 'patch', collection: 'things', id: 'missing', doc: { text: 'x' } });
      expect(await reader.get('missing'), 'patching nothing writes nothing').toBeUndefined();
    },
  },
]);
