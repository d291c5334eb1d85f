/**
 * The examples of docs/observability.md, run for real: the Node SDK exporting over OTLP/HTTP to a
 * collector this test runs, and the example trace of the guide, rendered from the in-memory
 * exporter and compared with the guide's text. The last test checks that every TypeScript block of
 * the guide appears here line for line (imports aside), so the guide cannot drift.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { describe, expect, it } from 'vitest';
import { TELEMETRY, tracePublishBatch } from '../src/adapter/index';
import { createInMemoryEventStore, type DomainEvent, startProcessor } from '../src/index';
import { expectGuideBlocksIn } from './support/guide-blocks';
import { renderTraces } from './support/render-trace';
import { installTelemetry } from './support/telemetry';

const GUIDE = new URL('../../../docs/observability.md', import.meta.url);

/** An OTLP/HTTP collector: keeps every JSON body posted to it, by path. */
async function startCollector() {
  const received: { path: string; body: unknown }[] = [];
  const read = async (request: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  };
  const server = createServer((request, response) => {
    read(request).then(
      (body) => {
        received.push({ path: request.url ?? '', body });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      },
      () => response.writeHead(400).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Every string value under `key` anywhere in an OTLP JSON body (span names, metric names). */
function valuesOf(body: unknown, key: string): string[] {
  if (Array.isArray(body)) return body.flatMap((item) => valuesOf(item, key));
  if (typeof body !== 'object' || body === null) return [];
  return Object.entries(body).flatMap(([k, v]) =>
    k === key && typeof v === 'string' ? [v] : valuesOf(v, key),
  );
}

/** The guide's broker: what a relay's transport would publish to. */
function createBroker() {
  const published: string[] = [];
  return {
    published,
    async publish(event: DomainEvent) {
      published.push(event.eventId);
    },
  };
}

describe('docs/observability.md', () => {
  it('turns on with the Node SDK and exports spans and metrics over OTLP', async () => {
    const collector = await startCollector();
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = collector.url;
    try {
      const sdk = new NodeSDK({
        serviceName: 'orders',
        traceExporter: new OTLPTraceExporter(),
        metricReader: new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter() }),
      });
      sdk.start(); // before the stores are created: see "When it starts reporting"

      const store = createInMemoryEventStore({ propagateTraceContext: true });
      await store.append({ aggregateType: 'Order', aggregateId: 'o-1' }, 'no_stream', [
        { eventType: 'OrderPlaced', eventData: { total: 42 } },
      ]);
      await sdk.shutdown(); // flushes what is buffered

      const traces = collector.received.filter((r) => r.path === '/v1/traces');
      const exported = collector.received.filter((r) => r.path === '/v1/metrics');
      expect(
        valuesOf(
          traces.map((r) => r.body),
          'name',
        ),
      ).toContain('append Order');
      expect(
        valuesOf(
          exported.map((r) => r.body),
          'name',
        ),
      ).toEqual(
        expect.arrayContaining([TELEMETRY.metrics.EVENTS_APPENDED, TELEMETRY.metrics.APPEND_DURATION]),
      );
      expect(
        valuesOf(
          traces.map((r) => r.body),
          'stringValue',
        ),
      ).toContain('orders'); // service.name
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
      trace.disable();
      metrics.disable();
      propagation.disable();
      context.disable();
      await collector.close();
    }
  });

  it('renders the example trace of the guide: request → append → processor → handler’s append, and a relay', async () => {
    const telemetry = installTelemetry();
    try {
      const tracer = trace.getTracer('orders-api');
      const store = createInMemoryEventStore({ propagateTraceContext: true });
      const broker = createBroker();
      await tracer.startActiveSpan('POST /orders', { kind: 1 }, async (request) => {
        await store.append({ aggregateType: 'Order', aggregateId: 'o-1' }, 'no_stream', [
          { eventType: 'OrderPlaced', eventData: { total: 42 } },
        ]);
        request.end();
      });

      const emails = startProcessor(store, {
        id: 'order-emails',
        filter: { eventTypes: ['OrderPlaced'] },
        async handle(event) {
          await store.append({ aggregateType: 'Email', aggregateId: event.aggregateId }, 'any', [
            { eventType: 'EmailSent', eventData: { order: event.aggregateId } },
          ]);
        },
      });
      await emails.whenProcessed(2n); // the order, then the email it sent (filtered out)
      await emails.stop();

      const relay = startProcessor(store, {
        id: 'orders-to-broker',
        filter: { eventTypes: ['OrderPlaced'] },
        async handle(event) {
          await tracePublishBatch({ relayId: 'orders-to-broker', transport: 'nats', events: [event] }, () =>
            broker.publish(event),
          );
        },
      });
      await relay.whenProcessed(2n);
      await relay.stop();

      const A = TELEMETRY.attributes;
      const rendered = renderTraces(telemetry.spans(), [
        A.APPEND_OUTCOME,
        A.EVENT_COUNT,
        A.PROCESSOR_ID,
        A.HANDLER_ATTEMPT,
        A.RELAY_ID,
      ]);
      const guide = readFileSync(GUIDE, 'utf8');
      const block = /<!-- rendered-trace -->\n```text\n([\s\S]*?)\n```/.exec(guide)?.[1];
      expect(rendered).toBe(block);
      expect(broker.published).toHaveLength(1);
    } finally {
      await telemetry.uninstall();
    }
  });

  it('has every TypeScript block of the guide in this file', () => {
    expectGuideBlocksIn(GUIDE, new URL(import.meta.url), 3);
  });
});
