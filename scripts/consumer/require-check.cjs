// CommonJS consumers: every package with a CommonJS build loads with require() and exposes its factory.
// (@chronicle/conformance is ESM-only: the vitest it drives cannot be required.)
const checks = {
  '@chronicle/core': 'createInMemoryEventStore',
  '@chronicle/core/adapter': 'decodeEventRow',
  '@chronicle/core/testing': 'deciderSpecification',
  '@chronicle/core/relay': 'startRelay',
  '@chronicle/nats': 'createJetStreamRelay',
  '@chronicle/sqlite': 'createSqliteEventStore',
  '@chronicle/postgres': 'createPostgresEventStore',
  '@chronicle/rabbitmq': 'createRabbitMqRelay',
};
for (const [name, member] of Object.entries(checks)) {
  if (typeof require(name)[member] !== 'function')
    throw new Error(`${name} has no ${member} under require()`);
  console.log(`ok require('${name}').${member}`);
}

// The adapter kit throws the root entry's error classes under require() too (one shared copy).
try {
  require('@chronicle/core/adapter').prepareAppend({ aggregateType: '', aggregateId: 'x' }, 'any', []);
  throw new Error('@chronicle/core/adapter: prepareAppend accepted a blank aggregate type');
} catch (error) {
  if (!(error instanceof require('@chronicle/core').InvalidArgumentError)) throw error;
  console.log("ok require('@chronicle/core/adapter') throws @chronicle/core's InvalidArgumentError");
}

// @opentelemetry/api is an optional peer: not installed here, so the instrumented store must work
// without it (the store is returned uninstrumented) under require() as under import.
(async () => {
  const corePath = require.resolve('@chronicle/core');
  try {
    require.resolve('@opentelemetry/api', { paths: [corePath] });
    throw new Error(
      '@opentelemetry/api is installed in the consumer: the optional-peer check proves nothing',
    );
  } catch (error) {
    if (error.code !== 'MODULE_NOT_FOUND') throw error;
  }
  const store = require('@chronicle/core').createInMemoryEventStore({ propagateTraceContext: true });
  await store.append({ aggregateType: 'A', aggregateId: '1' }, 'no_stream', [
    { eventType: 'X', eventData: {} },
  ]);
  const [event] = await store.getEvents('A', '1');
  if (event.metadata !== undefined) throw new Error('trace context written without @opentelemetry/api');
  console.log("ok require('@chronicle/core') appends without @opentelemetry/api installed");
})().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
