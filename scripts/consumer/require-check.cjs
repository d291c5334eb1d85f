// CommonJS consumers: every package loads with require() and exposes its factory.
const checks = {
  '@chronicle/core': 'createInMemoryEventStore',
  '@chronicle/sqlite': 'createSqliteEventStore',
  '@chronicle/postgres': 'createPostgresEventStore',
  '@chronicle/conformance': 'runEventStoreConformance',
};
for (const [name, member] of Object.entries(checks)) {
  if (typeof require(name)[member] !== 'function')
    throw new Error(`${name} has no ${member} under require()`);
  console.log(`ok require('${name}').${member}`);
}
