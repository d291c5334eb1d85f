import type { DomainEvent, EventStore, UpcasterPipeline } from '@chronicle/core';
import { listProcessors } from '../commands/processors';
import { listProjections } from '../commands/projections';
import type { Inspection, StoredEvent } from '../inspect/inspection';
import { type StateModel, stateAt } from '../model/state-at-version';
import { isSubscribable } from '../open-store';

/** A request the API could not serve: answered with `status` and `{ error: message }`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** What the inspector serves from. */
export interface InspectorSources {
  readonly inspection: Inspection;
  readonly store: EventStore;
  /** Registered models by aggregate type, for "state at version". */
  readonly models: ReadonlyMap<string, StateModel>;
  readonly upcasters: UpcasterPipeline | undefined;
  readonly allowWrites: boolean;
}

const MAX_PAGE = 500;

/** `?limit=`: a page size between 1 and {@link MAX_PAGE}. */
function limitOf(query: URLSearchParams, fallback: number): number {
  const text = query.get('limit');
  if (text === null) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_PAGE) {
    throw new ApiError(400, `limit must be an integer from 1 to ${MAX_PAGE}`);
  }
  return n;
}

function required(query: URLSearchParams, name: string): string {
  const value = query.get(name);
  if (value === null || value === '') throw new ApiError(400, `${name} is required`);
  return value;
}

/** `?after=<type>/<id>`: the keyset cursor of a streams page. */
function streamCursor(text: string | null): { type: string; id: string } | undefined {
  if (text === null || text === '') return undefined;
  const slash = text.indexOf('/');
  if (slash <= 0) throw new ApiError(400, 'after must be <type>/<id>');
  return { type: text.slice(0, slash), id: text.slice(slash + 1) };
}

function nonNegative(text: string | null, name: string): bigint | undefined {
  if (text === null || text === '') return undefined;
  if (!/^\d+$/.test(text)) throw new ApiError(400, `${name} must be a non-negative integer`);
  return BigInt(text);
}

/**
 * The inspector's JSON API: each function answers one GET (or POST) with a JSON-ready value. Every
 * list is one keyset page (`next` is the cursor of the following page), so nothing loads a whole log.
 */
