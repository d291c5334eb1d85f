import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SubscribableEventStore } from '@chronicle/core';
import { fromDomainEvent } from '../inspect/event-row';
import { ApiError, type InspectorApi } from './inspector-api';
import type { UiAssets } from './ui-assets';

const json = (value: unknown) => JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
const LOOPBACK_HOSTS = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;
const MAX_BODY = 64 * 1024;

/** What the HTTP layer serves. */
export interface InspectorServerOptions {
  readonly api: InspectorApi;
  readonly ui: UiAssets;
  /** The store to tail with Server-Sent Events; undefined when the adapter has no subscriptions. */
  readonly live: SubscribableEventStore | undefined;
  /** Bound to loopback: then requests naming another host are refused (DNS rebinding). */
  readonly loopbackOnly: boolean;
}

/**
 * The inspector's HTTP server (node:http, no framework): the UI's static files, the JSON API under
 * `/api/`, and `/api/tail`, the live log as Server-Sent Events on the store's subscription.
 */
export function createInspectorServer(
  options: InspectorServerOptions,
): Server & { closeAll(): Promise<void> } {
  const { api, ui, live, loopbackOnly } = options;
  const tails = new Set<AbortController>();

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const status = error instanceof ApiError ? error.status : 500;
      if (!response.headersSent) send(response, status, { error: (error as Error).message });
      else response.end();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (loopbackOnly && !LOOPBACK_HOSTS.test(request.headers.host ?? '')) {
      throw new ApiError(403, 'the inspector answers only to localhost');
    }
    const url = new URL(request.url ?? '/', 'http://inspector');
    const route = `${request.method} ${url.pathname}`;
    switch (route) {
      case 'GET /api/overview':
        return send(response, 200, await api.overview());
      case 'GET /api/streams':
        return send(response, 200, await api.streams(url.searchParams));
      case 'GET /api/stream':
        return send(response, 200, await api.stream(url.searchParams));
      case 'GET /api/event':
        return send(response, 200, await api.event(url.searchParams));
      case 'GET /api/state':
        return send(response, 200, await api.state(url.searchParams));
      case 'GET /api/processors':
        return send(response, 200, await api.processors());
      case 'GET /api/projections':
        return send(response, 200, await api.projections());
      case 'GET /api/documents':
        return send(response, 200, await api.documents(url.searchParams));
      case 'POST /api/processors/reset':
        // A JSON body: a cross-site form cannot send one without a preflight, which we never grant.
        if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
          throw new ApiError(415, 'send application/json');
        }
        return send(response, 200, await api.resetProcessor(parseJson(await readBody(request))));
      case 'GET /api/tail':
        return tail(response, url.searchParams);
    }
    const asset = request.method === 'GET' ? ui.get(url.pathname) : undefined;
    if (asset === undefined) throw new ApiError(404, `no such page: ${url.pathname}`);
    response.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-cache' });
    response.end(asset.body);
  }

  /** Streams new events as they commit, one SSE message each, until the client goes away. */
  async function tail(response: ServerResponse, query: URLSearchParams) {
    if (live === undefined)
      throw new ApiError(501, "this adapter's live subscriptions are not available yet");
    const fromText = query.get('from');
    const from = fromText !== null && /^\d+$/.test(fromText) ? BigInt(fromText) : 'end';
    const controller = new AbortController();
    tails.add(controller);
    // The response's 'close' (not the request's, which fires once a GET's empty body is read): the client left.
    response.on('close', () => controller.abort());
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    response.write(': following the log\n\n');
    try {
      for await (const batch of live.subscribe({ from, signal: controller.signal })) {
        for (const event of batch.events) response.write(`data: ${json(fromDomainEvent(event))}\n\n`);
        response.write(`event: through\ndata: ${batch.through}\n\n`);
      }
    } finally {
      tails.delete(controller);
      response.end();
    }
  }

  return Object.assign(server, {
    async closeAll() {
      for (const tail of tails) tail.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(json(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of request) {
    body += chunk;
    if (body.length > MAX_BODY) throw new ApiError(413, 'request body too large');
  }
  return body || '{}';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, 'the body is not JSON');
  }
}

/** The URL a started server answers on. */
export function serverUrl(server: Server, host: string): string {
  const { port } = server.address() as AddressInfo;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}/`;
}
