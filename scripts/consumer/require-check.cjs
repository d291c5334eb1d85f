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