export function inspectorApi(sources: InspectorSources) {
  const { inspection, store, models, upcasters, allowWrites } = sources;
  return {
    /** `GET /api/overview`: where, how far, what is registered and allowed. */
    async overview() {
      return {
        adapter: inspection.adapter,
        location: inspection.location,
        schemaVersion: inspection.schemaVersion,
        head: await inspection.head(),
        allowWrites,
        subscriptions: isSubscribable(store),
        models: [...models].map(([aggregateType, model]) => ({
          aggregateType,
          name: model.name,
          kind: model.kind,
        })),
        upcasters: upcasters !== undefined,
      };
    },

    /** `GET /api/streams?type=&idPrefix=&after=type/id&limit=`: a page of streams. */
    async streams(query: URLSearchParams) {
      const limit = limitOf(query, 50);
      const after = streamCursor(query.get('after'));
      const rows = await inspection.streams({
        type: query.get('type') || undefined,
        idPrefix: query.get('idPrefix') || undefined,
        after,
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        streams: page,
        next: rows.length > limit && last !== undefined ? `${last.aggregateType}/${last.aggregateId}` : null,
      };
    },

    /** `GET /api/stream?type=&id=&after=VERSION&limit=`: a page of one stream's events. */
    async stream(query: URLSearchParams) {
      const type = required(query, 'type');
      const id = required(query, 'id');
      const limit = limitOf(query, 100);
      const afterVersion = Number(nonNegative(query.get('after'), 'after') ?? 0n);
      const rows = await inspection.streamEvents({ type, id, afterVersion, limit: limit + 1 });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return { events: page, next: rows.length > limit && last !== undefined ? last.version : null };
    },

    /** `GET /api/event?position=`: one event as stored, and as the application's upcasters read it. */
    async event(query: URLSearchParams) {
      const position = nonNegative(required(query, 'position'), 'position')!;
      const [event] = await inspection.events({ after: (position - 1n).toString(), limit: 1 });
      if (event === undefined || event.position !== position.toString()) {
        throw new ApiError(404, `no event at position ${position}`);
      }
      return { event, upcast: upcastOf(event, upcasters) };
    },

    /** `GET /api/state?type=&id=&version=`: the state at a version, from the registered model. */
    async state(query: URLSearchParams) {
      const type = required(query, 'type');
      const id = required(query, 'id');
      const model = models.get(type);
      if (model === undefined)
        throw new ApiError(
          404,
          `no aggregate registered for ${type} (inspect --aggregate ${type}=./module.ts#Export)`,
        );
      const version = nonNegative(query.get('version'), 'version');
      const result = await stateAt(
        store,
        model,
        { aggregateType: type, aggregateId: id },
        version === undefined ? undefined : Number(version),
      );
      return { model: model.name, ...result };
    },

    /** `GET /api/processors`: checkpoints with lag and parked counts. */
    async processors() {
      if (!isSubscribable(store)) return { supported: false, head: await inspection.head(), processors: [] };
      const head = await inspection.head();
      return { supported: true, head, processors: await listProcessors(store, head) };
    },

    /** `GET /api/projections`: every stored projection version, its collections, checkpoint and lag. */
    async projections() {
      if (!(await inspection.projections.supported())) {
        return { supported: false, head: await inspection.head(), projections: [] };
      }
      return { supported: true, ...(await listProjections(inspection, store)) };
    },

    /**
     * `GET /api/documents?projection=&version=&collection=&after=ID&limit=`: a keyset page of one
     * collection's documents in id order (`version` defaults to the active one).
     */
    async documents(query: URLSearchParams) {
      if (!(await inspection.projections.supported()))
        throw new ApiError(501, 'this store has no projections');
      const projection = required(query, 'projection');
      const collection = required(query, 'collection');
      const limit = limitOf(query, 50);
      const asked = nonNegative(query.get('version'), 'version');
      const version =
        asked === undefined
          ? (await inspection.projections.versions()).find(
              (v) => v.name === projection && v.status === 'active',
            )?.version
          : Number(asked);
      if (version === undefined) throw new ApiError(404, `projection ${projection} has no active version`);
      const rows = await inspection.projections.documents({
        projection,
        version,
        collection,
        after: query.get('after') || undefined,
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        projection,
        version,
        collection,
        documents: page,
        next: rows.length > limit && last ? last.id : null,
      };
    },

    /** `POST /api/processors/reset { processorId, to }`: only with `--allow-writes`. */
    async resetProcessor(body: unknown) {
      if (!allowWrites)
        throw new ApiError(
          403,
          'the inspector is read-only: start it with --allow-writes to reset processors',
        );
      if (!isSubscribable(store)) throw new ApiError(501, 'this adapter has no checkpoints yet');
      const { processorId, to } = (body ?? {}) as { processorId?: unknown; to?: unknown };
      if (typeof processorId !== 'string' || processorId === '')
        throw new ApiError(400, 'processorId is required');
      const position = nonNegative(typeof to === 'string' ? to : String(to ?? ''), 'to');
      if (position === undefined) throw new ApiError(400, 'to is required');
      const head = BigInt((await inspection.head()) ?? '0');
      if (position > head) throw new ApiError(400, `to ${position} is beyond the head of the log (${head})`);
      await store.checkpoints.reset(processorId, position);
      return { processorId, to: position.toString() };
    },
  };
}

/** How the application reads the event, when its upcasters change it; null when they do not. */
function upcastOf(event: StoredEvent, upcasters: UpcasterPipeline | undefined) {
  if (upcasters === undefined) return null;
  const domain: DomainEvent = {
    eventId: event.eventId,
    aggregateType: event.aggregateType,
    aggregateId: event.aggregateId,
    eventType: event.eventType,
    eventData: event.data,
    schemaVersion: event.schemaVersion,
    version: event.version,
    position: BigInt(event.position),
    occurredAt: new Date(event.occurredAt),
  };
  const read = upcasters.upcast(domain);
  if (read.eventType === event.eventType && read.schemaVersion === event.schemaVersion) return null;
  return { eventType: read.eventType, schemaVersion: read.schemaVersion, data: read.eventData };
}

/** The API's handlers, for the HTTP layer. */
export type InspectorApi = ReturnType<typeof inspectorApi>;
